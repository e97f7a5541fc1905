package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code lab/natlab.sh} and the agent's command line inside its namespaces. Lab tests need root,
 * iproute2 and nftables: outside CI they are skipped with the reason printed; in CI (CI=true) they fail.
 */
final class LabHost implements AutoCloseable {

    private static final Pattern IPV4 = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/");

    /**
     * Threads that read the lab processes' output. Not the common pool: on two cores it has one thread,
     * which a drain of a long-running server's output would hold, so the next reader would never run.
     */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lab-output");
        t.setDaemon(true);
        return t;
    });

    static final Path LAB_SCRIPT = Path.of("..", "lab", "natlab.sh").toAbsolutePath().normalize();

    private final String prefix;
    private final List<Process> processes = new ArrayList<>();

    LabHost(String prefix) {
        this.prefix = prefix;
    }

    /** Skips or fails (in CI) unless this is root with ip and nft on the PATH. */
    static void requireLab() {
        requireLab(List.of());
    }

    /**
     * Skips or fails (in CI) unless this is root with ip, nft and the named tools (Debian package names
     * in brackets, like {@code "conntrack (conntrack)"}) on the PATH.
     */
    static void requireLab(List<String> tools) {
        String reason = null;
        if (!isRoot()) {
            reason = "network-namespace lab tests need root";
        } else if (!onPath("ip") || !onPath("nft")) {
            reason = "network-namespace lab tests need iproute2 and nftables (apt-get install -y iproute2 nftables)";
        }
        for (String tool : tools) {
            String program = tool.split(" ")[0];
            if (reason == null && !onPath(program)) {
                reason = "network-namespace lab tests need " + tool + " on the PATH";
            }
        }
        if (reason == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason);
        }
        System.err.println("skipped: " + reason);
        Assumptions.abort(reason);
    }

    /** The network namespace of {@code node} in this lab ({@code natlab.sh} names it PREFIX-NODE). */
    String namespace(String node) {
        return prefix + "-" + node;
    }

    void up(String natType, List<String> extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAB_SCRIPT.toString(), "up", "--prefix", prefix, "--nat", natType));
        cmd.addAll(extra);
        run(cmd, 60);
    }

    /** Brings the lab up with {@code natlab.sh up --prefix P ARGS...} (the two-site form). */
    void upWith(List<String> args) throws IOException, InterruptedException {
        script("up", args);
    }

    /** Changes the behaviour of a running site's routers: {@code natlab.sh nat --site SITE ARGS...}. */
    void nat(String site, List<String> args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--site", site));
        all.addAll(args);
        script("nat", all);
    }

    /** Runs {@code natlab.sh COMMAND --prefix P ARGS...} to completion; returns its output, fails unless it exits 0. */
    String script(String command, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAB_SCRIPT.toString(), command, "--prefix", prefix));
        cmd.addAll(args);
        return run(cmd, 60);
    }

    /**
     * Starts {@code natlab.sh COMMAND --prefix P ARGS...} in the background (a neighbour's load); its output
     * is discarded. It ends with the lab at the latest.
     */
    Process scriptInBackground(String command, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(LAB_SCRIPT.toString(), command, "--prefix", prefix));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    /** The IPv4 address of a lab node's {@code eth0} (a client: private behind a NAT, public on an open site). */
    String ipv4(String node) throws IOException, InterruptedException {
        String out = exec(node, List.of("ip", "-4", "-o", "addr", "show", "dev", "eth0"));
        Matcher m = IPV4.matcher(out);
        if (!m.find()) {
            fail(node + " has no IPv4 address on eth0: " + out);
        }
        return m.group(1);
    }

    /** Runs a command in {@code node} to completion; returns its output, fails unless it exits 0. */
    String exec(String node, List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAB_SCRIPT.toString(), "exec", "--prefix", prefix, node, "--"));
        cmd.addAll(command);
        return run(cmd, 30);
    }

    /** Starts a {@link LabEndpoint} in {@code node}; it ends with the lab. */
    EndpointControl endpoint(String node) throws IOException {
        Process p = new ProcessBuilder(javaCommand(node, LabEndpoint.class.getName(), List.of()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        return new EndpointControl(node, p);
    }

    /**
     * Starts {@code mainClass args...} of the test class path in {@code node}, stdin and stdout piped; it ends
     * with the lab.
     */
    Process java(String node, String mainClass, List<String> args) throws IOException {
        Process p = new ProcessBuilder(javaCommand(node, mainClass, args))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        return p;
    }

    /** Runs the agent's command line in {@code node} to completion; returns stdout, fails on timeout. */
    String agent(String node, List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = start(node, args);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p), READERS);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("sip-agent " + args + " did not finish in " + timeoutSeconds + " s");
        }
        return out.join();
    }

    /**
     * Starts the agent's command line in {@code node} in the background and waits until a line of its
     * standard error contains {@code readyLine}.
     */
    void startAgent(String node, List<String> args, String readyLine) throws IOException {
        StringBuilder seen = new StringBuilder();
        // a start that stays silent is retried (bounded), and what it printed goes into the failure
        for (int attempt = 1; attempt <= 3; attempt++) {
            Process p = start(node, args);
            processes.add(p);
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
                // no try-with-resources: once the ready line is seen the reader goes on in drain(), and closing
                // it here would wait for drain's blocked read (the stream's lock) until the process writes again
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
                try {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        lines.add(line);
                        if (line.contains(readyLine)) {
                            CompletableFuture.runAsync(() -> drain(r), READERS); // so the pipe never fills
                            return true;
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                return false;
            }, READERS);
            CompletableFuture.runAsync(() -> readAll(p), READERS); // standard output, never read otherwise
            if (ready.completeOnTimeout(false, 40, TimeUnit.SECONDS).join()) {
                return;
            }
            p.destroyForcibly();
            seen.append("attempt ").append(attempt).append(" (alive: ").append(p.isAlive()).append("): ")
                    .append(lines).append('\n');
            System.err.println("lab: sip-agent " + args + " did not print '" + readyLine + "', attempt " + attempt
                    + "; it printed " + lines);
        }
        fail("sip-agent " + args + " did not print '" + readyLine + "' in 3 attempts:\n" + seen);
    }

    /** Starts the agent's command line in {@code node}, pipes open; it ends with the lab at the latest. */
    Process agentProcess(String node, List<String> args) throws IOException {
        Process p = start(node, args);
        processes.add(p);
        return p;
    }

    private Process start(String node, List<String> args) throws IOException {
        return new ProcessBuilder(javaCommand(node, "net.sippunch.agent.cli.SipAgent", args)).start();
    }

    private List<String> javaCommand(String node, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(LAB_SCRIPT.toString(), "exec", "--prefix", prefix, node, "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return cmd;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        run(List.of(LAB_SCRIPT.toString(), "down", "--prefix", prefix), 60);
    }

    private static String run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p), READERS);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(cmd + " did not finish");
        }
        if (p.exitValue() != 0) {
            fail(cmd + " exited " + p.exitValue() + ":\n" + out.join());
        }
        return out.join();
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void drain(BufferedReader r) {
        try (r) {
            while (r.readLine() != null) {
                // discard
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
