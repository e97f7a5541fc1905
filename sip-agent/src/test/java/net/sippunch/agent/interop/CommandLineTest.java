package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sip-agent run} and {@code sip-agent call} as users run them, through Kamailio: a call, then
 * SIGTERM to the callee during a second call (BYE sent, un-REGISTER, exit 0); then what an operator sees
 * when a config or an address is wrong: every problem named, exit 2 for a config, no Java names.
 */
class CommandLineTest {

    /** TEST-NET-2 (RFC 5737): on no interface of a test machine. */
    private static final String NOT_HERE = "198.51.100.7";

    @Test
    void runAnswersCallAndSigtermEndsCallsUnregistersAndExitsZero(@TempDir Path dir) throws Exception {
        Path bobYaml = dir.resolve("bob.yaml");
        Files.writeString(bobYaml, """
                account: {user: bob, domain: sippunch.test, password: bob-pw, proxy: "sip:127.0.0.1:26060"}
                sip: {listenAddress: 127.0.0.1, listenPort: 26020}
                media: {localAddress: 127.0.0.1, portMin: 26200, portMax: 26299, tone: {frequency: 1000}}
                report: {dir: %s}
                """.formatted(dir.resolve("bob-reports")));
        Path aliceYaml = dir.resolve("alice.yaml");
        Files.writeString(aliceYaml, """
                account: {user: alice, domain: sippunch.test, password: alice-pw, proxy: "sip:127.0.0.1:26060"}
                sip: {listenAddress: 127.0.0.1, listenPort: 26010}
                media: {localAddress: 127.0.0.1, portMin: 26100, portMax: 26199}
                """);
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, KamailioCallTest.PASSWORDS);
             AgentProcess bob = AgentProcess.start(dir, List.of("run", "--config", bobYaml.toString()))) {
            bob.awaitLine("ready sip:bob@127.0.0.1:26020", 60);

            Path report = dir.resolve("call.json");
            try (AgentProcess call = AgentProcess.start(dir, List.of("call", "--config", aliceYaml.toString(),
                    "sip:bob@sippunch.test", "--duration", "2", "--record", dir.resolve("heard.wav").toString(),
                    "--report", report.toString()))) {
                assertEquals(0, call.waitFor(60), call.output());
                JsonNode json = new ObjectMapper().readTree(call.stdout());
                assertEquals(1, json.get("schemaVersion").asInt(), call.stdout());
                assertEquals("completed", json.get("outcome").asText());
                assertTrue(json.get("media").get("rtpReceived").asLong() > 0, call.stdout());
                assertEquals(json, new ObjectMapper().readTree(Files.readString(report)));
            }

            // the calls a config lists, placed by run, one report each
            Path aliceRun = dir.resolve("alice-run.yaml");
            Files.writeString(aliceRun, Files.readString(aliceYaml) + """
                    calls:
                      - {target: "sip:bob@sippunch.test", durationSeconds: 1, repeat: 2}
                    report: {dir: %s}
                    """.formatted(dir.resolve("alice-reports")));
            try (AgentProcess run = AgentProcess.start(dir, List.of("run", "--config", aliceRun.toString(),
                    "--exit-after-calls"))) {
                assertEquals(0, run.waitFor(90), run.output());
                try (var reports = Files.list(dir.resolve("alice-reports"))) {
                    List<Path> files = reports.toList();
                    assertEquals(2, files.size(), files.toString());
                    for (Path f : files) {
                        JsonNode r = new ObjectMapper().readTree(Files.readString(f));
                        assertEquals(1, r.get("schemaVersion").asInt(), r.toString());
                        assertEquals("completed", r.get("outcome").asText(), r.toString());
                        assertEquals("caller", r.get("role").asText());
                    }
                }
            }

            // a long call, ended by SIGTERM to the callee's agent
            try (AgentProcess call = AgentProcess.start(dir, List.of("call", "--config", aliceYaml.toString(),
                    "sip:bob@sippunch.test", "--duration", "60"))) {
                bob.awaitLine("first RTP from", 60);
                call.awaitLine("first RTP from", 60);
                bob.terminate();
                assertEquals(0, bob.waitFor(30), bob.output());
                assertEquals(0, call.waitFor(30), call.output());
                JsonNode json = new ObjectMapper().readTree(call.stdout());
                assertEquals("BYE from the peer", json.get("reason").asText());
            }
            try (var reports = Files.list(dir.resolve("bob-reports"))) {
                assertEquals(4, reports.count());
            }
            // un-registered: nobody answers for bob any more
            try (AgentProcess call = AgentProcess.start(dir, List.of("call", "--config", aliceYaml.toString(),
                    "sip:bob@sippunch.test", "--duration", "1"))) {
                assertEquals(1, call.waitFor(60), call.output());
                assertEquals(404, new ObjectMapper().readTree(call.stdout()).get("sipStatus").asInt(), call.stdout());
            }
        }
    }

    @Test
    void badConfigListsEveryProblemAndExitsTwo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                account: {user: bob, domian: x, proxy: nosuchhost.invalid}
                sip: {listenPort: 99999999999, keepaliveSeconds: often}
                media: {codecs: [g729], tone: {frequency: loud}}
                report: {dir: %s}
                sip2: {listenPort: 5070}
                """.formatted(file.resolve("reports")));
        try (AgentProcess run = AgentProcess.start(dir, List.of("run", "--config", bad.toString()))) {
            assertEquals(2, run.waitFor(60), run.output());
            String out = run.output();
            assertTrue(out.startsWith(bad + ": 9 problem(s):\n"), out);
            for (String problem : List.of("unknown key 'domian' under account",
                    "sip.listenPort: number out of range: 99999999999",
                    "sip.keepaliveSeconds: expected a whole number, got text 'often'",
                    "media.tone.frequency: expected a number, got text 'loud'",
                    "unknown key 'sip2'",
                    "account.domain: missing",
                    "account.proxy: cannot resolve host 'nosuchhost.invalid'",
                    "report.dir: cannot create directory " + file.resolve("reports") + ": " + file
                            + " is not a directory")) {
                assertTrue(out.contains("\n  - " + problem + "\n"), problem + " missing in\n" + out);
            }
            assertTrue(out.contains("\n  - media.codecs: unknown codec g729 (known: "), out);
            assertNoJavaNames(out);
        }
    }

    @Test
    void brokenYamlIsOneSyntaxErrorWithItsLineAndExitsTwo(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.yaml");
        Files.writeString(bad, "account: {user: bob, domain: example.org\nsip: {listenPort: 5070}\n");
        try (AgentProcess run = AgentProcess.start(dir, List.of("call", "--config", bad.toString(), "sip:x@y"))) {
            assertEquals(2, run.waitFor(60), run.output());
            assertTrue(run.output().startsWith(bad + ": 1 problem(s):\n  - YAML syntax error at line 2, column 4: "),
                    run.output());
            assertNoJavaNames(run.output());
        }
    }

    @Test
    void aSipAddressNotOnThisMachineIsAConfigError(@TempDir Path dir) throws Exception {
        assertNull(NetworkInterface.getByInetAddress(InetAddress.getByName(NOT_HERE)), NOT_HERE + " is here");
        Path config = dir.resolve("elsewhere.yaml");
        Files.writeString(config, "account: {user: bob, domain: 127.0.0.1, register: false}\n"
                + "sip: {listenAddress: " + NOT_HERE + ", listenPort: 26034}\n");
        try (AgentProcess run = AgentProcess.start(dir, List.of("run", "--config", config.toString()))) {
            assertEquals(2, run.waitFor(60), run.output());
            assertTrue(run.output().contains("  - sip.listenAddress: " + NOT_HERE
                    + " is not an address of this machine (Cannot assign requested address)\n"), run.output());
            assertNoJavaNames(run.output());
        }
    }

    @Test
    void takenSipPortIsAClearErrorAndTheProcessExits(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("taken.yaml");
        Files.writeString(config, "account: {user: bob, domain: 127.0.0.1, register: false}\n"
                + "sip: {listenAddress: 127.0.0.1, listenPort: 26032}\n");
        try (DatagramSocket taken = new DatagramSocket(26032, InetAddress.getLoopbackAddress());
             AgentProcess run = AgentProcess.start(dir, List.of("run", "--config", config.toString()))) {
            assertEquals(1, run.waitFor(60), run.output());
            assertTrue(run.output().contains("run: cannot listen on 127.0.0.1:26032 (udp): Address already in use\n"),
                    run.output());
            assertNoJavaNames(run.output());
        }
    }

    @Test
    void discoveryServerBindFailureNamesTheAddressAndTheReason(@TempDir Path dir) throws Exception {
        assertNull(NetworkInterface.getByInetAddress(InetAddress.getByName(NOT_HERE)), NOT_HERE + " is here");
        try (AgentProcess server = AgentProcess.start(dir,
                List.of("discovery-server", "--listen", NOT_HERE + ":3478"))) {
            assertEquals(1, server.waitFor(60), server.output());
            assertEquals("discovery-server: cannot bind discovery server to " + NOT_HERE
                    + ":3478: Cannot assign requested address\n", server.output());
        }
        try (DatagramSocket taken = new DatagramSocket(26036, InetAddress.getLoopbackAddress());
             AgentProcess server = AgentProcess.start(dir,
                     List.of("discovery-server", "--listen", "127.0.0.1:26036"))) {
            assertEquals(1, server.waitFor(60), server.output());
            assertEquals("discovery-server: cannot bind discovery server to 127.0.0.1:26036: Address already in use\n",
                    server.output());
        }
    }

    @Test
    void aWavFileThatIsNotThereIsAUsageErrorNotAStackTrace(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("alice.yaml");
        Files.writeString(config, "account: {user: alice, domain: 127.0.0.1, register: false}\n"
                + "sip: {listenAddress: 127.0.0.1, listenPort: 26038}\n");
        Path missing = dir.resolve("missing.wav");
        try (AgentProcess call = AgentProcess.start(dir, List.of("call", "--config", config.toString(),
                "sip:bob@127.0.0.1", "--play", missing.toString()))) {
            assertEquals(2, call.waitFor(60), call.output());
            assertEquals("call: --play " + missing + ": no such file\n", call.output());
        }
    }

    /** No exception class, no stack trace: what the operator reads is the problem itself. */
    private static void assertNoJavaNames(String output) {
        assertFalse(output.contains("Exception"), output);
        assertFalse(output.contains("\tat "), output);
        assertFalse(output.contains("java."), output);
    }
}
