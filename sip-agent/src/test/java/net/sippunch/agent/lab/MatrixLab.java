package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.cli.PunchTestWorker;

/**
 * A two-site lab for punch trials: the project's discovery server in {@code disc}, a warm
 * {@code PunchTestWorker} in each client, and the relay of their OFFER and ANSWER lines.
 */
final class MatrixLab implements AutoCloseable {

    private static final String SERVERS = "--server 198.18.0.21:3478 --server 198.18.0.31:3479";
    private static final Duration LINE_WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LabHost lab;
    private final TrialControl a;
    private final TrialControl b;
    /** Every trial gets fresh media ports, so no flow of an earlier trial is reused. */
    private int nextPort = 20000;

    /** Brings the lab up with {@code natlab.sh up --prefix PREFIX UPARGS...} and starts the server and workers. */
    MatrixLab(String prefix, List<String> upArgs) throws IOException, InterruptedException {
        lab = new LabHost(prefix);
        try {
            lab.upWith(upArgs);
            startDiscoveryServer();
            a = new TrialControl("a-cli", lab.java("a-cli", PunchTestWorker.class.getName()));
            b = new TrialControl("b-cli", lab.java("b-cli", PunchTestWorker.class.getName()));
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    /**
     * Starts the discovery server in {@code disc} and waits for its "listening on" line. A start that stays
     * silent is retried: seen on this machine under load, once in a few runs, with no line at all.
     */
    private void startDiscoveryServer() throws IOException, InterruptedException {
        List<String> seen = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Process p = lab.agentProcess("disc", List.of("discovery-server", "--listen", "198.18.0.21:3478",
                    "--listen", "198.18.0.31:3479"));
            p.getOutputStream().close();
            // daemon threads of its own: a drain never ends while the server runs
            daemon(() -> drain(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))));
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            daemon(() -> {
                try {
                    for (String line = err.readLine(); line != null; line = err.readLine()) {
                        synchronized (seen) {
                            seen.add(line);
                        }
                        if (line.contains("listening on")) {
                            ready.complete(true);
                            drain(err);
                            return;
                        }
                    }
                } catch (IOException e) {
                    synchronized (seen) {
                        seen.add(e.toString());
                    }
                }
                ready.complete(false);
            });
            if (ready.completeOnTimeout(false, 30, TimeUnit.SECONDS).join()) {
                return;
            }
            System.err.println("discovery server start " + attempt + " failed; its lines: " + seen
                    + (p.isAlive() ? " (still running: stopped)" : " (exited " + p.exitValue() + ")"));
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        fail("the discovery server did not start in three attempts; its lines: " + seen);
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task, "disc-output");
        t.setDaemon(true);
        t.start();
    }

    private static void drain(BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // discard
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    LabHost host() {
        return lab;
    }

    /** Switches both sites (fresh NAT state) and runs one trial: caller in site a, callee in site b. */
    MatrixCell trial(String caller, List<String> natA, String callee, List<String> natB)
            throws IOException, InterruptedException {
        lab.nat("a", natA);
        lab.nat("b", natB);
        return trial(caller, callee);
    }

    /** Runs one trial on the sites as they are. */
    MatrixCell trial(String caller, String callee) throws IOException {
        int port = nextPort;
        nextPort += 2;
        String args = SERVERS + " --local-port " + port + " --json --role ";
        a.run(args + "caller");
        b.run(args + "callee");
        String offer = a.next(l -> l.startsWith("OFFER ") || l.startsWith("{"), LINE_WAIT);
        if (!offer.startsWith("OFFER ")) {
            return abandoned(caller, callee, offer, true);
        }
        b.peer(offer);
        String answer = b.next(l -> l.startsWith("ANSWER ") || l.startsWith("{"), LINE_WAIT);
        if (!answer.startsWith("ANSWER ")) {
            return abandoned(caller, callee, answer, false);
        }
        a.peer(answer);
        JsonNode atCaller = result(a);
        JsonNode atCallee = result(b);
        a.close();
        b.close();
        return new MatrixCell(caller, callee, atCaller, atCallee, null);
    }

    /** One side ended before the exchange (discovery failed): ends the other side's trial too. */
    private MatrixCell abandoned(String caller, String callee, String line, boolean atCaller) throws IOException {
        TrialControl other = atCaller ? b : a;
        other.peer("ABANDONED");
        other.next(l -> l.startsWith("exit "), LINE_WAIT);
        a.close();
        b.close();
        JsonNode node = JSON.readTree(line);
        String problem = (atCaller ? "caller: " : "callee: ") + node.path("reason").asText(line);
        return new MatrixCell(caller, callee, atCaller ? node : MissingNode.getInstance(),
                atCaller ? MissingNode.getInstance() : node, problem);
    }

    private static JsonNode result(TrialControl side) throws IOException {
        String line = side.next(l -> l.startsWith("{"), LINE_WAIT);
        side.next(l -> l.startsWith("exit "), LINE_WAIT);
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        lab.close();
    }
}
