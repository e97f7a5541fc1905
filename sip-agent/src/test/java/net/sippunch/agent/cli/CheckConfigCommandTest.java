package net.sippunch.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import net.sippunch.agent.media.dtls.DtlsCertificate;
import net.sippunch.agent.sip.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sip-agent check-config} on real files: a valid config gives a summary and exit 0 without starting
 * anything; a config with several problems gives exit 2 and lists every one, as {@code run} would.
 */
class CheckConfigCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run sipAgent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SipAgent());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aValidConfigIsSummarisedAndNothingIsStarted(@TempDir Path dir) throws Exception {
        Path reports = dir.resolve("reports");
        Path config = Files.writeString(dir.resolve("bob.yaml"), """
                account: {user: bob, domain: sippunch.test, proxy: "sip:127.0.0.1:26060"}
                sip: {listenAddress: 127.0.0.1, listenPort: 26042}
                media: {localAddress: 127.0.0.1, portMin: 26300, portMax: 26399}
                discovery: {servers: ["127.0.0.1:3478", "127.0.0.2:3479"]}
                report: {dir: %s}
                metrics: {listen: "127.0.0.1:26043"}
                """.formatted(reports));

        Run run = sipAgent("check-config", "--config", config.toString());

        assertEquals(0, run.exit(), run.err() + run.out());
        assertEquals("", run.err());
        assertEquals("config OK: " + config + "\n"
                + "  account  sip:bob@sippunch.test, registers at sip:127.0.0.1:26060 every 600 s\n"
                + "  sip      127.0.0.1:26042 (udp)\n"
                + "  media    127.0.0.1 ports 26300..26399, codecs pcmu,pcma, at most 50 calls at once\n"
                + "  mode     NAT traversal, discovery 127.0.0.1:3478, 127.0.0.2:3479\n"
                + "  policy   accept by default, 0 rule(s)\n"
                + "  calls    0 planned\n"
                + "  reports  " + reports + "\n"
                + "  metrics  http://127.0.0.1:26043/metrics\n", run.out());
        // nothing started: the report directory is not created, the SIP and metrics ports are free
        assertFalse(Files.exists(reports));
        try (DatagramSocket sip = new DatagramSocket(26042, InetAddress.getLoopbackAddress());
             ServerSocket metrics = new ServerSocket(26043, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(sip.isBound() && metrics.isBound());
        }
    }

    @Test
    void dtlsSrtpIsSummarisedWithItsCertificateAndABadKeyFileIsAProblem(@TempDir Path dir) throws Exception {
        DtlsCertificate.generate(new SecureRandom()).writePem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        Files.writeString(dir.resolve("junk.pem"), "junk\n");
        String base = "account: {user: bob, domain: sippunch.test, register: false}\n";
        Path generated = Files.writeString(dir.resolve("generated.yaml"), base
                + "media: {encryption: dtls-srtp, encryptionRequired: true}\n");
        Run run = sipAgent("check-config", "--config", generated.toString());
        assertEquals(0, run.exit(), run.err() + run.out());
        assertTrue(run.out().contains(", SRTP by DTLS-SRTP required (certificate generated at start)\n"), run.out());

        Path files = Files.writeString(dir.resolve("files.yaml"), base + "media: {encryption: dtls-srtp, "
                + "dtlsCertificate: " + dir.resolve("cert.pem") + ", dtlsKey: " + dir.resolve("key.pem") + "}\n");
        run = sipAgent("check-config", "--config", files.toString());
        assertEquals(0, run.exit(), run.err() + run.out());
        assertTrue(run.out().contains(", SRTP by DTLS-SRTP best effort (certificate " + dir.resolve("cert.pem")
                + ")\n"), run.out());

        Path bad = Files.writeString(dir.resolve("bad.yaml"), base + "media: {encryption: dtls-srtp, "
                + "dtlsCertificate: " + dir.resolve("cert.pem") + ", dtlsKey: " + dir.resolve("junk.pem") + "}\n");
        run = sipAgent("check-config", "--config", bad.toString());
        assertEquals(2, run.exit(), run.err() + run.out());
        assertTrue(run.err().contains("media.dtlsKey: " + dir.resolve("junk.pem") + " holds no PEM block"),
                run.err());
    }

