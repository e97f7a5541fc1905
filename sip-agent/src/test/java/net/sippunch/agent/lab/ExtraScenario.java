package net.sippunch.agent.lab;

import java.util.List;

/** Trials of one scenario beyond the plain matrix (neighbour load, double NAT). */
record ExtraScenario(String name, List<MatrixCell> cells) {

    long direct() {
        return cells.stream().filter(MatrixCell::direct).count();
    }

    /** Median of the caller's times to a direct path, NaN when none settled. */
    double medianCallerMs() {
        double[] ms = cells.stream().filter(MatrixCell::direct).mapToDouble(MatrixCell::callerMs).sorted().toArray();
        return ms.length == 0 ? Double.NaN : ms.length % 2 == 1 ? ms[ms.length / 2]
                : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }

    double maxCallerMs() {
        return cells.stream().filter(MatrixCell::direct).mapToDouble(MatrixCell::callerMs).max().orElse(Double.NaN);
    }

    long medianProbes() {
        long[] p = cells.stream().mapToLong(MatrixCell::probes).sorted().toArray();
        return p.length == 0 ? 0 : p[p.length / 2];
    }

    /** The strategies and discovered types seen, distinct. */
    String strategies() {
        return String.join(", ", cells.stream().map(c -> c.strategies() + " (" + c.atCaller().path("natType").asText("-")
                + " / " + c.atCallee().path("natType").asText("-") + ")").distinct().toList());
    }
}
