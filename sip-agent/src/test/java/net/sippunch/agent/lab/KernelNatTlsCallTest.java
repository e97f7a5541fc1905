package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sippunch.agent.interop.Kamailio;
import net.sippunch.agent.interop.ToneCheck;
import net.sippunch.agent.media.WavFile;
import net.sippunch.agent.sip.CallIdLabel;
import net.sippunch.agent.sip.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over TLS and DTLS-SRTP through real NATs: the caller behind a symmetric sequential NAT (site a), the callee
 * behind a port-restricted cone (site b), both registered over TLS to Kamailio in the lab's SIP host (its
 * certificate, for 198.18.0.40, from a CA made for the test), neither with a certificate of its own: every
 * request to them comes back over the connection they opened through their NAT. Both require DTLS-SRTP: the
 * punch settles a direct media path, the DTLS handshake runs on it, and each side's tone reaches the other
 * through SRTP keyed by it. Nothing of the call is in clear on the wire: the SDP's {@code ice-pwd} travels over
 * TLS, the media as SRTP.
 */
class KernelNatTlsCallTest {

    private static final String DOMAIN = LabAgent.DOMAIN;
    private static final String SITE_A = "198.18.1.1";
    private static final String SITE_B = "198.18.2.1";
    private static final String SUITE = "srtp AES_CM_128_HMAC_SHA1_80 (dtls-srtp)";

