package net.sippunch.traversal.punch;

import java.util.Locale;
import net.sippunch.traversal.nat.emulated.NatPreset;

/**
 * Cold against warm discovery on the simulator: chosen cells of {@link PunchBenchmark}, each run with a full
 * discovery per call and with discovery from NAT knowledge learned by an earlier full run, same seeds.
 *
 * <pre>java -cp ... net.sippunch.traversal.punch.WarmDiscoveryBenchmark [TRIALS] [CALLER CALLEE FLOWS/S DELAY_MS]...</pre>
 * Without cells it runs the cone pair without load, and sequential x sequential and port-restricted x
 * sequential at 100 flows/s with 50 ms one way.
 */
public final class WarmDiscoveryBenchmark {

    private WarmDiscoveryBenchmark() {
    }

    public static void main(String[] args) {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String[] cells = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[] {
            "PORT_RESTRICTED_CONE", "PORT_RESTRICTED_CONE", "0", "50",
            "SYMMETRIC_SEQUENTIAL", "SYMMETRIC_SEQUENTIAL", "100", "50",
            "PORT_RESTRICTED_CONE", "SYMMETRIC_SEQUENTIAL", "100", "50",
        };
        if (cells.length % 4 != 0) {
            throw new IllegalArgumentException("each cell is CALLER CALLEE FLOWS/S DELAY_MS");
        }
        System.out.println("| pair | flows/s | one-way | discovery | trials | direct | median | p95 | probes per success |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < cells.length; i += 4) {
            NatPreset a = NatPreset.valueOf(cells[i]);
            NatPreset b = NatPreset.valueOf(cells[i + 1]);
            double load = Double.parseDouble(cells[i + 2]);
            int delay = Integer.parseInt(cells[i + 3]);
            for (boolean warm : new boolean[] {false, true}) {
                PunchBenchmark.Cell c = PunchBenchmark.cell(a, b, PunchConfig.Schedule.ADAPTIVE, load, delay, trials,
                        warm);
                System.out.printf(Locale.ROOT, "| %s x %s | %.0f | %d ms | %s | %d | %.0f %% | %s | %s | %s |%n",
                        PunchBenchmark.name(a), PunchBenchmark.name(b), load, delay, warm ? "warm" : "cold", trials,
                        100 * c.rate(), PunchBenchmark.time(c.medianMs(), c.medianRtt()),
                        PunchBenchmark.time(c.p95Ms(), c.p95Rtt()), PunchBenchmark.probes(c));
            }
        }
    }
}
