package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A two-site lab for agent calls: the project's discovery server in {@code disc}, Kamailio in {@code sip}, and
 * a warm {@link CallWorker} in each client: alice (the caller) in a-cli, bob (the callee) in b-cli, both in
 * NAT traversal mode.
 */
final class MatrixLab implements AutoCloseable {

    private static final String CALLEE = "sip:bob@" + LabAgent.DOMAIN;
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);
    /** Bound on a call: discovery, INVITE, answer, punch, media, BYE; its timeouts are far shorter. */
    private static final Duration CALL_WAIT = Duration.ofSeconds(40);
    /** How long the callee's report may come after the caller's (both end with the BYE). */
    private static final Duration CALLEE_REPORT_WAIT = Duration.ofSeconds(10);
    /**
     * How long a birthday pair's call lasts (port-restricted against symmetric-random): its spray settles in
     * about 0.3-0.5 s on this lab but has a tail past 2 s (the simulator's p95 is 2.4 s), and a call that hangs
     * up before the path settles measures the call's length, not the traversal.
     */
    static final int BIRTHDAY_CALL_SECONDS = 8;

    /** The lab's discovery hosts and the two addresses the server of each listens on (RFC 5780). */
    private static final Map<String, List<String>> DISCOVERY_HOSTS = Map.of(
            "disc", List.of("198.18.0.21:3478", "198.18.0.31:3479"),
            "disc2", List.of("198.18.0.22:3478", "198.18.0.32:3479"));

    private final LabHost lab;
    private final String prefix;
    private final Path dir;
    private final int callSeconds;
    private final Map<String, Process> discoveryServers = new HashMap<>();
    private LabKamailio kamailio;
    private int kamailioStarts = 1;
    private final CallWorkerControl a;
    private final CallWorkerControl b;

    /**
     * Brings the lab up with {@code natlab.sh up --prefix PREFIX UPARGS...}, starts the discovery server,
     * Kamailio and both agents ({@code dir} takes their configs and Kamailio's log), and registers the callee.
     * Start it with both sites behind a NAT: an agent's Contact then holds its private address, which Kamailio
     * replaces with the address its requests come from (a public-looking Contact it would keep).
     *
     * @param callSeconds how long each call lasts after its answer
     */
    MatrixLab(String prefix, List<String> upArgs, Path dir, int callSeconds) throws IOException, InterruptedException {
        this(prefix, upArgs, dir, callSeconds, LabAgent.Options.DEFAULT);
    }

    /**
     * The same with the agents' discovery servers and registration timing of {@code options}; the discovery
     * server of {@code disc} runs, that of {@code disc2} only once {@link #startDiscoveryServer} starts it.
     */
    MatrixLab(String prefix, List<String> upArgs, Path dir, int callSeconds, LabAgent.Options options)
            throws IOException, InterruptedException {
        this(prefix, upArgs, dir, callSeconds, options, "");
    }

    /** The same with more config sections for the caller ({@code turn:}). */
    MatrixLab(String prefix, List<String> upArgs, Path dir, int callSeconds, LabAgent.Options options,
              String callerYaml) throws IOException, InterruptedException {
        lab = new LabHost(prefix);
        this.prefix = prefix;
        this.dir = dir;
        this.callSeconds = callSeconds;
        LabKamailio proxy = null;
        try {
            lab.upWith(upArgs);
            startDiscoveryServer("disc");
            proxy = LabKamailio.start(prefix, dir, LabAgent.passwords("alice", "bob"));
            a = new CallWorkerControl("a-cli", lab.java("a-cli", CallWorker.class.getName(),
                    List.of(LabAgent.config(dir, "alice", 440, null, null, options, callerYaml).toString())));
            b = new CallWorkerControl("b-cli", lab.java("b-cli", CallWorker.class.getName(),
                    List.of(LabAgent.config(dir, "bob", 1000, null, null, options).toString())));
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            if (proxy != null) {
                proxy.close();
            }
            lab.close();
            throw e;
        }
        kamailio = proxy;
    }

    /**
     * Starts the discovery server of a discovery host ({@code disc} or {@code disc2}) and waits for its
     * "listening on" line. A start that stays silent is retried: seen on this machine under load, once in a
     * few runs, with no line at all.
     */
    void startDiscoveryServer(String node) throws IOException, InterruptedException {
        if (discoveryServers.containsKey(node)) {
            throw new IllegalStateException("the discovery server of " + node + " runs already");
        }
        List<String> listen = DISCOVERY_HOSTS.get(node);
        List<String> seen = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Process p = lab.agentProcess(node, List.of("discovery-server", "--listen", listen.get(0),
                    "--listen", listen.get(1)));
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
                discoveryServers.put(node, p);
                return;
            }
            System.err.println("discovery server start " + attempt + " failed; its lines: " + seen
                    + (p.isAlive() ? " (still running: stopped)" : " (exited " + p.exitValue() + ")"));
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        fail("the discovery server did not start in three attempts; its lines: " + seen);
    }

    /** Stops the discovery server of {@code node} (SIGTERM) and waits until it has exited. */
    void stopDiscoveryServer(String node) throws InterruptedException {
        Process p = discoveryServers.remove(node);
        if (p == null) {
            throw new IllegalStateException("no discovery server runs in " + node);
        }
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            fail("the discovery server of " + node + " did not stop within 10 s of SIGTERM");
        }
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

    /** Kamailio as it runs now. */
    LabKamailio proxy() {
        return kamailio;
    }

    /** The caller's warm agent (alice in a-cli). */
    CallWorkerControl caller() {
        return a;
    }

    /** The callee's warm agent (bob in b-cli). */
    CallWorkerControl callee() {
        return b;
    }

    /**
     * Kills Kamailio as a crash would ({@link LabKamailio#kill}) and starts a fresh one (empty location table)
     * in a directory of its own; returns it. Does not wait for it to listen.
     */
    LabKamailio restartProxy() throws IOException, InterruptedException {
        kamailio.kill();
        kamailioStarts++;
        kamailio = LabKamailio.start(prefix, Files.createDirectories(dir.resolve("kamailio-" + kamailioStarts)),
                LabAgent.passwords("alice", "bob"));
        return kamailio;
    }

    /** Switches both sites (fresh NAT state) and runs one trial: caller in site a, callee in site b. */
    MatrixCell trial(String caller, List<String> natA, String callee, List<String> natB)
            throws IOException, InterruptedException {
        lab.nat("a", natA);
        lab.nat("b", natB);
        return trial(caller, callee);
    }

    /**
     * Runs one call on the sites as they are: both agents are told their network changed, learn their NAT
     * again and register again (a changed NAT forgot its mapping toward Kamailio), the caller calls the callee
     * through Kamailio, and both call reports are read.
     */
    MatrixCell trial(String caller, String callee) {
        return trial(caller, callee, callSeconds);
    }

    /** The same with calls that last at least {@code seconds} after their answer. */
    MatrixCell trial(String caller, String callee, int seconds) {
        a.register(REGISTER_WAIT);
        b.register(REGISTER_WAIT);
        return call(caller, callee,
                birthdayPair(caller, callee) ? Math.max(seconds, BIRTHDAY_CALL_SECONDS) : seconds);
    }

    /**
     * The caller calls the callee through Kamailio, hangs up {@code seconds} after the answer, and both call
     * reports are read; the callee must be registered. The sites' behaviour names label the cell.
     */
    MatrixCell call(String caller, String callee, int seconds) {
        a.call(CALLEE, seconds);
        Duration wait = CALL_WAIT.plusSeconds(seconds);
        JsonNode atCaller = a.report(null, wait)
                .orElseGet(() -> fail("the caller's call did not end within " + wait));
        Optional<JsonNode> atCallee = b.report(atCaller.path("callId").asText(), CALLEE_REPORT_WAIT);
        return new MatrixCell(caller, callee, atCaller, atCallee.orElse(MissingNode.getInstance()),
                atCallee.isPresent() ? null : "the callee has no report of the call (caller: "
                        + atCaller.path("outcome").asText() + ", " + atCaller.path("reason").asText() + ")");
    }

    private static boolean birthdayPair(String caller, String callee) {
        return List.of(caller, callee).containsAll(List.of("port-restricted", "symmetric-random"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        kamailio.close();
        lab.close();
    }
}
