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
 * {@code sip-agent run} and {@code sip-agent call} as users run them, through Kamailio: a call, then
 * SIGTERM to the callee during a second call (BYE sent, un-REGISTER, exit 0), then a bad config.
 */
class CommandLineTest {

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
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "account: {user: bob, domian: x}\nmedia: {codecs: [g729]}\n");
        try (AgentProcess run = AgentProcess.start(dir, List.of("run", "--config", bad.toString()))) {
            assertEquals(2, run.waitFor(60));
            String out = run.output();
            assertTrue(out.contains("unknown key 'domian' under account"), out);
            assertTrue(out.contains("account.domain: missing"), out);
            assertTrue(out.contains("media.codecs: unknown codec g729"), out);
        }
    }

    @Test
    void takenSipPortIsAClearErrorAndTheProcessExits(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("taken.yaml");
        Files.writeString(config, "account: {user: bob, domain: 127.0.0.1, register: false}\n"
                + "sip: {listenAddress: 127.0.0.1, listenPort: 26032}\n");
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(26032, java.net.InetAddress.getLoopbackAddress());
             AgentProcess run = AgentProcess.start(dir, List.of("run", "--config", config.toString()))) {
            assertEquals(1, run.waitFor(60), run.output());
            assertTrue(run.output().contains("run: cannot listen on 127.0.0.1:26032 (udp)"), run.output());
        }
    }
}
