package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TURN relay on real kernel NATs, through Kamailio: coturn on the lab's public side ({@code disc}, long-term
 * credentials), alice (the caller) configured with it. Every infeasible pair of the matrix (random allocation
 * against random, sequential or second-priority, one trial each) gets two-way media through the relay after the
 * punch gave up as infeasible; a feasible pair stays direct and coturn sees no allocation.
 */
class KernelRelayTest {

    private static final String TURN_LISTEN = "198.18.0.21";
    private static final int TURN_PORT = 3480;
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
        String turn = "turn:\n  servers: [\"" + TURN_LISTEN + ":" + TURN_PORT + "\"]\n  username: alice-relay\n"
                + "  password: relay-pw\n";
        try (MatrixLab lab = new MatrixLab("rl" + run, List.of("--nat-a", "port-restricted", "--nat-b",
                "port-restricted"), Files.createDirectories(dir.resolve("sites")), CALL_SECONDS,
                LabAgent.Options.DEFAULT, turn)) {
            Path turnDir = Files.createDirectories(dir.resolve("turn"));
            Process coturn = startCoturn(lab.host(), turnDir);
            try {
                List<String> wrong = new ArrayList<>();
                MatrixCell direct = lab.trial("port-restricted", List.of("--nat", "port-restricted"),
                        "port-restricted", List.of("--nat", "port-restricted"));
                System.out.println("relay lab: direct " + direct.summary());
                if (!direct.direct() || !direct.atCaller().path("traversal").path("relay").isNull()
                        && !direct.atCaller().path("traversal").path("relay").isMissingNode()) {
                    wrong.add("feasible pair not direct, or a relay wanted: " + direct.summary() + "\n"
                            + direct.atCaller().path("traversal"));
                }
                assertFalse(log(turnDir).contains("ALLOCATE"), "a direct call touched the relay:\n" + log(turnDir));
                for (List<String> pair : INFEASIBLE) {
                    MatrixCell cell = lab.trial(pair.get(0), List.of("--nat", pair.get(0)), pair.get(1),
                            List.of("--nat", pair.get(1)));
                    String problem = relayedProblem(cell);
                    System.out.printf("relay lab: %s x %s %s %s%n", pair.get(0), pair.get(1),
                            problem == null ? "relayed" : "FAIL " + problem, relaySummary(cell));
                    if (problem != null) {
                        wrong.add(pair + ": " + problem + "\n  caller " + cell.atCaller() + "\n  callee "
                                + cell.atCallee());
                    }
                }
                // what coturn itself counted per allocation (peer side: rp/sp packets, rb/sb bytes), for the benchmarks
                log(turnDir).lines().filter(l -> l.contains("peer usage")).forEach(l -> System.out.println("relay lab: "
                        + l.substring(l.indexOf("peer usage"))));
                assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\ncoturn:\n" + log(turnDir));
            } finally {
                coturn.destroy();
                if (!coturn.waitFor(5, TimeUnit.SECONDS)) {
                    coturn.destroyForcibly();
                }
            }
        }
    }

    /** Why a cell is not a relayed call with media both ways after a named give-up, or null when it is. */
    private static String relayedProblem(MatrixCell cell) {
        JsonNode at = cell.atCaller().path("traversal").path("relay");
        JsonNode checked = cell.atCallee().path("traversal").path("relay");
        if (cell.problem() != null) {
            return cell.problem();
        }
        if (!cell.namedInfeasible()) {
            return "the punch did not give up as infeasible";
        }
        if (!at.path("relayed").asBoolean(false) || !"allocated".equals(at.path("role").asText())) {
            return "the caller did not relay: " + at;
        }
        if (!checked.path("relayed").asBoolean(false)
                || !at.path("relayedAddress").asText().equals(checked.path("relayedAddress").asText())) {
            return "the callee did not check the relayed address: " + checked;
        }
        if (!cell.rtpBothWays()) {
            return "RTP did not go both ways";
        }
        // the caller's media went to site b's NAT as coturn saw it, the callee's to the relayed address
        if (!cell.atCaller().path("media").path("remote").asText().startsWith("198.18.2.")
                || !cell.atCallee().path("media").path("remote").asText()
                .equals(at.path("relayedAddress").asText())) {
            return "media went elsewhere: caller " + cell.atCaller().path("media").path("remote") + ", callee "
                    + cell.atCallee().path("media").path("remote");
        }
        return null;
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log(dir).contains("UDP listener opened on: " + TURN_LISTEN + ":" + TURN_PORT)) {
            if (!p.isAlive() || System.nanoTime() - deadline >= 0) {
                p.destroyForcibly();
                fail("coturn did not listen in the lab:\n" + log(dir));
            }
            Thread.sleep(100); // another process writes the log: look again
        }
        return p;
    }

    private static String log(Path dir) throws IOException {
        Path log = dir.resolve("turnserver.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
