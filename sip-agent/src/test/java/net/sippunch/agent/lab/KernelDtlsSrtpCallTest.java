package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.sippunch.agent.interop.ToneCheck;
import net.sippunch.agent.media.WavFile;
import net.sippunch.agent.sip.CallIdLabel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DTLS-SRTP call through real NATs: the caller (site a) behind a symmetric sequential NAT, the callee (site b)
 * behind a port-restricted one, both in NAT traversal mode requiring DTLS-SRTP, registered to the lab's Kamailio.
 * The punch settles the direct path, the DTLS handshake runs on it, and each side's tone reaches the other through
 * SRTP keyed by it.
 */
class KernelDtlsSrtpCallTest {

    private static final String DOMAIN = LabAgent.DOMAIN;
    private static final String SUITE = "srtp AES_CM_128_HMAC_SHA1_80 (dtls-srtp)";
    private static final double ALICE_HZ = 440;
    private static final double BOB_HZ = 1000;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void symmetricSequentialCallsPortRestrictedOverDtlsSrtp(@TempDir Path dir) throws Exception {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)"));
        String prefix = "ld" + ProcessHandle.current().pid() % 100000;
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Path recordings = Files.createDirectories(dir.resolve("recordings"));
        Path aliceYaml = dtlsRequired(LabAgent.config(dir, "alice", ALICE_HZ, null, null));
        Path bobYaml = dtlsRequired(LabAgent.config(dir, "bob", BOB_HZ, recordings, reports));
        try (LabHost lab = new LabHost(prefix)) {
            lab.upWith(List.of("--nat-a", "symmetric-sequential", "--nat-b", "port-restricted"));
            try (LabAgent discovery = LabAgent.start(prefix, "disc", dir, "discovery-server", List.of(
                         "discovery-server", "--listen", "198.18.0.21:3478", "--listen", "198.18.0.31:3479"));
                 LabKamailio kamailio = LabKamailio.start(prefix, dir, LabAgent.passwords("alice", "bob"));
                 LabAgent bob = LabAgent.start(prefix, "b-cli", dir, "bob", List.of("run", "--config",
                         bobYaml.toString()))) {
                assertTrue(discovery.awaitLine("listening on", 60), "discovery server not up:\n" + discovery.output());
                lab.agent("disc2", List.of("nat-probe", "--server", "198.18.0.21:3478", "--server",
                        "198.18.0.31:3479", "--json"), 60);
                assertTrue(bob.awaitLine("run: registered", 60), "the callee did not register:\n" + bob.output());
                int exit;
                String callerOutput;
                try (LabAgent caller = LabAgent.start(prefix, "a-cli", dir, "alice", List.of("call", "--config",
                        aliceYaml.toString(), "--register", "sip:bob@" + DOMAIN, "--duration", "3",
                        "--record", dir.resolve("alice-heard.wav").toString(),
                        "--report", dir.resolve("alice.json").toString()))) {
                    exit = caller.waitFor(60);
                    callerOutput = caller.output();
                }
                bob.terminate();
                bob.waitFor(20);
                String why = "\n--- caller:\n" + callerOutput + "\n--- callee:\n" + bob.output();
                assertEquals(0, exit, "the call must end with media both ways" + why);
                JsonNode caller = json.readTree(dir.resolve("alice.json").toFile());
                String callId = CallIdLabel.fileName(caller.get("callId").asText());
                JsonNode callee = json.readTree(only(reports, callId + ".json").toFile());
                for (JsonNode r : List.of(caller, callee)) {
                    assertEquals("completed", r.get("outcome").asText(), r + why);
                    assertEquals("traversal", r.get("traversal").get("mode").asText(), r + why);
                    assertTrue(r.get("traversal").get("settledMillis").isNumber(), "no punched path: " + r + why);
                    assertEquals(SUITE, r.get("encryption").asText(), r + why);
                    assertTrue(r.get("media").get("srtpDropped").isEmpty(), r + why);
                }
                ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard.wav")), BOB_HZ, ALICE_HZ);
                ToneCheck.assertTone(WavFile.read(only(recordings, callId + ".wav")), ALICE_HZ, BOB_HZ);
                System.out.println("lab DTLS-SRTP call SS -> PR: RTP both ways "
                        + caller.get("timings").get("mediaBothWaysMillis") + " ms (caller) / "
                        + callee.get("timings").get("mediaBothWaysMillis") + " ms (callee) after the 200 OK");
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

    private static Path only(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.toString().endsWith(suffix)).toList();
            assertEquals(1, found.size(), "expected one " + suffix + " in " + dir + ": " + found);
            return found.get(0);
        }
    }
}
