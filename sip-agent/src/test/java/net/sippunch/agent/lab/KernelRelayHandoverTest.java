package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relayed call that a direct path takes over, on real kernel NATs through Kamailio: two port-restricted sites
 * (a feasible pair) whose routers drop every datagram to the other site while the call starts, as a firewall on the
 * way would. The caller (alice, {@code turn.afterMillis} 1000) finds no direct path within a second and allocates on
 * coturn beside the running punch; bob's check comes through the relay and media flows through it. Once coturn has
 * bound the channel (its log says so), the sites' routers let each other's datagrams pass; the punch, still running,
 * settles the direct path and media moves there on both sides. The reports say how long media was relayed, the
 * relay carried only part of the call's RTP, and the move lost at most a packet or two.
 */
class KernelRelayHandoverTest {

    private static final String TURN_LISTEN = "198.18.0.21";
    private static final int TURN_PORT = 3480;
    private static final int CALL_SECONDS = 6;
    private static final String BLOCK_TABLE = "labblock";

    @Test
    void aDirectPathThatOpensLaterTakesOverFromTheRelay(@TempDir Path dir) throws Exception {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)", "turnserver (coturn)"));
        String run = Long.toString(ProcessHandle.current().pid() % 100000);
        String turn = "turn:\n  servers: [\"" + TURN_LISTEN + ":" + TURN_PORT + "\"]\n  username: alice-relay\n"
                + "  password: relay-pw\n  afterMillis: 1000\n";
        try (MatrixLab lab = new MatrixLab("rh" + run, List.of("--nat-a", "port-restricted", "--nat-b",
                "port-restricted"), Files.createDirectories(dir.resolve("sites")), CALL_SECONDS,
                LabAgent.Options.DEFAULT, turn)) {
            Path turnDir = Files.createDirectories(dir.resolve("turn"));
            Process coturn = startCoturn(lab.host(), turnDir);
            try {
                lab.host().nat("a", List.of("--nat", "port-restricted"));
                lab.host().nat("b", List.of("--nat", "port-restricted"));
                block(lab.host(), "a-nat", "198.18.2.0/24");
                block(lab.host(), "b-nat", "198.18.1.0/24");
                // the path opens once the relay carries media: coturn bound the channel to bob's proven address
                CompletableFuture<Void> opened = CompletableFuture.runAsync(() -> {
                    try {
                        awaitLog(turnDir, "CHANNEL_BIND processed, success", 20);
                        unblock(lab.host(), "a-nat");
                        unblock(lab.host(), "b-nat");
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                MatrixCell cell = lab.trial("port-restricted", "port-restricted", CALL_SECONDS);
                opened.get(5, TimeUnit.SECONDS);
                String why = "\n  caller " + cell.atCaller() + "\n  callee " + cell.atCallee() + "\ncoturn:\n"
                        + log(turnDir);
                System.out.println("relay handover: " + summary(cell));
                List<String> wrong = new ArrayList<>();
                JsonNode allocated = cell.atCaller().path("traversal").path("relay");
                JsonNode checked = cell.atCallee().path("traversal").path("relay");
                if (cell.problem() != null) {
                    wrong.add(cell.problem());
                }
                if (!allocated.path("wanted").asText().startsWith("no direct path within 1000 ms")) {
                    wrong.add("the relay was not wanted for a slow punch: " + allocated);
                }
                if (!allocated.path("relayed").asBoolean(false) || !checked.path("relayed").asBoolean(false)) {
                    wrong.add("media did not go through the relay first");
                }
                if (!allocated.path("directAfterMillis").isNumber() || !checked.path("directAfterMillis").isNumber()) {
                    wrong.add("no direct path took over on both sides");
                }
                if (!cell.direct()) {
                    wrong.add("media did not end on the direct path, both ways");
                }
                long relayedToBob = allocated.path("packetsSent").asLong();
                long sentByAlice = cell.atCaller().path("media").path("rtpSent").asLong();
                if (relayedToBob == 0 || relayedToBob >= sentByAlice) {
                    wrong.add("the relay carried " + relayedToBob + " of alice's " + sentByAlice + " RTP packets");
                }
                for (JsonNode side : List.of(cell.atCaller(), cell.atCallee())) {
                    long lost = side.path("media").path("rtpLost").asLong(-1);
                    if (lost < 0 || lost > 2) {
                        wrong.add(side.path("callId").asText() + ": " + lost + " RTP packets lost across the move");
                    }
                }
                assertTrue(wrong.isEmpty(), String.join("\n", wrong) + why);
            } finally {
                coturn.destroy();
                if (!coturn.waitFor(5, TimeUnit.SECONDS)) {
                    coturn.destroyForcibly();
                }
            }
        }
    }

    private static String summary(MatrixCell cell) {
        JsonNode relay = cell.atCaller().path("traversal").path("relay");
        JsonNode t = cell.atCaller().path("timings");
        return "relay ready " + relay.path("readyMillis").asText("-") + " ms after allocating, media through it "
                + relay.path("directAfterMillis").asText("-") + " ms (caller) / "
                + cell.atCallee().path("traversal").path("relay").path("directAfterMillis").asText("-")
                + " ms (callee) before the direct path took over; punch settled "
                + cell.atCaller().path("traversal").path("settledMillis").asText("-") + " ms after it started; relayed "
                + relay.path("packetsSent").asText("-") + " of " + cell.atCaller().path("media").path("rtpSent")
                + " RTP packets to bob; lost " + cell.atCaller().path("media").path("rtpLost") + " (caller) / "
                + cell.atCallee().path("media").path("rtpLost") + " (callee); first two-way RTP "
                + (t.path("firstTwoWayRtp").asLong() - t.path("answered").asLong()) + " ms after the answer";
    }

    /** The site router drops what its client sends to {@code peerSite}, in a table of its own. */
    private static void block(LabHost host, String router, String peerSite) throws IOException, InterruptedException {
        host.exec(router, List.of("nft", "add table inet " + BLOCK_TABLE + "; add chain inet " + BLOCK_TABLE
                + " hold { type filter hook forward priority -10; policy accept; }; add rule inet " + BLOCK_TABLE
                + " hold ip daddr " + peerSite + " meta l4proto udp counter drop"));
    }

    private static void unblock(LabHost host, String router) throws IOException, InterruptedException {
        host.exec(router, List.of("nft", "delete table inet " + BLOCK_TABLE));
    }

    /** coturn in {@code disc}, relaying from its own address; waits for its listener's log line. */
    private static Process startCoturn(LabHost host, Path dir) throws IOException, InterruptedException {
        List<String> config = List.of("listening-ip=" + TURN_LISTEN, "listening-port=" + TURN_PORT,
                "relay-ip=" + TURN_LISTEN, "min-port=49152", "max-port=49252", "realm=sippunch.test", "fingerprint",
                "no-tcp", "no-tls", "no-dtls", "no-cli", "no-rfc5780", "no-multicast-peers", "simple-log", "verbose",
                "pidfile=" + dir.resolve("turnserver.pid"), "log-file=" + dir.resolve("turnserver.log"),
                "userdb=" + dir.resolve("turndb"), "lt-cred-mech", "user=alice-relay:relay-pw");
        Path file = dir.resolve("turnserver.conf");
        Files.write(file, config, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("ip", "netns", "exec", host.namespace("disc"), "turnserver", "-c",
                file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.out").toFile())
                .start();
        if (!awaitLog(dir, "UDP listener opened on: " + TURN_LISTEN + ":" + TURN_PORT, 10) || !p.isAlive()) {
            p.destroyForcibly();
            fail("coturn did not listen in the lab:\n" + log(dir));
        }
        return p;
    }

    /** Whether coturn's log shows {@code line} within {@code seconds}, looking every 50 ms. */
    private static boolean awaitLog(Path dir, String line, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!log(dir).contains(line)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(50); // another process writes the log: look again
        }
        return true;
    }

    private static String log(Path dir) throws IOException {
        Path log = dir.resolve("turnserver.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