    @Test
    void theShippedExampleConfigIsValid() {
        Run run = sipAgent("check-config", "--config", Path.of("..", "conf", "agent.example.yaml").toString());
        assertEquals(0, run.exit(), run.err() + run.out());
        assertTrue(run.out().contains("  mode     plain (no discovery.servers)\n"), run.out());
    }

    @Test
    void everyProblemIsListedAndTheExitIsTwo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                account: {user: bob, domian: x, proxy: nosuchhost.invalid, registerExpires: 5}
                sip: {listenPort: 99999999999, keepaliveSeconds: often}
                media: {codecs: [g729], tone: {frequency: loud}}
                policy: {action: maybe}
                report: {dir: %s}
                sip2: {listenPort: 5070}
                """.formatted(file.resolve("reports")));

        Run run = sipAgent("check-config", "--config", bad.toString());

        assertEquals(2, run.exit(), run.err() + run.out());
        assertEquals("", run.out());
        List<String> problems = List.of("unknown key 'domian' under account",
                "sip.listenPort: number out of range: 99999999999",
                "sip.keepaliveSeconds: expected a whole number, got text 'often'",
                "media.tone.frequency: expected a number, got text 'loud'",
                "unknown key 'sip2'",
                "account.domain: missing",
                "account.registerExpires: must be 30..86400 seconds, is 5",
                "account.proxy: cannot resolve host 'nosuchhost.invalid'",
                "report.dir: cannot create directory " + file.resolve("reports") + ": " + file + " is not a directory");
        assertTrue(run.err().startsWith(bad + ": 11 problem(s):\n"), run.err());
        for (String problem : problems) {
            assertTrue(run.err().contains("\n  - " + problem + "\n"), problem + " missing in\n" + run.err());
        }
        // these two name a set, in no fixed order
        assertTrue(run.err().contains("\n  - media.codecs: unknown codec g729 (known: "), run.err());
        assertTrue(run.err().contains("\n  - policy.action: must be one of "), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void tlsFilesAreSummarisedOrTheirProblemsListed(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir.resolve("pki"), "test");
        TestCa.Issued own = ca.issue("bob", "DNS:bob.sippunch.test");
        Path good = Files.writeString(dir.resolve("tls.yaml"), """
                account: {user: bob, domain: sippunch.test, proxy: "sips:127.0.0.1"}
                sip: {listenAddress: 127.0.0.1, listenPort: 26044, transport: tls,
                      tls: {caFile: %s, certificateFile: %s, keyFile: %s}}
                """.formatted(ca.certificate(), own.certificate(), own.key()));
        Run ok = sipAgent("check-config", "--config", good.toString());
        assertEquals(0, ok.exit(), ok.err() + ok.out());
        assertTrue(ok.out().contains("  sip      127.0.0.1:26044 (tls), server certificates checked against "
                + ca.certificate() + ", own certificate " + own.certificate() + "\n"), ok.out());

        Path bad = Files.writeString(dir.resolve("bad-tls.yaml"), """
                account: {user: bob, domain: sippunch.test, proxy: "sips:127.0.0.1"}
                sip: {listenAddress: 127.0.0.1, transport: tls,
                      tls: {caFile: %s, certificateFile: %s, keyFile: %s}}
                """.formatted(dir.resolve("none.pem"), ca.certificate(), own.key()));
        Run run = sipAgent("check-config", "--config", bad.toString());
        assertEquals(2, run.exit(), run.err() + run.out());
        assertEquals(bad + ": 2 problem(s):\n"
                + "  - sip.tls.caFile: " + dir.resolve("none.pem") + ": no such file\n"
                + "  - sip.tls.keyFile: " + own.key() + " is not the key of the certificate in sip.tls.certificateFile ("
                + ca.certificate() + ")\n", run.err());
    }

    @Test
    void aFileThatCannotBeReadIsAConfigProblem(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");
        Run run = sipAgent("check-config", "--config", missing.toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith(missing + ": 1 problem(s):\n  - cannot read: "), run.err());
    }
}
