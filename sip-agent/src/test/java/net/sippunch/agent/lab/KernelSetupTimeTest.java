package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.interop.CpuLock;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Call set-up where the user feels it, on kernel NATs: the post-dial delay (INVITE sent to 200 OK received) and
 * the first two-way media (200 OK to the first RTP received after our own left) of real agent-to-agent calls
 * through Kamailio, NAT traversal mode next to plain mode in the same run. Two labs run at once, each set up as
 * for the matrix ({@link MatrixLab}: warm agents, alice calling from site a, bob answering in site b): in one
 * the agents have two discovery servers (traversal), in the other none (plain: no traversal). Per call both
 * sites' NATs are switched (fresh NAT state) and both agents register again; the modes' calls alternate.
 *
 * <p>With the system property {@code setup.calls} (calls per pair and mode; {@code bin/bench-setup}) it runs
 * every scenario of {@link #BENCHMARK} and writes {@code setup-benchmark.md} to {@code setup.out} (default
 * {@code target/bench-setup}); without it (CI) a short run: {@value #CI_CALLS} calls per pair and mode for the
 * scenarios of {@link #CI}, asserting that every report has both spans, that media went both ways on every
 * traversal call, and that traversal's post-dial delay was measured for every call. Timing targets are not
 * asserted: they belong in {@code docs/BENCHMARKS.md}.
 */
@Order(CpuLock.LAST)
@ResourceLock(CpuLock.CPU)
class KernelSetupTimeTest {

    /**
     * A pair of site behaviours and what surrounds its calls.
     *
     * @param neighbourRate new UDP flows per second from each site's neighbour during each call (0: none)
     * @param silentServer  the second discovery server does not run (its host answers ICMP port unreachable)
     */
    record Scenario(String caller, String callee, int neighbourRate, boolean silentServer) {

        static Scenario of(String caller, String callee) {
            return new Scenario(caller, callee, 0, false);
        }

        String name() {
            return caller + " x " + callee + (neighbourRate > 0 ? ", neighbours " + neighbourRate + " flows/s" : "")
                    + (silentServer ? ", one discovery server silent" : "");
        }
    }

    private static final String PR = "port-restricted";
    private static final String SEQ = "symmetric-sequential";
    /**
     * The benchmark's scenarios. No open pair: a warm agent puts the address it found at start-up (behind the
     * site's first NAT, a private one) into a plain SDP, so a site switched to open would measure that, not
     * plain mode on an open network.
     */
    static final List<Scenario> BENCHMARK = List.of(
            Scenario.of(PR, PR),
            Scenario.of("full-cone", "full-cone"),
            Scenario.of(SEQ, PR),
            Scenario.of(PR, SEQ),
            Scenario.of(SEQ, SEQ),
            new Scenario(SEQ, SEQ, 100, false),
            new Scenario(PR, PR, 0, true));
    /** The short run's: the plainest pair, and the hardest feasible one without load. */
    static final List<Scenario> CI = List.of(Scenario.of(PR, PR), Scenario.of(SEQ, SEQ));
    private static final int CI_CALLS = 2;

    /**
     * How long each call lasts after its answer: long enough for the first two-way media of a slow punch (the
     * matrix's slowest settles in about 1 s) to happen inside the call; a call hung up before has none.
     */
    private static final int CALL_SECONDS = 3;
    private static final int CI_CALL_SECONDS = 2;
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);
    /** Bound on a neighbour's load: it is stopped when its call has ended, far earlier. */
    private static final int NEIGHBOUR_MAX_SECONDS = 120;

    /** The traversal lab's agents: two discovery servers (two hosts, each RFC 5780), as in the fault test. */
    private static final LabAgent.Options TRAVERSAL = new LabAgent.Options(
            List.of("198.18.0.21:3478", "198.18.0.22:3478"), 300, 60, 10);
    /** The plain lab's agents: no discovery server, so no NAT traversal. */
    private static final LabAgent.Options PLAIN = new LabAgent.Options(List.of(), 300, 60, 10);

    @Test
    void postDialDelayAndFirstTwoWayMediaInBothModes(@TempDir Path dir) throws IOException, InterruptedException {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)"));
        Integer benchCalls = Integer.getInteger("setup.calls");
        boolean bench = benchCalls != null;
        int calls = bench ? benchCalls : CI_CALLS;
        int callSeconds = bench ? CALL_SECONDS : CI_CALL_SECONDS;
        List<Scenario> scenarios = bench ? BENCHMARK : CI;
        long start = System.nanoTime();
        String run = Long.toString(ProcessHandle.current().pid() % 100000);
        Map<String, List<MatrixCell>> traversal = new LinkedHashMap<>();
        Map<String, List<MatrixCell>> plain = new LinkedHashMap<>();
        List<String> up = List.of("--nat-a", PR, "--nat-b", PR);
        // the plain lab comes up on another thread meanwhile: lab set-up is most of a short run
        CompletableFuture<MatrixLab> plainLab = CompletableFuture.supplyAsync(() -> open("sp" + run, up,
                dir.resolve("plain"), callSeconds, PLAIN));
        MatrixLab t;
        try {
            t = new MatrixLab("st" + run, up, Files.createDirectories(dir.resolve("traversal")), callSeconds,
                    TRAVERSAL);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            plainLab.thenAccept(KernelSetupTimeTest::closeQuietly);
            throw e;
        }
        try (t; MatrixLab p = plainLab.join()) {
            t.startDiscoveryServer("disc2");
            // warm-up, not recorded: a cold server's, proxy's or agent's first answers can be late
            call(t, Scenario.of(PR, PR), callSeconds);
            call(p, Scenario.of(PR, PR), callSeconds);
            for (Scenario s : scenarios) {
                if (s.silentServer()) {
                    t.stopDiscoveryServer("disc2");
                }
                for (int i = 1; i <= calls; i++) {
                    MatrixCell ct = call(t, s, callSeconds);
                    traversal.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(ct);
                    progress("traversal", s, i, calls, ct);
                    if (!s.silentServer()) { // plain agents ask no server: the row would repeat another
                        MatrixCell cp = call(p, s, callSeconds);
                        plain.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(cp);
                        progress("plain", s, i, calls, cp);
                    }
                }
                if (s.silentServer()) {
                    t.startDiscoveryServer("disc2");
                }
            }
        }
        List<SetupTimeReport.Row> rows = new ArrayList<>();
        for (Scenario s : scenarios) {
            rows.add(new SetupTimeReport.Row(s.name(), "traversal", traversal.get(s.name())));
            if (plain.containsKey(s.name())) {
                rows.add(new SetupTimeReport.Row(s.name(), "plain", plain.get(s.name())));
            }
        }
        Path out = Path.of(System.getProperty("setup.out", bench ? "target/bench-setup" : "target"));
        String md = new SetupTimeReport(rows, Duration.ofNanos(System.nanoTime() - start), callSeconds,
                "sudo bin/bench-setup " + calls).write(out);
        System.out.println(md);
        System.out.println("setup: written to " + out.toAbsolutePath().normalize().resolve("setup-benchmark.md"));

        List<String> wrong = new ArrayList<>();
        for (SetupTimeReport.Row row : rows) {
            for (MatrixCell cell : row.cells()) {
                String label = row.mode() + " " + cell.summary();
                if (!hasSpans(cell.atCaller()) || !hasSpans(cell.atCallee())) {
                    wrong.add(label + ": a report without postDialDelayMillis or firstTwoWayMediaMillis");
                } else if (!cell.atCallee().path("timings").path("postDialDelayMillis").isNull()) {
                    wrong.add(label + ": the callee's report has a post-dial delay");
                }
                if (!bench && row.mode().equals("traversal")) {
                    if (!cell.rtpBothWays()) {
                        wrong.add(label + ": media did not go both ways");
                    }
                    if (!SetupTimeReport.postDialDelay(cell).isNumber()) {
                        wrong.add(label + ": no post-dial delay measured");
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** One call of scenario {@code s}: both sites switched, both agents registered again, alice calls bob. */
    private static MatrixCell call(MatrixLab lab, Scenario s, int seconds) throws IOException, InterruptedException {
        lab.host().nat("a", List.of("--nat", s.caller()));
        lab.host().nat("b", List.of("--nat", s.callee()));
        List<Process> neighbours = new ArrayList<>();
        try {
            if (s.neighbourRate() > 0) {
                for (String site : List.of("a", "b")) {
                    neighbours.add(lab.host().scriptInBackground("neighbour", List.of("--site", site, "--rate",
                            Integer.toString(s.neighbourRate()), "--duration", Integer.toString(NEIGHBOUR_MAX_SECONDS))));
                }
            }
            // agents in service are registered: the caller's SIP flow is open before it dials
            lab.caller().register(REGISTER_WAIT);
            lab.callee().register(REGISTER_WAIT);
            return lab.call(s.caller(), s.callee(), seconds);
        } finally {
            for (Process p : neighbours) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static boolean hasSpans(JsonNode report) {
        JsonNode t = report.path("timings");
        return t.has("postDialDelayMillis") && t.has("firstTwoWayMediaMillis");
    }

    private static void progress(String mode, Scenario s, int i, int calls, MatrixCell cell) {
        System.out.printf("setup %-9s %s %d/%d: PDD %s ms, first two-way %s / %s ms; %s%n", mode, s.name(), i, calls,
                SetupTimeReport.postDialDelay(cell).asText("-"), SetupTimeReport.firstTwoWayAtCaller(cell).asText("-"),
                SetupTimeReport.firstTwoWayAtCallee(cell).asText("-"), cell.summary());
    }

    private static MatrixLab open(String prefix, List<String> up, Path dir, int callSeconds, LabAgent.Options o) {
        try {
            return new MatrixLab(prefix, up, Files.createDirectories(dir), callSeconds, o);
        } catch (IOException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /** Closes the plain lab when the traversal lab did not come up. */
    private static void closeQuietly(MatrixLab lab) {
        try {
            lab.close();
        } catch (IOException e) {
            System.err.println("setup: the plain lab did not close cleanly: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
