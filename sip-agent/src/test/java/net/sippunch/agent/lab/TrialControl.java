package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/** The test side of a {@code PunchTestWorker} in a lab namespace: writes its commands, reads its lines. */
final class TrialControl {

    private final String node;
    private final Process process;
    private final PrintWriter in;
    private final ProcessLines lines;

    TrialControl(String node, Process process) {
        this.node = node;
        this.process = process;
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        this.lines = new ProcessLines(process, "worker-" + node);
        next(l -> l.equals("ready"), Duration.ofSeconds(30));
    }

    /** Starts a trial: {@code punch-test ARGS}. */
    void run(String args) {
        in.println("run " + args);
    }

    /** Relays a line of the peer to the running trial. */
    void peer(String line) {
        in.println("peer " + line);
    }

    /** Closes the media ports of finished trials and waits until they are closed. */
    void close() {
        in.println("close");
        next(l -> l.startsWith("closed "), Duration.ofSeconds(10));
    }

    /** The next line that matches; fails the test when none comes within {@code wait}. */
    String next(Predicate<String> match, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                String line = lines.poll(deadline);
                if (line == null) {
                    return fail(node + ": no expected line within " + wait
                            + (process.isAlive() ? "" : " (worker exited)"));
                }
                if (line.startsWith("error ")) {
                    fail(node + ": " + line);
                }
                if (match.test(line)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}
