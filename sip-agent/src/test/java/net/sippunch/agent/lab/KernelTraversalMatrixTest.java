package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.sippunch.agent.cli.PunchTestWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The traversal matrix on real kernel NATs: for every pair of the lab's seven behaviours (caller behind site
 * a, callee behind site b), {@code punch-test} runs in both clients against the project's discovery server,
 * its OFFER and ANSWER lines relayed by this test (the signalling server), and the outcome is checked
 * against the simulator's feasibility: direct where feasible, a give-up named "infeasible" where not.
 * Writes {@code traversal-matrix.md} and {@code traversal-matrix.svg} to {@code target/}, or to the
 * directory of the system property {@code matrix.out} ({@code lab/matrix.sh} regenerates the docs).
 *
 * <p>Each client runs one warm JVM ({@code PunchTestWorker}) for all cells: a JVM per trial would cost
 * more than the trials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelTraversalMatrixTest {

    private static final String PREFIX = "mx1";
    private static final String SERVERS = "--server 198.18.0.21:3478 --server 198.18.0.31:3479";
    private static final Duration LINE_WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private LabHost lab;
    private TrialControl a;
    private TrialControl b;
    /** Every trial gets fresh media ports, so no flow of an earlier cell is reused. */
    private int nextPort = 20000;

    @BeforeAll
    void up() throws IOException, InterruptedException {
        LabHost.requireLab(List.of("conntrack (conntrack)"));
        lab = new LabHost(PREFIX);
        lab.upWith(List.of("--nat-a", "open", "--nat-b", "open"));
        lab.startAgent("disc", List.of("discovery-server", "--listen", "198.18.0.21:3478",
                "--listen", "198.18.0.31:3479"), "listening on");
        a = new TrialControl("a-cli", lab.java("a-cli", PunchTestWorker.class.getName()));
        b = new TrialControl("b-cli", lab.java("b-cli", PunchTestWorker.class.getName()));
    }

    @AfterAll
    void down() throws IOException, InterruptedException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void everyPairOfBehaviours() throws IOException, InterruptedException {
        // warm-up, not recorded: a cold server's or worker's first answers can be late
        trial("open", "open");
        List<MatrixCell> cells = new ArrayList<>();
        long start = System.nanoTime();
        int total = MatrixCell.BEHAVIOURS.size() * MatrixCell.BEHAVIOURS.size();
        for (String caller : MatrixCell.BEHAVIOURS) {
            for (String callee : MatrixCell.BEHAVIOURS) {
                MatrixCell cell = trial(caller, callee);
                cells.add(cell);
                System.out.printf("matrix %2d/%d %s %s%n", cells.size(), total,
                        cell.asPredicted() ? "ok  " : "FAIL", cell.summary());
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Path out = Path.of(System.getProperty("matrix.out", "target"));
        new TraversalMatrixReport(cells, took).write(out);
        System.out.println("matrix: " + took.toSeconds() + " s; written to " + out.toAbsolutePath().normalize());

        List<String> wrong = new ArrayList<>();
        for (MatrixCell cell : cells) {
            if (!cell.asPredicted()) {
                wrong.add((cell.feasible() ? "feasible, no direct path: " : "infeasible, not a named give-up: ")
                        + cell.summary() + " " + cell.atCaller() + " " + cell.atCallee());
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " cells disagree with the simulator:\n" + String.join("\n", wrong));
    }

    private MatrixCell trial(String caller, String callee) throws IOException, InterruptedException {
        lab.nat("a", List.of("--nat", caller));
        lab.nat("b", List.of("--nat", callee));
        int port = nextPort;
        nextPort += 2;
        String args = SERVERS + " --local-port " + port + " --json --role ";
        a.run(args + "caller");
        b.run(args + "callee");
        String offer = a.next(l -> l.startsWith("OFFER ") || l.startsWith("{"), LINE_WAIT);
        if (!offer.startsWith("OFFER ")) {
            return abandoned(caller, callee, offer, b, "caller: " + offer);
        }
        b.peer(offer);
        String answer = b.next(l -> l.startsWith("ANSWER ") || l.startsWith("{"), LINE_WAIT);
        if (!answer.startsWith("ANSWER ")) {
            return abandoned(caller, callee, answer, a, "callee: " + answer);
        }
        a.peer(answer);
        JsonNode atCaller = result(a);
        JsonNode atCallee = result(b);
        a.close();
        b.close();
        return new MatrixCell(caller, callee, atCaller, atCallee, null);
    }

    /** One side ended before the exchange (discovery failed): ends the other side's trial too. */
    private MatrixCell abandoned(String caller, String callee, String line, TrialControl other, String problem)
            throws IOException {
        other.peer("ABANDONED");
        other.next(l -> l.startsWith("exit "), LINE_WAIT);
        a.close();
        b.close();
        JsonNode node = JSON.readTree(line);
        return new MatrixCell(caller, callee, problem.startsWith("caller") ? node : MissingNode.getInstance(),
                problem.startsWith("callee") ? node : MissingNode.getInstance(), problem);
    }

    private static JsonNode result(TrialControl side) throws IOException {
        String line = side.next(l -> l.startsWith("{"), LINE_WAIT);
        side.next(l -> l.startsWith("exit "), LINE_WAIT);
        return JSON.readTree(line);
    }
}
