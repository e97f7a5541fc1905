package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relayed call that a direct path takes over, on real kernel NATs through Kamailio (the matrix,
 * {@link KernelTraversalMatrixTest}, has the calls the relay carries to the end: its infeasible pairs). Two
 * port-restricted sites (a feasible pair) whose routers drop every datagram to the other site while the call
 * starts, as a firewall on the way would. The caller (alice, {@code turn.afterMillis} 1000) finds no direct path
 * within a second and allocates on coturn beside the running punch; bob's check comes through the relay and media
 * flows through it. Once coturn has bound the channel (its log says so: the relay carries media), the sites'
 * routers let each other's datagrams pass; the punch, still running, settles the direct path and media moves there
 * on both sides. The reports say why the relay was wanted and how long it carried media, the relay carried only
 * part of the call's RTP, and the move lost at most a packet or two (what a listener would not hear).
 */
class KernelRelayTest {

    private static final int CALL_SECONDS = 6;
    private static final String BLOCK_TABLE = "labblock";

    @Test
    void aDirectPathThatOpensLaterTakesOverFromTheRelay(@TempDir Path dir) throws Exception {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)", "turnserver (coturn)"));
        String run = Long.toString(ProcessHandle.current().pid() % 100000);
        try (MatrixLab lab = new MatrixLab("rl" + run, List.of("--nat-a", "port-restricted", "--nat-b",
                "port-restricted"), Files.createDirectories(dir.resolve("sites")), CALL_SECONDS,
                LabAgent.Options.DEFAULT, LabCoturn.CALLER_TURN + "  afterMillis: 1000\n");
             LabCoturn coturn = LabCoturn.start(lab.host(), Files.createDirectories(dir.resolve("turn")))) {
            lab.host().nat("a", List.of("--nat", "port-restricted"));
            lab.host().nat("b", List.of("--nat", "port-restricted"));
            block(lab.host(), "a-nat", "198.18.2.0/24");
            block(lab.host(), "b-nat", "198.18.1.0/24");
            CompletableFuture<Boolean> opened = CompletableFuture.supplyAsync(() -> {
                try {
                    boolean relayed = coturn.await("CHANNEL_BIND processed, success", Duration.ofSeconds(20));
                    unblock(lab.host(), "a-nat");
                    unblock(lab.host(), "b-nat");
                    return relayed;
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            MatrixCell cell = lab.trial("port-restricted", "port-restricted", CALL_SECONDS);
            String why = "\n  caller " + cell.atCaller() + "\n  callee " + cell.atCallee() + "\ncoturn:\n"
                    + coturn.log();
            assertTrue(opened.get(5, TimeUnit.SECONDS), "coturn bound no channel: the relay carried nothing" + why);
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

    /** The site router drops what its client sends to {@code peerSite} over UDP, in a table of its own. */
    private static void block(LabHost host, String router, String peerSite) throws IOException, InterruptedException {
        host.exec(router, List.of("nft", "add table inet " + BLOCK_TABLE + "; add chain inet " + BLOCK_TABLE
                + " hold { type filter hook forward priority -10; policy accept; }; add rule inet " + BLOCK_TABLE
                + " hold ip daddr " + peerSite + " meta l4proto udp counter drop"));
    }

    private static void unblock(LabHost host, String router) throws IOException, InterruptedException {
        host.exec(router, List.of("nft", "delete table inet " + BLOCK_TABLE));
    }
}
