package net.sippunch.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.sip.SipException;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.media.MediaCounters;
import net.sippunch.agent.media.TraversalSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sip-agent demo}: the embedded default, everything in one JVM on loopback (see {@link LoopbackDemo}):
 * two discovery server addresses, the in-process registrar and proxy, alice calls bob in NAT traversal mode.
 * Prints both sides' call reports; exit 0 when media flowed both ways, 1 otherwise.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Runs the embedded default on loopback: discovery servers on 127.0.0.1 and 127.0.0.2, "
                + "a registrar and record-routing proxy, two agents (alice, bob) in NAT traversal mode; "
                + "alice calls bob with a tone each way and both call reports are printed.",
                "Exit status: 0 when RTP flowed both ways on both sides, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object with both call reports instead of text")
    boolean json;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "3",
            description = "length of the call in seconds, 1..60 (default: ${DEFAULT-VALUE})")
    int durationSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (durationSeconds < 1 || durationSeconds > 60) {
            err.println("demo: --duration must be 1..60 seconds, is " + durationSeconds);
            return 2;
        }
        LoopbackDemo.Result result;
        try {
            result = LoopbackDemo.run(Duration.ofSeconds(durationSeconds), err);
        } catch (SipException | IOException | ExecutionException | TimeoutException | UncheckedIOException
                 | IllegalArgumentException e) {
            err.println("demo: " + (e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e));
            return 1;
        }
        out.println(json ? toJson(result) : toText(result));
        out.flush();
        return result.mediaBothWays() ? 0 : 1;
    }

    static String toJson(LoopbackDemo.Result r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", CallReport.SCHEMA_VERSION);
        root.put("mediaBothWays", r.mediaBothWays());
        root.putArray("discoveryServers").addAll(r.discoveryServers().stream()
                .map(a -> JSON.getNodeFactory().textNode(a.getAddress().getHostAddress() + ":" + a.getPort()))
                .toList());
        root.put("proxy", r.proxy());
        root.set("caller", JSON.readTree(r.caller().toJson()));
        root.set("callee", r.callee() == null ? JSON.nullNode() : JSON.readTree(r.callee().toJson()));
        return JSON.writeValueAsString(root);
    }

    static String toText(LoopbackDemo.Result r) {
        StringBuilder b = new StringBuilder();
        report(b, "caller", r.caller());
        if (r.callee() != null) {
            report(b, "callee", r.callee());
        } else {
            b.append("callee: no call arrived\n");
        }
        b.append(r.mediaBothWays() ? "media flowed both ways on both sides\n" : "media did NOT flow both ways\n");
        return b.toString().stripTrailing();
    }

    private static void report(StringBuilder b, String role, CallReport c) {
        b.append(role).append(' ').append(c.from()).append(" -> ").append(c.to()).append(": ").append(c.outcome());
        if (c.reason() != null) {
            b.append(" (").append(c.reason()).append(')');
        }
        b.append('\n');
        if (c.codec() != null) {
            b.append("  media ").append(c.codec()).append(' ').append(c.localMedia()).append(" <-> ")
                    .append(c.remoteMedia()).append('\n');
        }
        TraversalSummary t = c.traversal();
        if (t != null) {
            b.append("  traversal: mode ").append(t.mode());
            if (t.localProfile() != null) {
                b.append(", NAT here ").append(t.localProfile().path("type").asText("?"));
            }
            if (t.remoteProfile() != null) {
                b.append(", NAT of the peer ").append(t.remoteProfile().path("type").asText("?"));
            }
            b.append('\n');
            b.append("  strategy ").append(t.strategy() == null ? "-" : t.strategy())
                    .append(", probes sent ").append(t.probesSent() == null ? "-" : t.probesSent())
                    .append(", path settled ")
                    .append(t.settledMillis() == null ? "never" : t.settledMillis() + " ms after the answer");
            if (t.reason() != null) {
                b.append(", ").append(t.reason());
            }
            b.append('\n');
        }
        Long bothWays = c.timings() == null ? null : c.timings().mediaBothWaysMillis();
        if (bothWays != null) {
            b.append("  RTP both ways ").append(bothWays).append(" ms after the answer\n");
        }
        MediaCounters m = c.media();
        if (m != null) {
            b.append("  packets: RTP sent ").append(m.rtpSent()).append(", received ").append(m.rtpReceived())
                    .append(", lost ").append(m.rtpLost()).append("; RTCP sent ").append(m.rtcpSent())
                    .append(", received ").append(m.rtcpReceived()).append('\n');
        }
    }
}
