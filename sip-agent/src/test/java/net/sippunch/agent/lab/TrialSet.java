package net.sippunch.agent.lab;

import java.util.List;
import java.util.stream.Collectors;

/** The trials of one scenario: a pair of the matrix, or an extra (neighbour load, double NAT). */
record TrialSet(String name, List<MatrixCell> cells) {

    String caller() {
        return cells.get(0).caller();
    }

    String callee() {
        return cells.get(0).callee();
    }

    long direct() {
        return cells.stream().filter(MatrixCell::direct).count();
    }

    /** Trials with RTP both ways on both sides, wherever it went. */
    long rtpBothWays() {
        return cells.stream().filter(MatrixCell::rtpBothWays).count();
    }

    long namedInfeasible() {
        return cells.stream().filter(MatrixCell::namedInfeasible).count();
    }

    /** Trials relayed as predicted for an infeasible pair ({@link MatrixCell#relayedProblem}). */
    long relayed() {
        return cells.stream().filter(c -> c.relayedProblem() == null).count();
    }

    /** The trials ran in a lab with a relay. */
    boolean relayWatched() {
        return cells.stream().allMatch(MatrixCell::relayWatched);
    }

    /** Allocate requests the relay logged during the trials, together. */
    long allocateRequests() {
        return cells.stream().filter(MatrixCell::relayWatched).mapToLong(MatrixCell::allocateRequests).sum();
    }

    double medianRelayReadyMs() {
        return median(cells.stream().mapToDouble(MatrixCell::relayReadyMs).filter(d -> !Double.isNaN(d)).sorted()
                .toArray());
    }

    /** The median of the caller's first two-way RTP after the answer. */
    double medianFirstTwoWayMs() {
        return median(cells.stream().mapToDouble(MatrixCell::firstTwoWayMs).filter(d -> !Double.isNaN(d)).sorted()
                .toArray());
    }

    /** Every trial as the simulator predicts. */
    boolean asPredicted() {
        return cells.stream().allMatch(MatrixCell::asPredicted);
    }

    boolean feasible() {
        return cells.get(0).feasible();
    }

    double medianCallerMs() {
        return median(cells.stream().mapToDouble(MatrixCell::callerMs).filter(d -> !Double.isNaN(d)).sorted().toArray());
    }

    double maxCallerMs() {
        return cells.stream().mapToDouble(MatrixCell::callerMs).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
    }

    double medianCalleeMs() {
        return median(cells.stream().mapToDouble(MatrixCell::calleeMs).filter(d -> !Double.isNaN(d)).sorted().toArray());
    }

    double medianProbes() {
        return median(cells.stream().mapToDouble(MatrixCell::probes).sorted().toArray());
    }

    /** The strategies seen, distinct. */
    String strategies() {
        return cells.stream().map(MatrixCell::strategies).distinct().collect(Collectors.joining(", "));
    }

    /** The discovered NAT types, distinct, marked when not what the behaviour's name says. */
    String types() {
        return cells.stream().map(c -> c.types() + (c.classifiedAsNamed() ? "" : " ⚠"))
                .distinct().collect(Collectors.joining(", "));
    }

    String reasons() {
        return cells.stream().map(MatrixCell::reason).filter(r -> !r.isEmpty()).distinct()
                .collect(Collectors.joining("; "));
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
