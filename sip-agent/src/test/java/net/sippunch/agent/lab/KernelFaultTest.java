package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sippunch.agent.interop.CpuLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Faults around real agent calls on kernel NATs ({@code lab/natlab.sh}) through a real Kamailio, the set-up of
 * {@link KernelTraversalMatrixTest} ({@link MatrixLab}: warm agents, alice calling from site a, bob answering in
 * site b, both in NAT traversal mode), one after another: 20 % random loss each way on both NATs, and either of the
 * agents' two discovery servers down. Kamailio killed and started afresh during a call is
 * {@link KernelProxyRestartTest}, the long call through short conntrack timeouts {@link KernelLongCallTest}.
 */
@Order(CpuLock.LAST)
@ResourceLock(CpuLock.CPU)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelFaultTest {

    /** How long the short calls last after their answer, as in the matrix. */
    private static final int CALL_SECONDS = KernelTraversalMatrixTest.CALL_SECONDS;
    private static final int LOSS_PERMILLE = 200;
    private static final int LOSS_TRIALS = 10;
    private static final int LOSS_DIRECT_AT_LEAST = 9;
    /**
     * How long a call through the loss lasts after its answer: a call is direct when its path settles, and
     * through 20 % loss on both NATs two crossing sweeps meet in the tail only after the matrix's short call
     * (one lost probe where they cross costs a round of the sweep); real calls last longer still.
     */
    private static final int LOSS_CALL_SECONDS = 6;
    private static final List<List<String>> LOSS_PAIRS = List.of(
            List.of("port-restricted", "symmetric-sequential"),
            List.of("symmetric-sequential", "symmetric-sequential"));


    /**
     * The fault lab's agents: two discovery servers on two hosts (each RFC 5780, two addresses), so that one
     * can be down; a registration of 60 s (Kamailio's minimum) refreshed at half of it, 30 s; the agent's
     * default INVITE timeout, 32 s (through 20 % loss on both NATs the INVITE, its challenge and the answer
     * are retransmitted, and the callee's discovery waits out its cap: the lab's 10 s cancels some calls).
     */
    private static final String FIRST_SERVER = "198.18.0.21:3478";
    private static final String SECOND_SERVER = "198.18.0.22:3478";
    private static final LabAgent.Options FAULT_AGENTS = new LabAgent.Options(List.of(FIRST_SERVER, SECOND_SERVER),
            60, 20, 32);
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);

    /** One egress chain of the loss table: the packets it saw, and those it dropped. */
    private static final Pattern LOSS_COUNTERS = Pattern.compile("chain (wan|lan) \\{[^}]*?counter packets (\\d+) "
            + "bytes \\d+ numgen random mod 1000 <=? \\d+ counter packets (\\d+) bytes");

    private MatrixLab faults;
    private long classStart;

    @BeforeAll
    void startLabs(@TempDir Path dir) throws IOException, InterruptedException {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)"));
        classStart = System.nanoTime();
        faults = new MatrixLab("fl" + ProcessHandle.current().pid() % 100000, List.of("--nat-a", "port-restricted",
                "--nat-b", "port-restricted"), Files.createDirectories(dir.resolve("faults")), CALL_SECONDS,
                FAULT_AGENTS);
        faults.startDiscoveryServer("disc2");
        // warm-up, not recorded: a cold server's, proxy's or agent's first answers can be late
        faults.trial("port-restricted", "port-restricted");
    }

    @AfterAll
    void closeLabs() throws IOException, InterruptedException {
        if (faults != null) {
            faults.close();
        }
        System.out.printf("faults: the test class took %d s%n",
                Duration.ofNanos(System.nanoTime() - classStart).toSeconds());
    }

    /**
     * 20 % random loss each way on both NATs: each router drops 200 in 1000 of the packets leaving each of its
     * two interfaces (toward the internet after NAT, toward its client), SIP, discovery, probes and RTP alike.
     * At least {@value #LOSS_DIRECT_AT_LEAST} of {@value #LOSS_TRIALS} calls per pair get a direct path with
     * RTP both ways. The routers' counters show the loss was there. Both agents register once the routers are
     * set, as agents in service are registered: the caller's SIP flow is open before its call. (A caller whose
     * INVITE opens its NAT's first flow to the proxy, between its discovery and its punch, moves its sequential
     * NAT one port past what the callee predicts; so does a discovery request whose answers were all lost. Two
     * sequential sides then meet only where their sweeps cross, once, and one lost probe there loses the
     * direct path.)
     */
    @Test
    @Order(1)
    void directPathsThroughTwentyPercentLossOnBothNats() throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        List<String> interfaces = List.of("a-nat wan", "a-nat lan", "b-nat wan", "b-nat lan");
        for (List<String> pair : LOSS_PAIRS) {
            String caller = pair.get(0);
            String callee = pair.get(1);
            List<MatrixCell> cells = new ArrayList<>();
            long[] seen = new long[interfaces.size()];
            long[] dropped = new long[interfaces.size()];
            for (int i = 1; i <= LOSS_TRIALS; i++) {
                faults.host().nat("a", lossy(caller));
                faults.host().nat("b", lossy(callee));
                MatrixCell cell = faults.trial(caller, callee, LOSS_CALL_SECONDS); // both register again, then call
                cells.add(cell);
                StringBuilder loss = new StringBuilder();
                for (int k = 0; k < interfaces.size(); k++) {
                    String[] nodeAndDevice = interfaces.get(k).split(" ");
                    long[] counters = lossCounters(nodeAndDevice[0], nodeAndDevice[1]);
                    seen[k] += counters[0];
                    dropped[k] += counters[1];
                    loss.append(String.format(" %s %d/%d", interfaces.get(k), counters[1], counters[0]));
                }
                System.out.printf("faults: loss %s x %s %2d/%d %s; types %s; dropped/seen at%s%n", caller, callee, i,
                        LOSS_TRIALS, cell.summary(), cell.types(), loss);
                if (!cell.direct()) {
                    System.out.printf("faults: not direct; caller's report %s%nfaults: callee's report %s%n",
                            cell.atCaller(), cell.atCallee());
                }
            }
            TrialSet set = new TrialSet(caller + " x " + callee, cells);
            StringBuilder measured = new StringBuilder();
            for (int k = 0; k < interfaces.size(); k++) {
                double share = dropped[k] / (double) Math.max(1, seen[k]);
                measured.append(String.format("%s%s %.1f %% of %d", k == 0 ? "" : ", ", interfaces.get(k),
                        100 * share, seen[k]));
                // the loss was there, on every interface, over the pair's calls (hundreds of packets each)
                assertTrue(seen[k] >= 500 && Math.abs(share - LOSS_PERMILLE / 1000.0) < 0.04,
                        interfaces.get(k) + " dropped " + dropped[k] + " of " + seen[k]);
            }
            System.out.printf("faults: loss %d/1000 each way on both NATs, %s: %d of %d direct; median settled "
                            + "%.0f ms (caller) / %.0f ms (callee), slowest %.0f ms (caller); median probes %.0f; "
                            + "strategies %s; measured loss at the egress of %s%n", LOSS_PERMILLE, set.name(),
                    set.direct(), LOSS_TRIALS, set.medianCallerMs(), set.medianCalleeMs(), set.maxCallerMs(),
                    set.medianProbes(), set.strategies(), measured);
            if (set.direct() < LOSS_DIRECT_AT_LEAST) {
                wrong.add(set.name() + ": " + set.direct() + " of " + LOSS_TRIALS + " direct; not direct: "
                        + cells.stream().filter(c -> !c.direct()).map(MatrixCell::summary).toList());
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    private static List<String> lossy(String behaviour) {
        return List.of("--nat", behaviour, "--egress-loss", Integer.toString(LOSS_PERMILLE));
    }

    /** Packets the loss rule at the egress of a router's {@code device} saw and dropped since the site was set. */
    private long[] lossCounters(String node, String device) throws IOException, InterruptedException {
        String table = faults.host().exec(node, List.of("nft", "list", "table", "netdev", "labloss"));
        Matcher m = LOSS_COUNTERS.matcher(table);
        while (m.find()) {
            if (m.group(1).equals(device)) {
                return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            }
        }
        return fail("no loss rule with counters at the egress of " + device + " in " + node + ":\n" + table);
    }

    /**
     * One of the agents' two discovery servers down, the second, then the first (its host's four addresses):
     * calls connect directly, a port-restricted pair and a symmetric-sequential pair (whose delta the other
     * server's two addresses still give), and both sides' reports name the server that did not answer.
     */
    @Test
    @Order(2)
    void eitherDiscoveryServerDown() throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        faults.stopDiscoveryServer("disc2");
        wrong.addAll(callsWithOneServerDown(SECOND_SERVER));
        faults.startDiscoveryServer("disc2");
        faults.stopDiscoveryServer("disc");
        wrong.addAll(callsWithOneServerDown(FIRST_SERVER));
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** A port-restricted and a symmetric-sequential call with {@code down} not answering; what went wrong. */
    private List<String> callsWithOneServerDown(String down) throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        for (String nat : List.of("port-restricted", "symmetric-sequential")) {
            MatrixCell cell = faults.trial(nat, List.of("--nat", nat), nat, List.of("--nat", nat));
            System.out.printf("faults: %s down, %s; types %s; unanswered %s (caller) / %s (callee); discovery %s ms / "
                            + "%s ms%n", down, cell.summary(), cell.types(), unanswered(cell.atCaller()),
                    unanswered(cell.atCallee()), cell.atCaller().path("traversal").path("discovery").path("millis"),
                    cell.atCallee().path("traversal").path("discovery").path("millis"));
            if (!cell.direct() || !CallChecks.completed(cell)) {
                wrong.add(down + " down: no direct call: " + cell.summary());
            }
            for (JsonNode report : List.of(cell.atCaller(), cell.atCallee())) {
                // the down server, and any other address of its host the agent knew and asked
                List<String> named = unanswered(report);
                if (!named.contains(down) || !downHost(down).containsAll(named.stream()
                        .map(a -> a.substring(0, a.lastIndexOf(':'))).toList())) {
                    wrong.add(down + " down: the " + report.path("role").asText("callee") + " names "
                            + unanswered(report) + " unanswered: " + report.path("traversal"));
                }
            }
        }
        return wrong;
    }

    /** The IPs of the discovery host of server {@code down} (each host's server listens on two: RFC 5780). */
    private static List<String> downHost(String down) {
        return down.equals(FIRST_SERVER) ? List.of("198.18.0.21", "198.18.0.31") : List.of("198.18.0.22", "198.18.0.32");
    }

    private static List<String> unanswered(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("traversal").path("discovery").path("unanswered").forEach(n -> out.add(n.asText()));
        return out;
    }

}
