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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real calls through real NATs: two agents in NAT traversal mode, the caller in site a (a-cli, 10.0.1.2) and
 * the callee in site b (b-cli, 10.0.2.2), each behind the kernel NAT the case names. Kamailio (registrar and
 * record-routing proxy with digest auth, {@code conf/kamailio/kamailio.cfg}) runs in the lab's SIP host; both
 * agents register to it through their NATs. Our discovery server runs in the discovery host. The call must
 * settle a direct path by probes (the remote media address is the other site's NAT, never the SIP host) and
 * carry each side's tone to the other.
 */
class KernelNatCallTest {

    private static final String DOMAIN = LabAgent.DOMAIN;
    private static final String SITE_A = "198.18.1.1";
    private static final String SITE_B = "198.18.2.1";
    private static final double ALICE_HZ = 440;
    private static final double BOB_HZ = 1000;

    private final ObjectMapper json = new ObjectMapper();

    /**
     * The symmetric pair places a second call in the same lab: the NATs then hold the first call's mappings
     * and their sequential counters have moved on by its probes.
     */
    @ParameterizedTest(name = "{0} calls {1}, {4} call(s)")
    @CsvSource({
            "symmetric-sequential, symmetric-sequential, SYMMETRIC_SEQUENTIAL, SYMMETRIC_SEQUENTIAL, 2",
            "port-restricted,      symmetric-sequential, PORT_RESTRICTED_CONE, SYMMETRIC_SEQUENTIAL, 1",
            "symmetric-sequential, port-restricted,      SYMMETRIC_SEQUENTIAL, PORT_RESTRICTED_CONE, 1",
    })
    void callThroughKernelNatsCarriesDirectMediaBothWays(String natA, String natB, String typeA, String typeB,
                                                         int calls, @TempDir Path dir) throws Exception {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)"));
        String prefix = "lc" + ProcessHandle.current().pid() % 100000;
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Path recordings = Files.createDirectories(dir.resolve("recordings"));
        Path aliceYaml = LabAgent.config(dir, "alice", ALICE_HZ, null, null);
        Path bobYaml = LabAgent.config(dir, "bob", BOB_HZ, recordings, reports);
        try (LabHost lab = new LabHost(prefix)) {
            lab.upWith(List.of("--nat-a", natA, "--nat-b", natB));
            // the discovery server, Kamailio and the callee start side by side; the callee's REGISTER is
            // retransmitted until Kamailio listens
            try (LabAgent discovery = LabAgent.start(prefix, "disc", dir, "discovery-server", List.of(
                         "discovery-server", "--listen", "198.18.0.21:3478", "--listen", "198.18.0.31:3479"));
                 LabKamailio kamailio = LabKamailio.start(prefix, dir, LabAgent.passwords("alice", "bob"));
                 LabAgent bob = LabAgent.start(prefix, "b-cli", dir, "bob", List.of("run", "--config",
                         bobYaml.toString()))) {
                assertTrue(discovery.awaitLine("listening on", 60), "discovery server not up:\n" + discovery.output());
                // a probe from a host without NAT warms the discovery server up, as a server in service would be
                lab.agent("disc2", List.of("nat-probe", "--server", "198.18.0.21:3478", "--server",
                        "198.18.0.31:3479", "--json"), 60);
                assertTrue(bob.awaitLine("run: registered", 60), "the callee did not register through its NAT"
                        + (kamailio.running() ? "" : " (Kamailio exited)") + ":\n" + bob.output()
                        + "\n--- kamailio:\n" + tail(kamailio.log(), 40));
                StringBuilder callers = new StringBuilder();
                int[] exits = new int[calls];
                for (int i = 0; i < calls; i++) {
                    // each call is a new caller process, as `sip-agent call` is used
                    try (LabAgent caller = LabAgent.start(prefix, "a-cli", dir, "alice", List.of("call", "--config",
                            aliceYaml.toString(), "--register", "sip:bob@" + DOMAIN, "--duration", "3",
                            "--record", dir.resolve("alice-heard-" + i + ".wav").toString(),
                            "--report", dir.resolve("alice-" + i + ".json").toString()))) {
                        exits[i] = caller.waitFor(60);
                        callers.append("\n--- caller, call ").append(i + 1).append(":\n").append(caller.output());
                    }
                }
                bob.terminate();
                int bobExit = bob.waitFor(20);
                String why = callers + "\n--- callee:\n" + bob.output() + "\n--- kamailio:\n"
                        + tail(kamailio.log(), 40);
                for (int i = 0; i < calls; i++) {
                    assertEquals(0, exits[i], "call " + (i + 1) + " must end with media both ways" + why);
                }
                assertEquals(0, bobExit, "the callee must stop cleanly on SIGTERM" + why);
                // signalling through the NATs: both registered from their NAT's public address, and Kamailio sent
                // the in-dialog ACK to the callee's NAT, not to the private Contact it registered
                String log = kamailio.log();
                assertTrue(log.contains("request REGISTER sip:" + DOMAIN + " from " + SITE_A + ":"), why);
                assertTrue(log.contains("request REGISTER sip:" + DOMAIN + " from " + SITE_B + ":"), why);
                assertTrue(log.contains("request ACK sip:bob@" + SITE_B + ":"), why);

                for (int i = 0; i < calls; i++) {
                    JsonNode callerReport = json.readTree(dir.resolve("alice-" + i + ".json").toFile());
                    String callId = CallIdLabel.fileName(callerReport.get("callId").asText());
                    JsonNode calleeReport = json.readTree(only(reports, callId + ".json").toFile());
                    assertDirect(callerReport, typeA, typeB, SITE_B, why);
                    assertDirect(calleeReport, typeB, typeA, SITE_A, why);
                    assertEquals("completed", callerReport.get("outcome").asText(), why);
                    assertEquals("completed", calleeReport.get("outcome").asText(), why);

                    ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard-" + i + ".wav")), BOB_HZ, ALICE_HZ);
                    ToneCheck.assertTone(WavFile.read(only(recordings, callId + ".wav")), ALICE_HZ, BOB_HZ);
                    System.out.println(figures(natA + " -> " + natB + ", call " + (i + 1), callerReport,
                            calleeReport));
                }
            }
        }
    }

    /** Traversal mode, both profiles as built, a settled path to the other site's NAT, RTP received. */
    private static void assertDirect(JsonNode report, String ownType, String peerType, String peerSite, String why) {
        String role = report.get("role").asText();
        JsonNode t = report.get("traversal");
        assertEquals("traversal", t.get("mode").asText(), role + why);
        assertEquals(ownType, t.get("localProfile").get("type").asText(), role + why);
        assertEquals(peerType, t.get("remoteProfile").get("type").asText(), role + why);
        assertTrue(t.get("settledMillis").isNumber(), role + " settled no path by probes: " + t + why);
        assertTrue(t.get("probesSent").asLong() > 0, role + why);
        String remote = report.get("remoteMedia").asText();
        assertEquals(peerSite, remote.substring(0, remote.lastIndexOf(':')),
                role + " sends media to " + remote + ", not to the other site's NAT" + why);
        assertEquals(remote, report.get("media").get("remote").asText(), role + why);
        assertTrue(report.get("media").get("rtpReceived").asLong() > 0, role + " received no RTP" + why);
        assertTrue(report.get("media").get("rtpSent").asLong() > 0, role + " sent no RTP" + why);
    }

    private static String figures(String pair, JsonNode caller, JsonNode callee) {
        return String.format("lab call %s: %s; settled %s ms (caller) / %s ms (callee) after the punch started, "
                        + "RTP both ways %s ms (caller) / %s ms (callee) after the 200 OK; probes %s / %s; "
                        + "RTP caller->callee sent %s received %s, callee->caller sent %s received %s",
                pair, caller.get("traversal").get("strategy").asText(),
                caller.get("traversal").get("settledMillis"), callee.get("traversal").get("settledMillis"),
                caller.get("timings").get("mediaBothWaysMillis"), callee.get("timings").get("mediaBothWaysMillis"),
                caller.get("traversal").get("probesSent"), callee.get("traversal").get("probesSent"),
                caller.get("media").get("rtpSent"), callee.get("media").get("rtpReceived"),
                callee.get("media").get("rtpSent"), caller.get("media").get("rtpReceived"));
    }

    private static Path only(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.toString().endsWith(suffix)).toList();
            assertEquals(1, found.size(), "expected one " + suffix + " in " + dir + ": " + found);
            return found.get(0);
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
