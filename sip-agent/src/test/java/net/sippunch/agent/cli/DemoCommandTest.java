package net.sippunch.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code sip-agent demo} as the command line runs it: exit 0, both call reports printed (JSON and text),
 * media both ways on the path the probes settled, and no thread of the demo left behind.
 */
class DemoCommandTest {

    /** Threads the JVM or libraries keep for the whole process (not the demo's to stop). */
    private static final List<String> PROCESS_WIDE = List.of("ForkJoinPool", "globalEventExecutor",
            "process reaper", "Common-Cleaner", "Attach Listener", "Signal Dispatcher", "surefire",
            "ObjectCleanerThread", "Log4j2");

    private record Run(int exit, String out, String err) {
    }

    private static Run demo(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SipAgent());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cli.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void jsonDemoExitsZeroWithBothReportsAndLeavesNoThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Run run = demo("--json", "--duration", "2");

        assertEquals(0, run.exit(), run.err() + run.out());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(1, json.get("schemaVersion").asInt(), run.out());
        assertTrue(json.get("mediaBothWays").asBoolean(), run.out());
        assertEquals(2, json.get("discoveryServers").size());
        assertTrue(json.get("discoveryServers").get(1).asText().startsWith("127.0.0.2:"), run.out());
        for (String side : List.of("caller", "callee")) {
            JsonNode report = json.get(side);
            assertEquals(1, report.get("schemaVersion").asInt(), run.out());
            assertEquals(side, report.get("role").asText(), run.out());
            assertEquals("completed", report.get("outcome").asText(), run.out());
            assertEquals("traversal", report.get("traversal").get("mode").asText(), run.out());
            assertTrue(report.get("traversal").get("settledMillis").isNumber(), run.out());
            assertTrue(report.get("media").get("rtpSent").asLong() > 0, run.out());
            assertTrue(report.get("media").get("rtpReceived").asLong() > 0, run.out());
        }
        assertEquals(json.get("caller").get("callId"), json.get("callee").get("callId"));
        assertEquals("sip:bob@" + LoopbackDemo.DOMAIN, json.get("callee").get("to").asText());

        // every thread the demo started ends (bounded join, no sleep)
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && PROCESS_WIDE.stream().noneMatch(t.getName()::startsWith)) {
                t.join(5000);
                assertTrue(!t.isAlive(), "thread left running: " + t.getName() + " daemon=" + t.isDaemon());
            }
        }
    }

    @Test
    void textDemoPrintsEachSidesOutcomeTraversalAndPackets() {
        Run run = demo("--duration", "1");

        assertEquals(0, run.exit(), run.err() + run.out());
        String out = run.out().strip();
        assertTrue(out.contains("caller sip:alice@" + LoopbackDemo.DOMAIN + " -> sip:bob@" + LoopbackDemo.DOMAIN
                + ": completed"), out);
        assertTrue(out.contains("callee sip:alice@"), out);
        assertTrue(out.contains("traversal: mode traversal, NAT here OPEN"), out);
        assertTrue(out.contains("path settled ") && !out.contains("path settled never"), out);
        assertTrue(out.matches("(?s).*packets: RTP sent [1-9]\\d*, received [1-9]\\d*.*"), out);
        assertTrue(out.endsWith("media flowed both ways on both sides"), out);
        assertTrue(run.err().contains("registrar and proxy sip:127.0.0.1:"), run.err());
    }

    @Test
    void durationOutOfRangeIsAUsageError() {
        Run run = demo("--duration", "0");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--duration must be 1..60"), run.err());
    }
}