    @Test
    void callOverTlsWithDtlsSrtpThroughKernelNats(@TempDir Path dir) throws Exception {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)", "openssl (openssl)"));
        TestCa ca = TestCa.create(dir.resolve("pki"), "lab");
        TestCa.Issued proxyCert = ca.issue("kamailio", "IP:" + LabKamailio.ADDRESS);
        String prefix = "lt" + ProcessHandle.current().pid() % 100000;
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Path recordings = Files.createDirectories(dir.resolve("recordings"));
        Path aliceYaml = dtlsRequired(LabAgent.configOverTls(dir, "alice", 440, null, null, ca.certificate()));
        Path bobYaml = dtlsRequired(LabAgent.configOverTls(dir, "bob", 1000, recordings, reports, ca.certificate()));
        var tls = new Kamailio.TlsListener(LabKamailio.TLS_PORT, LabKamailio.PORT, proxyCert.certificate(),
                proxyCert.key(), null, "TLSv1.2+");
        try (LabHost lab = new LabHost(prefix)) {
            lab.upWith(List.of("--nat-a", "symmetric-sequential", "--nat-b", "port-restricted"));
            try (LabAgent discovery = LabAgent.start(prefix, "disc", dir, "discovery-server", List.of(
                         "discovery-server", "--listen", "198.18.0.21:3478", "--listen", "198.18.0.31:3479"));
                 LabKamailio kamailio = LabKamailio.start(prefix, dir, LabAgent.passwords("alice", "bob"), tls)) {
                assertTrue(discovery.awaitLine("listening on", 60), "discovery server not up:\n" + discovery.output());
                // over TLS a REGISTER is not retransmitted until Kamailio listens (a refused connection fails it at
                // once): the callee starts when Kamailio's TLS port accepts connections (asked every 100 ms, 20 s)
                lab.exec("sip", List.of("bash", "-c", "for i in $(seq 200); do (exec 3<>/dev/tcp/"
                        + LabKamailio.ADDRESS + "/" + LabKamailio.TLS_PORT + ") 2>/dev/null && exit 0; sleep 0.1; done;"
                        + " echo Kamailio does not listen on TLS; exit 1"));
                try (LabAgent bob = startRegistered(prefix, dir, bobYaml, kamailio)) {
                    int exit;
                    String caller;
                    try (LabAgent alice = LabAgent.start(prefix, "a-cli", dir, "alice", List.of("call", "--config",
                            aliceYaml.toString(), "--register", "sip:bob@" + DOMAIN, "--duration", "3",
                            "--record", dir.resolve("alice-heard.wav").toString(),
                            "--report", dir.resolve("alice.json").toString()))) {
                        exit = alice.waitFor(60);
                        caller = alice.output();
                    }
                    bob.terminate();
                    int bobExit = bob.waitFor(20);
                    String log = kamailio.log();
                    String why = "\n--- caller:\n" + caller + "\n--- callee:\n" + bob.output() + "\n--- kamailio:\n"
                            + log;
                    assertEquals(0, exit, "the call must end with media both ways" + why);
                    assertEquals(0, bobExit, "the callee must stop cleanly on SIGTERM" + why);
                    // both registered over TLS from their NAT's public address; INVITE, ACK and BYE over TLS too
                    assertTrue(log.contains("location saved for sip:alice@" + DOMAIN + " from " + SITE_A), why);
                    assertTrue(log.contains("location saved for sip:bob@" + DOMAIN + " from " + SITE_B), why);
                    List<String> requests = log.lines()
                            .filter(l -> l.matches(".*request (REGISTER|INVITE|ACK|BYE) sip.*")).toList();
                    assertTrue(requests.size() >= 6, why); // two REGISTERs each (a challenge), INVITEs, ACK, BYE
                    for (String line : requests) {
                        assertTrue(line.endsWith(" over tls"), "not over TLS: " + line + why);
                    }
                    assertTrue(log.contains("request ACK sip:bob@" + SITE_B + ":"), why);
                    assertFalse(log.contains(" over udp"), why);

                    ObjectMapper json = new ObjectMapper();
                    JsonNode report = json.readTree(dir.resolve("alice.json").toFile());
                    String remote = report.get("remoteMedia").asText();
                    assertEquals(SITE_B, remote.substring(0, remote.lastIndexOf(':')), why);
                    String callId = CallIdLabel.fileName(report.get("callId").asText());
                    Path calleeReport = LabAgent.awaitFile(reports, callId + ".json", java.time.Duration.ofSeconds(10));
                    assertTrue(calleeReport != null, "the callee wrote no report" + why);
                    JsonNode callee = json.readTree(calleeReport.toFile());
                    for (JsonNode r : List.of(report, callee)) {
                        assertEquals("completed", r.get("outcome").asText(), r + why);
                        assertEquals("traversal", r.get("traversal").get("mode").asText(), r + why);
                        assertTrue(r.get("traversal").get("settledMillis").isNumber(), "no punched path: " + r + why);
                        assertEquals(SUITE, r.get("encryption").asText(), r + why);
                        assertTrue(r.get("media").get("srtpDropped").isEmpty(), r + why);
                    }
                    System.out.println("lab TLS + DTLS-SRTP call SS -> PR: RTP both ways "
                            + report.get("timings").get("mediaBothWaysMillis") + " ms (caller) / "
                            + callee.get("timings").get("mediaBothWaysMillis") + " ms (callee) after the 200 OK");
                    ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard.wav")), 1000, 440);
                    Path heardByBob = LabAgent.awaitFile(recordings, ".wav", java.time.Duration.ofSeconds(10));
                    ToneCheck.assertTone(WavFile.read(heardByBob), 440, 1000);
                }
            }
        }
    }

    /** The lab agent's config, requiring DTLS-SRTP. */
    private static Path dtlsRequired(Path yaml) throws IOException {
        String text = Files.readString(yaml);
        Files.writeString(yaml, text.replace("media:\n", "media:\n  encryption: dtls-srtp\n"
                + "  encryptionRequired: true\n"));
        return yaml;
    }

    private static LabAgent startRegistered(String prefix, Path dir, Path yaml, LabKamailio kamailio)
            throws Exception {
        LabAgent bob = LabAgent.start(prefix, "b-cli", dir, "bob", List.of("run", "--config", yaml.toString()));
        if (!bob.awaitLine("run: registered", 60)) {
            String out = bob.output();
            bob.close();
            throw new AssertionError("the callee did not register over TLS through its NAT:\n" + out
                    + "\n--- kamailio:\n" + kamailio.log());
        }
        return bob;
    }
}
