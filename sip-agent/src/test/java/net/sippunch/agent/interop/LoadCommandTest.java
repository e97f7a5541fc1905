package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sip-agent load}: several calls at once from one agent through Kamailio to an agent that answers, with
 * SDES-keyed SRTP on both (best effort on the callee, so that it would also answer a plain offer), summarised as
 * one JSON object; a load beyond what the config's media range allows is a usage error.
 */
class LoadCommandTest {

    private static final int CALLS = 4;

    @Test
    void placesEveryCallAndSummarisesTheirReports(@TempDir Path dir) throws Exception {
        Path bobYaml = dir.resolve("bob.yaml");
        Files.writeString(bobYaml, """
                account: {user: bob, domain: sippunch.test, password: bob-pw, proxy: "sip:127.0.0.1:%d"}
                sip: {listenAddress: 127.0.0.1, listenPort: 26520}
                media: {localAddress: 127.0.0.1, portMin: 26600, portMax: 26649, encryption: sdes}
                """.formatted(KamailioCallTest.PROXY));
        Path aliceYaml = dir.resolve("alice.yaml");
        Files.writeString(aliceYaml, """
                account: {user: alice, domain: sippunch.test, password: alice-pw, proxy: "sip:127.0.0.1:%d"}
                sip: {listenAddress: 127.0.0.1, listenPort: 26510}
                media: {localAddress: 127.0.0.1, portMin: 26650, portMax: 26699, encryption: sdes,
                        encryptionRequired: true}
                """.formatted(KamailioCallTest.PROXY));
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, KamailioCallTest.PASSWORDS);
             AgentProcess bob = AgentProcess.start(dir, List.of("run", "--config", bobYaml.toString()))) {
            bob.awaitLine("ready sip:bob@127.0.0.1:26520", 60);
            try (AgentProcess load = AgentProcess.start(dir, List.of("load", "--config", aliceYaml.toString(),
                    "--calls", Integer.toString(CALLS), "--rate", "8", "--duration", "2", "--json",
                    "sip:bob@sippunch.test"))) {
                assertEquals(0, load.waitFor(60), load.output());
                JsonNode summary = new ObjectMapper().readTree(load.stdout());
                assertEquals(CALLS, summary.get("offered").asInt(), load.stdout());
                assertEquals(CALLS, summary.get("reported").asInt(), load.stdout());
                assertEquals(CALLS, summary.get("completedBothWays").asInt(), load.stdout());
                assertEquals(CALLS, summary.get("encryption").path("srtp AES_CM_128_HMAC_SHA1_80 (sdes)").asInt(),
                        load.stdout());
                // 2 s of 20 ms frames each way per call, less what the set-up and the BYE cut off
                assertTrue(summary.get("rtpReceived").asLong() >= CALLS * 50L, load.stdout());
                assertEquals(0, summary.get("srtpDropped").asLong(), load.stdout());
            }
            try (AgentProcess tooMany = AgentProcess.start(dir, List.of("load", "--config", aliceYaml.toString(),
                    "--calls", "26", "sip:bob@sippunch.test"))) {
                assertEquals(2, tooMany.waitFor(60), tooMany.output());
                assertTrue(tooMany.output().contains("the config allows 25 at once"), tooMany.output());
            }
        }
    }
}
