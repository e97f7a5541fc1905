package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TURN relay on real kernel NATs, through Kamailio: coturn on the lab's public side ({@code disc}, long-term
 * credentials), alice (the caller) configured with it. Every infeasible pair of the matrix (random allocation
 * against random, sequential or second-priority, one trial each) gets two-way media through the relay after the
 * punch gave up as infeasible; a feasible pair stays direct and coturn sees no allocation.
 */
class KernelRelayTest {

    private static final int CALL_SECONDS = 4;
    private static final List<List<String>> INFEASIBLE = List.of(
            List.of("symmetric-random", "symmetric-random"),
            List.of("symmetric-random", "symmetric-sequential"),
            List.of("symmetric-sequential", "symmetric-random"),
            List.of("symmetric-random", "symmetric-second-priority"),
            List.of("symmetric-second-priority", "symmetric-random"));

    @Test
    void infeasiblePairsAreRelayedAndAFeasibleOneStaysDirect(@TempDir Path dir) throws Exception {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)", "turnserver (coturn)"));
        String run = Long.toString(ProcessHandle.current().pid() % 100000);
        try (MatrixLab lab = new MatrixLab("rl" + run, List.of("--nat-a", "port-restricted", "--nat-b",
                "port-restricted"), Files.createDirectories(dir.resolve("sites")), CALL_SECONDS,
                LabAgent.Options.DEFAULT, LabCoturn.CALLER_TURN);
             LabCoturn coturn = LabCoturn.start(lab.host(), Files.createDirectories(dir.resolve("turn")))) {
            List<String> wrong = new ArrayList<>();
            MatrixCell direct = lab.trial("port-restricted", List.of("--nat", "port-restricted"),
                    "port-restricted", List.of("--nat", "port-restricted"));
            System.out.println("relay lab: direct " + direct.summary());
            if (!direct.direct() || !direct.atCaller().path("traversal").path("relay").isNull()
                    && !direct.atCaller().path("traversal").path("relay").isMissingNode()) {
                wrong.add("feasible pair not direct, or a relay wanted: " + direct.summary() + "\n"
                        + direct.atCaller().path("traversal"));
            }
            assertFalse(coturn.log().contains("ALLOCATE"), "a direct call touched the relay:\n" + coturn.log());
            for (List<String> pair : INFEASIBLE) {
                MatrixCell cell = lab.trial(pair.get(0), List.of("--nat", pair.get(0)), pair.get(1),
                        List.of("--nat", pair.get(1)));
                String problem = cell.relayedProblem();
                System.out.printf("relay lab: %s x %s %s %s%n", pair.get(0), pair.get(1),
                        problem == null ? "relayed" : "FAIL " + problem, relaySummary(cell));
                if (problem != null) {
                    wrong.add(pair + ": " + problem + "\n  caller " + cell.atCaller() + "\n  callee "
                            + cell.atCallee());
                }
            }
            // what coturn itself counted per allocation (peer side: rp/sp packets, rb/sb bytes), for the benchmarks
            coturn.log().lines().filter(l -> l.contains("peer usage")).forEach(l -> System.out.println("relay lab: "
                    + l.substring(l.indexOf("peer usage"))));
            assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\ncoturn:\n" + coturn.log());
        }
    }

    private static String relaySummary(MatrixCell cell) {
        JsonNode at = cell.atCaller().path("traversal").path("relay");
        return "ready " + at.path("readyMillis").asText("-") + " ms, media since " + at.path("sinceMillis").asText("-")
                + " ms after the give-up, relayed " + at.path("packetsSent").asText("-") + " / "
                + at.path("packetsReceived").asText("-") + " datagrams; RTP both ways " + bothWays(cell.atCaller())
                + " ms after the answer";
    }

    private static String bothWays(JsonNode report) {
        JsonNode t = report.path("timings");
        return t.path("firstTwoWayRtp").isNumber() && t.path("answered").isNumber()
                ? Long.toString(t.path("firstTwoWayRtp").asLong() - t.path("answered").asLong()) : "-";
    }
}
