package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.interop.CpuLock;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The traversal matrix of the agent on real kernel NATs: for every pair of the lab's seven behaviours (caller
 * behind site a, callee behind site b), a real call through Kamailio: the callee agent (bob, registered, in
 * NAT traversal mode with the project's discovery server, as {@code sip-agent run}) answers, the caller agent
 * (alice, as {@code sip-agent call}) calls it for {@value #CALL_SECONDS} s, and both sides' call reports are
 * checked against the simulator's feasibility: a direct path (settled by probes, media to the other site's
 * NAT, RTP both ways) where feasible, a traversal give-up named "infeasible" where not, and then, since alice has
 * coturn as her TURN relay ({@link LabCoturn} on the lab's public side), the call relayed with RTP both ways
 * ({@link MatrixCell#relayedProblem}). Then the extras: sequential NATs under neighbour load, and double NATs (a
 * second lab, without a relay); every extra is feasible, so direct.
 *
 * <p>That the relay carries no media of a direct call is judged per trial from two sides: the caller's report
 * has no relay, and coturn logged no Allocate request while the trial ran (its log is counted before and after
 * each trial). Without an allocation coturn relays nothing, and an allocation is only made by an authenticated
 * Allocate, which coturn logs whatever its outcome; the allocation of an earlier relayed call is released when
 * that call ends, and the media of a direct call goes from NAT to NAT anyway ({@link MatrixCell#direct}). The
 * count is honest because the relayed cells of the same run must show their own Allocate in their window: the
 * log is read as coturn writes it. coturn's per-allocation "peer usage" lines would tell the same only once an
 * allocation ends, and name no call.
 * Writes {@code traversal-matrix.md} and {@code traversal-matrix.svg} to {@code target/}, or to the
 * directory of the system property {@code matrix.out} ({@code lab/matrix.sh} regenerates the docs);
 * {@code matrix.trials} sets the trials per pair (default 1, as in CI).
 *
 * <p>Each client runs one warm agent ({@link CallWorker}) for all its calls: a JVM and a SIP stack per call
 * would cost more than the call.
 */
@Order(CpuLock.LAST)
@ResourceLock(CpuLock.CPU)
class KernelTraversalMatrixTest {

    /**
     * How long each call lasts after its answer: the slowest feasible punch (sequential against sequential
     * under neighbour load) settles in about 1 s here, and RTP must then flow both ways; a call hung up before
     * its path settled has no media.
     */
    static final int CALL_SECONDS = 2;
    /** Trials per scenario under neighbour load, and per double-NAT scenario: in CI (one trial per pair)... */
    private static final int LOAD_TRIALS_CI = 3;
    private static final int DOUBLE_NAT_TRIALS_CI = 2;
    /** ... and with more trials per pair ({@code lab/matrix.sh}). */
    private static final int LOAD_TRIALS = 5;
    private static final int DOUBLE_NAT_TRIALS = 3;
    /** Neighbour load of the extras, new flows per second, and how long it runs around one trial. */
    private static final int NEIGHBOUR_RATE = 100;
    private static final int NEIGHBOUR_SECONDS = 3;

    @Test
    void everyPairOfBehaviours(@TempDir Path dir) throws IOException, InterruptedException {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)", "turnserver (coturn)"));
        int trials = Integer.getInteger("matrix.trials", 1);
        List<TrialSet> pairs = new ArrayList<>();
        List<TrialSet> extras = new ArrayList<>();
        long start = System.nanoTime();
        Duration matrixTook;
        // prefixes of this run's own: a matrix run at the same time from another checkout keeps its namespaces
        String run = Long.toString(ProcessHandle.current().pid() % 100000);
        try (MatrixLab lab = new MatrixLab("mx" + run, List.of("--nat-a", "port-restricted", "--nat-b",
                "port-restricted"), Files.createDirectories(dir.resolve("sites")), CALL_SECONDS,
                LabAgent.Options.DEFAULT, LabCoturn.CALLER_TURN);
             LabCoturn coturn = LabCoturn.start(lab.host(), Files.createDirectories(dir.resolve("turn")))) {
            // warm-up, not recorded: a cold server's, proxy's or agent's first answers can be late
            lab.trial("port-restricted", "port-restricted");
            int total = MatrixCell.BEHAVIOURS.size() * MatrixCell.BEHAVIOURS.size();
            for (String caller : MatrixCell.BEHAVIOURS) {
                for (String callee : MatrixCell.BEHAVIOURS) {
                    List<MatrixCell> cells = new ArrayList<>();
                    for (int i = 1; i <= trials; i++) {
                        MatrixCell cell = trial(lab, coturn, caller, callee);
                        cells.add(cell);
                        System.out.printf("matrix %2d/%d%s %s %s%n", pairs.size() + 1, total,
                                trials > 1 ? " trial " + i + "/" + trials : "",
                                cell.asPredicted() ? "ok  " : "FAIL",
                                cell.summary());
                    }
                    pairs.add(new TrialSet(caller + " x " + callee, cells));
                }
            }
            matrixTook = Duration.ofNanos(System.nanoTime() - start);
            int loadTrials = trials > 1 ? LOAD_TRIALS : LOAD_TRIALS_CI;
            extras.add(underLoad(lab, "symmetric-sequential", "symmetric-sequential", List.of("a", "b"), loadTrials));
            extras.add(underLoad(lab, "port-restricted", "symmetric-sequential", List.of("b"), loadTrials));
            extras.add(underLoad(lab, "symmetric-second-priority", "symmetric-sequential", List.of("a", "b"),
                    loadTrials));
            // what coturn counted per ended allocation (peer side: rp/sp packets, rb/sb bytes), for the record
            coturn.peerUsage().forEach(u -> System.out.println("matrix relay: " + u));
        }
        try (MatrixLab lab = new MatrixLab("mxd" + run, List.of("--nat-a", "port-restricted",
                "--outer-a", "symmetric-sequential", "--nat-b", "port-restricted"),
                Files.createDirectories(dir.resolve("double-nat")), CALL_SECONDS)) {
            int n = trials > 1 ? DOUBLE_NAT_TRIALS : DOUBLE_NAT_TRIALS_CI;
            extras.add(doubleNat(lab, "port-restricted", "symmetric-sequential", "port-restricted", n));
            extras.add(doubleNat(lab, "port-restricted", "symmetric-sequential", "symmetric-sequential", n));
            extras.add(doubleNat(lab, "port-restricted", "port-restricted", "symmetric-sequential", n));
            extras.add(doubleNat(lab, "symmetric-sequential", "port-restricted", "port-restricted", n));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Path out = Path.of(System.getProperty("matrix.out", "target"));
        new TraversalMatrixReport(pairs, extras, matrixTook, took, CALL_SECONDS).write(out);
        System.out.println("matrix: " + took.toSeconds() + " s; written to " + out.toAbsolutePath().normalize());

        List<String> wrong = new ArrayList<>();
        for (TrialSet pair : pairs) {
            for (MatrixCell cell : pair.cells()) {
                String unexpected = cell.unexpected();
                if (unexpected != null) {
                    wrong.add(unexpected + ": " + cell.summary());
                }
            }
        }
        for (TrialSet extra : extras) {
            if (extra.direct() < extra.cells().size()) {
                wrong.add("extra " + extra.name() + ": " + extra.direct() + " of " + extra.cells().size()
                        + " direct: " + extra.cells().stream().filter(c -> !c.direct()).map(MatrixCell::summary)
                        .toList());
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " disagree with the simulator:\n" + String.join("\n", wrong));
    }

    /** One trial of the matrix on fresh NATs, with the Allocate requests coturn logged while it ran. */
    private static MatrixCell trial(MatrixLab lab, LabCoturn coturn, String caller, String callee)
            throws IOException, InterruptedException {
        long before = coturn.allocateRequests();
        MatrixCell cell = lab.trial(caller, List.of("--nat", caller), callee, List.of("--nat", callee));
        return cell.withAllocateRequests(coturn.allocateRequests() - before);
    }

    /** A pair with {@value NEIGHBOUR_RATE} new flows/s from the neighbours of {@code loaded} sites. */
    private static TrialSet underLoad(MatrixLab lab, String caller, String callee, List<String> loaded,
                                      int trials) throws IOException, InterruptedException {
        String name = caller + " x " + callee + ", neighbour " + NEIGHBOUR_RATE + " flows/s at site "
                + String.join(" and ", loaded);
        List<MatrixCell> cells = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            lab.host().nat("a", List.of("--nat", caller));
            lab.host().nat("b", List.of("--nat", callee));
            List<Process> neighbours = new ArrayList<>();
            for (String site : loaded) {
                neighbours.add(lab.host().scriptInBackground("neighbour", List.of("--site", site,
                        "--rate", Integer.toString(NEIGHBOUR_RATE), "--duration", Integer.toString(NEIGHBOUR_SECONDS))));
            }
            MatrixCell cell = lab.trial(caller, callee);
            for (Process p : neighbours) {
                if (!p.waitFor(NEIGHBOUR_SECONDS + 10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            cells.add(cell);
            System.out.printf("extra %s %d/%d %s%n", name, i + 1, trials, cell.summary());
        }
        return new TrialSet(name, cells);
    }

    /** Site a behind two routers: {@code inner} inside {@code outer}; site b behind {@code callee}. */
    private static TrialSet doubleNat(MatrixLab lab, String inner, String outer, String callee, int trials)
            throws IOException, InterruptedException {
        String name = "double NAT: " + inner + " inside " + outer + " x " + callee;
        List<MatrixCell> cells = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            MatrixCell cell = lab.trial(inner + " in " + outer, List.of("--nat", inner, "--outer", outer),
                    callee, List.of("--nat", callee));
            cells.add(cell);
            System.out.printf("extra %s %d/%d %s%n", name, i + 1, trials, cell.summary());
        }
        return new TrialSet(name, cells);
    }
}
