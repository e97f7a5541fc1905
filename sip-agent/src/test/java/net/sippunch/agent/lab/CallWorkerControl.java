package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** The test side of a {@link CallWorker} in a lab client: writes its commands, reads its lines. */
final class CallWorkerControl {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String node;
    private final Process process;
    private final PrintWriter in;
    private final ProcessLines lines;

    CallWorkerControl(String node, Process process) {
        this.node = node;
        this.process = process;
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        this.lines = new ProcessLines(process, "worker-" + node);
        next(l -> l.equals("ready"), Duration.ofSeconds(60))
                .orElseGet(() -> fail(node + ": the worker did not start" + (process.isAlive() ? "" : " (exited)")));
    }

    /** Registers and waits for the registrar's answer; fails the test when none comes within {@code wait}. */
    void register(Duration wait) {
        in.println("register");
        next(l -> l.startsWith("registered "), wait)
                .orElseGet(() -> fail(node + ": no registration within " + wait));
    }

    /** Places a call to {@code uri} that hangs up {@code seconds} after the answer. */
    void call(String uri, int seconds) {
        in.println("call " + uri + " " + seconds);
    }

    /**
     * The report of the next call that ends, or of call {@code callId} when it is not null (reports of other
     * calls are passed over); empty when none comes within {@code wait}.
     */
    Optional<JsonNode> report(String callId, Duration wait) {
        return next(l -> l.startsWith("report ") && (callId == null || callId.equals(parse(l).path("callId").asText())),
                wait).map(CallWorkerControl::parse);
    }

    private static JsonNode parse(String reportLine) {
        try {
            return JSON.readTree(reportLine.substring("report ".length()));
        } catch (JsonProcessingException e) {
            return fail("not a call report: " + reportLine, e);
        }
    }

    /** The next line that matches, or empty when none comes within {@code wait}; an error line fails the test. */
    private Optional<String> next(Predicate<String> match, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                String line = lines.poll(deadline);
                if (line == null) {
                    if (!process.isAlive()) {
                        fail(node + ": the worker exited " + process.exitValue());
                    }
                    return Optional.empty();
                }
                if (line.startsWith("error ")) {
                    fail(node + ": " + line);
                }
                if (match.test(line)) {
                    return Optional.of(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}
