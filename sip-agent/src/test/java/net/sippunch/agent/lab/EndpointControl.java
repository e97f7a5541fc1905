package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The test side of a {@link LabEndpoint} running in a lab namespace: writes its commands and reads its
 * lines in the order it printed them.
 */
final class EndpointControl {

    /** A datagram the endpoint received: on which of its sockets, from where, with what text. */
    record Received(String socket, InetSocketAddress source, String text) {
        static Optional<Received> parse(String line) {
            String[] w = line.split(" ", 5);
            if (w.length < 5 || !w[0].equals("recv")) {
                return Optional.empty();
            }
            return Optional.of(new Received(w[1], new InetSocketAddress(w[2], Integer.parseInt(w[3])), w[4]));
        }
    }

    private static final Duration LINE_WAIT = Duration.ofSeconds(10);

    private final String node;
    private final Process process;
    private final PrintWriter in;
    private final ProcessLines lines;
    /** Lines read by a wait that timed out, oldest first: the next wait reads them before the queue. */
    private final Deque<String> held = new ArrayDeque<>();

    EndpointControl(String node, Process process) {
        this.node = node;
        this.process = process;
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        this.lines = new ProcessLines(process, "endpoint-" + node);
        next(line -> line.equals("ready"), LINE_WAIT);
    }

    /** Binds socket {@code name} to {@code ip:port}; returns the port bound. */
    int bind(String name, String ip, int port) {
        in.println("bind " + name + " " + ip + " " + port);
        String line = next(l -> l.startsWith("bound " + name + " ") || l.startsWith("error "), LINE_WAIT)
                .get(0);
        if (line.startsWith("error ")) {
            fail(node + ": " + line);
        }
        return Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
    }

    void send(String socket, InetSocketAddress to, String text) {
        in.println("send " + socket + " " + to.getAddress().getHostAddress() + " " + to.getPort() + " " + text);
    }

    /** Sends {@code text-0 .. text-(count-1)} and waits until the endpoint has sent them all. */
    void burst(String socket, InetSocketAddress to, int count, String text) {
        in.println("burst " + socket + " " + to.getAddress().getHostAddress() + " " + to.getPort() + " " + count
                + " " + text);
        next(l -> l.equals("sent " + socket + " " + count), Duration.ofSeconds(30));
    }

    /** Waits for the datagram with this text; fails the test when none comes. */
    Received receive(String text) {
        List<Received> until = receivedUntil(text);
        return until.get(until.size() - 1);
    }

    /** All datagrams received up to and including the one with this text (which must come). */
    List<Received> receivedUntil(String text) {
        return receivedUntil(text, LINE_WAIT)
                .orElseGet(() -> fail(node + " did not receive '" + text + "' within " + LINE_WAIT));
    }

    /**
     * All datagrams received up to and including the one with this text, or empty when it does not
     * come within {@code wait}; then the lines read stay for the next call.
     */
    Optional<List<Received>> receivedUntil(String text, Duration wait) {
        List<String> seen = nextOrEmpty(l -> Received.parse(l).map(r -> r.text().equals(text)).orElse(false), wait);
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        List<Received> all = new ArrayList<>();
        seen.forEach(line -> Received.parse(line).ifPresent(all::add));
        return Optional.of(all);
    }

    /** Lines up to and including the first that matches; fails the test when none matches in time. */
    private List<String> next(Predicate<String> match, Duration wait) {
        List<String> seen = nextOrEmpty(match, wait);
        if (seen.isEmpty()) {
            fail(node + ": no expected line within " + wait + (process.isAlive() ? "" : " (endpoint exited)"));
        }
        return seen;
    }

    private List<String> nextOrEmpty(Predicate<String> match, Duration wait) {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                String line = held.isEmpty()
                        ? lines.poll(deadline)
                        : held.poll();
                if (line == null) {
                    held.addAll(seen); // held was empty: it ran dry before the queue was polled
                    return List.of();
                }
                if (line.startsWith("error ")) {
                    fail(node + ": " + line);
                }
                seen.add(line);
                if (match.test(line)) {
                    return seen;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}
