package net.sippunch.traversal.punch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.sippunch.traversal.nat.emulated.NatPreset;

/**
 * The punch benchmark on the simulator: many seeded trials per cell, for the method as written and for our
 * schedules, at several neighbour loads and delays. Writes a markdown report and an SVG heatmap.
 *
 * <pre>bin/bench-punch [TRIALS] [OUT_DIR]</pre>
 */
public final class PunchBenchmark {

    private static final NatPreset[] ALL = NatPreset.values();
    private static final double[] LOADS = {0, 10, 100, 1000};
    private static final int[] DELAYS_MS = {0, 50};

    /** What many trials of one cell gave. */
    record Cell(NatPreset a, NatPreset b, PunchConfig.Schedule schedule, double load, int delayMs, int trials,
                int direct, double medianMs, double p95Ms, double medianRtt, double p95Rtt, double probesPerSuccess,
                String reason) {
        double rate() {
            return direct / (double) trials;
        }
    }

    private PunchBenchmark() {
    }

    static Cell cell(NatPreset a, NatPreset b, PunchConfig.Schedule schedule, double load, int delayMs, int trials) {
        return cell(a, b, schedule, load, delayMs, trials, false);
    }

    /** A cell whose sides discover warm (with NAT knowledge from an earlier full run) when {@code warm}. */
    static Cell cell(NatPreset a, NatPreset b, PunchConfig.Schedule schedule, double load, int delayMs, int trials,
                     boolean warm) {
        PunchConfig config = PunchConfig.defaults().withSchedule(schedule);
        List<Double> ms = new ArrayList<>();
        long probes = 0;
        int direct = 0;
        String reason = "";
        long rtt = 0;
        for (int seed = 1; seed <= trials; seed++) {
            PunchRun r = PunchRun.run(a, b, new PunchRun.Conditions(seed * 7919L, Duration.ofMillis(delayMs), load, 0),
                    config, warm);
            rtt = r.rttNanos();
            if (r.direct()) {
                direct++;
                ms.add((r.elapsedNanos() - r.rttNanos() / 2.0) / 1e6);
                probes += r.probesA() + r.probesB();
            } else if (reason.isEmpty()) {
                reason = r.reason().startsWith("infeasible") ? "infeasible" : "gave up";
            }
        }
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = percentile(sorted, 0.5);
        double p95 = percentile(sorted, 0.95);
        double rttMs = rtt / 1e6;
        return new Cell(a, b, schedule, load, delayMs, trials, direct, median, p95,
                rttMs > 0 ? median / rttMs : Double.NaN, rttMs > 0 ? p95 / rttMs : Double.NaN,
                direct == 0 ? Double.NaN : probes / (double) direct, reason);
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    public static void main(String[] args) throws IOException {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path out = Path.of(args.length > 1 ? args[1] : "target/bench-punch");
        Files.createDirectories(out);
        long started = System.nanoTime();
        List<Cell> matrix = new ArrayList<>();
        for (PunchConfig.Schedule schedule : PunchConfig.Schedule.values()) {
            for (NatPreset a : ALL) {
                for (NatPreset b : ALL) {
                    Cell c = cell(a, b, schedule, 0, 50, Math.max(5, trials / 5));
                    matrix.add(c);
                    System.err.printf(Locale.ROOT, "matrix %s %s x %s: %d/%d%n", schedule, a, b, c.direct(), c.trials());
                }
            }
        }
        NatPreset[][] loaded = {
            {NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.SYMMETRIC_SEQUENTIAL},
            {NatPreset.PORT_RESTRICTED_CONE, NatPreset.SYMMETRIC_SEQUENTIAL},
            {NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.PORT_RESTRICTED_CONE},
            {NatPreset.SYMMETRIC_SECOND_PRIORITY, NatPreset.SYMMETRIC_SECOND_PRIORITY},
            {NatPreset.PORT_RESTRICTED_CONE, NatPreset.SYMMETRIC_RANDOM},
            {NatPreset.SYMMETRIC_RANDOM, NatPreset.PORT_RESTRICTED_CONE},
            {NatPreset.PORT_RESTRICTED_CONE, NatPreset.PORT_RESTRICTED_CONE},
        };
        List<Cell> load = new ArrayList<>();
        for (NatPreset[] pair : loaded) {
            for (int delay : DELAYS_MS) {
                for (double n : LOADS) {
                    for (PunchConfig.Schedule schedule : PunchConfig.Schedule.values()) {
                        Cell c = cell(pair[0], pair[1], schedule, n, delay, trials);
                        load.add(c);
                        System.err.printf(Locale.ROOT, "load %s %s x %s, %.0f flows/s, %d ms: %d/%d%n", schedule,
                                pair[0], pair[1], n, delay, c.direct(), c.trials());
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Files.writeString(out.resolve("punch-benchmark.md"), markdown(matrix, load, trials, seconds));
        Files.writeString(out.resolve("punch-heatmap.svg"), svg(matrix));
        System.err.printf(Locale.ROOT, "wrote %s in %.0f s%n", out, seconds);
    }

    private static String markdown(List<Cell> matrix, List<Cell> load, int trials, double seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append("Generated ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(" by `bin/bench-punch ").append(trials).append("` in ")
                .append(String.format(Locale.ROOT, "%.0f", seconds)).append(" s (virtual time; figures do not depend on")
                .append(" the machine). Time is from the caller's start (the answer arriving) until both sides")
                .append(" settled; RTT = twice the one-way delay.\n\n");
        sb.append("#### Under neighbour load (").append(trials).append(" trials per cell)\n\n");
        sb.append("| pair (caller x callee) | one-way delay | neighbour flows/s | schedule | direct | median | p95 | probes per success |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Cell c : load) {
            sb.append(String.format(Locale.ROOT, "| %s x %s | %d ms | %.0f | %s | %.0f %% | %s | %s | %s |%n",
                    name(c.a()), name(c.b()), c.delayMs(), c.load(), label(c.schedule()), 100 * c.rate(),
                    time(c.medianMs(), c.medianRtt()), time(c.p95Ms(), c.p95Rtt()),
                    probes(c)));
        }
        sb.append("\n#### Every NAT pair, 50 ms one way, no neighbour load (")
                .append(matrix.get(0).trials()).append(" trials per cell): direct %, median RTT\n\n");
        for (PunchConfig.Schedule schedule : PunchConfig.Schedule.values()) {
            sb.append("**").append(label(schedule)).append("**\n\n| caller \\\\ callee |");
            for (NatPreset b : ALL) {
                sb.append(' ').append(name(b)).append(" |");
            }
            sb.append("\n|---|").append("---|".repeat(ALL.length)).append('\n');
            for (NatPreset a : ALL) {
                sb.append("| ").append(name(a)).append(" |");
                for (NatPreset b : ALL) {
                    Cell c = find(matrix, a, b, schedule);
                    sb.append(c.direct() == 0 ? " " + (c.reason().isEmpty() ? "0 %" : c.reason()) + " |"
                            : String.format(Locale.ROOT, " %.0f %%, %.1f |", 100 * c.rate(), c.medianRtt()));
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Probes of both sides per direct path, or "-" when there was none. */
    static String probes(Cell c) {
        return Double.isNaN(c.probesPerSuccess()) ? "-" : String.format(Locale.ROOT, "%.0f", c.probesPerSuccess());
    }

    static String time(double ms, double rtt) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return Double.isNaN(rtt) ? String.format(Locale.ROOT, "%.0f ms", ms)
                : String.format(Locale.ROOT, "%.0f ms (%.1f RTT)", ms, rtt);
    }

    private static Cell find(List<Cell> cells, NatPreset a, NatPreset b, PunchConfig.Schedule s) {
        return cells.stream().filter(c -> c.a() == a && c.b() == b && c.schedule() == s).findFirst().orElseThrow();
    }

    private static String label(PunchConfig.Schedule s) {
        return s == PunchConfig.Schedule.METHOD ? "method as written" : "ours";
    }

    static String name(NatPreset p) {
        return switch (p) {
            case OPEN -> "open";
            case FULL_CONE -> "full cone";
            case RESTRICTED_CONE -> "restricted cone";
            case PORT_RESTRICTED_CONE -> "port-restricted";
            case SYMMETRIC_SEQUENTIAL -> "sym. sequential";
            case SYMMETRIC_SECOND_PRIORITY -> "sym. second-priority";
            case SYMMETRIC_RANDOM -> "sym. random";
        };
    }

    /** Two heatmaps side by side (the method, ours): colour = direct %, text = median RTT. */
    private static String svg(List<Cell> matrix) {
        int cell = 56;
        int left = 150;
        int top = 170;
        int gap = 60;
        int gridW = cell * ALL.length;
        int width = left + 2 * gridW + gap + 20;
        int height = top + gridW + 60;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">Direct paths on the simulator,"
                + " every NAT pair (rows: caller, columns: callee), 50 ms one way, %d trials per cell</text>%n",
                matrix.get(0).trials()));
        sb.append("<text x=\"10\" y=\"38\">colour: share of trials with a direct path; number: median time to a"
                + " settled path in RTT</text>\n");
        PunchConfig.Schedule[] schedules = PunchConfig.Schedule.values();
        for (int s = 0; s < schedules.length; s++) {
            PunchConfig.Schedule schedule = schedules[schedules.length - 1 - s];
            int x0 = left + s * (gridW + gap);
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"62\" font-size=\"13\">%s</text>%n", x0,
                    label(schedule)));
            for (int j = 0; j < ALL.length; j++) {
                int x = x0 + j * cell + cell / 2;
                sb.append(String.format(Locale.ROOT, "<text transform=\"translate(%d,%d) rotate(-50)\">%s</text>%n",
                        x, top - 6, name(ALL[j])));
            }
            for (int i = 0; i < ALL.length; i++) {
                if (s == 0) {
                    sb.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n",
                            top + i * cell + cell / 2 + 4, name(ALL[i])));
                }
                for (int j = 0; j < ALL.length; j++) {
                    Cell c = find(matrix, ALL[i], ALL[j], schedule);
                    int x = x0 + j * cell;
                    int y = top + i * cell;
                    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\""
                            + " stroke=\"white\"/>%n", x, y, cell, cell, colour(c)));
                    String text = c.direct() == 0 ? (c.reason().equals("infeasible") ? "n/a" : "0 %")
                            : String.format(Locale.ROOT, "%.0f%%", 100 * c.rate());
                    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                            x + cell / 2, y + cell / 2 - 2, text));
                    if (c.direct() > 0) {
                        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\""
                                + " font-size=\"10\">%.1f RTT</text>%n", x + cell / 2, y + cell / 2 + 12, c.medianRtt()));
                    }
                }
            }
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String colour(Cell c) {
        if (c.direct() == 0 && c.reason().equals("infeasible")) {
            return "#d9d9d9";
        }
        double r = c.rate();
        int red = (int) Math.round(230 - 150 * r);
        int green = (int) Math.round(90 + 120 * r);
        int blue = (int) Math.round(90 + 20 * r);
        return String.format(Locale.ROOT, "#%02x%02x%02x", red, green, blue);
    }

    static List<NatPreset> presets() {
        return Arrays.asList(ALL);
    }
}
