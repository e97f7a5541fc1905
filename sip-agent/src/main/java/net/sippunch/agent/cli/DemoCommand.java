package net.sippunch.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.sip.SipException;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.media.MediaCounters;
import net.sippunch.agent.media.TraversalSummary;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.netty.EmulatedNatBox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sip-agent demo}: the embedded default, everything in one JVM on loopback (see {@link LoopbackDemo}):
 * two discovery server addresses, the in-process registrar and proxy, alice and bob each behind an emulated NAT
 * (symmetric sequential and port-restricted cone unless {@code --nat-a} / {@code --nat-b} say otherwise),
 * alice calls bob in NAT traversal mode. Prints both sides' call reports and what each NAT did; exit 0 when
 * media flowed both ways, 1 otherwise, 2 on a usage error.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Runs the embedded default on loopback, no root needed: discovery servers on 127.0.0.1 and "
                + "127.0.0.2, a registrar and record-routing proxy, and two agents in NAT traversal mode, alice "
                + "behind an emulated NAT with public address 127.0.0.11 and bob behind one with 127.0.0.12 "
                + "(the simulator's NAT model on real UDP sockets; SIP goes straight to the proxy). Alice calls "
                + "bob with a tone each way; both call reports are printed: the NAT types each side discovered, "
                + "the strategy, and whether the path runs directly through both NATs.",
                "NAT types (--nat-a, --nat-b): open (no NAT), full-cone, restricted-cone, port-restricted-cone, "
                        + "symmetric-sequential, symmetric-second-priority, symmetric-random; the NAT lab's "
                        + "port-restricted and address-restricted, and the upper-case names of the reports, are "
                        + "taken too.",
                "Exit status: 0 when RTP flowed both ways on both sides, 1 otherwise (a pair the method cannot "
                        + "traverse, such as symmetric-random with symmetric-sequential, gives up), 2 on a usage "
                        + "error."})
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The NAT types the options take: the presets' names in lower case with hyphens. */
    static final class NatTypes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(NatPreset.values()).map(DemoCommand::optionName).iterator();
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object with both call reports instead of text")
    boolean json;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "3",
            description = "length of the call in seconds, 1..60 (default: ${DEFAULT-VALUE})")
    int durationSeconds;

    @Option(names = "--nat-a", paramLabel = "TYPE", defaultValue = "symmetric-sequential", completionCandidates =
            NatTypes.class, description = "the NAT alice (the caller) sits behind (default: ${DEFAULT-VALUE}); "
            + "open: none")
    String natA;

    @Option(names = "--nat-b", paramLabel = "TYPE", defaultValue = "port-restricted-cone", completionCandidates =
            NatTypes.class, description = "the NAT bob (the callee) sits behind (default: ${DEFAULT-VALUE}); "
            + "open: none")
    String natB;

    @Option(names = "--encryption", paramLabel = "MODE", defaultValue = "dtls-srtp",
            description = "the media encryption both agents require: dtls-srtp, sdes or none "
                    + "(default: ${DEFAULT-VALUE})")
    String encryption;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (durationSeconds < 1 || durationSeconds > 60) {
            err.println("demo: --duration must be 1..60 seconds, is " + durationSeconds);
            return 2;
        }
        Optional<NatPreset> a = preset(natA);
        Optional<NatPreset> b = preset(natB);
        if (a.isEmpty() || b.isEmpty()) {
            err.println("demo: unknown NAT type '" + (a.isEmpty() ? natA : natB) + "' for "
                    + (a.isEmpty() ? "--nat-a" : "--nat-b") + "; one of: " + String.join(", ", new NatTypes()));
            return 2;
        }
        if (!List.of("dtls-srtp", "sdes", "none").contains(encryption)) {
            err.println("demo: --encryption must be dtls-srtp, sdes or none, is '" + encryption + "'");
            return 2;
        }
        LoopbackDemo.Result result;
        try {
            result = LoopbackDemo.run(Duration.ofSeconds(durationSeconds), a.get(), b.get(), err, null, null,
                    encryption.equals("none") ? null : encryption);
        } catch (SipException | IOException | ExecutionException | TimeoutException | UncheckedIOException
                 | IllegalArgumentException e) {
            err.println("demo: " + (e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e));
            return 1;
        }
        out.println(json ? toJson(result) : toText(result));
        out.flush();
        return result.mediaBothWays() ? 0 : 1;
    }

    /** A preset's name as the options take it: {@code SYMMETRIC_SEQUENTIAL} is {@code symmetric-sequential}. */
    static String optionName(NatPreset preset) {
        return preset.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The preset a NAT type names: its option name or enum name in any case, or the NAT lab's names
     * {@code port-restricted} and {@code address-restricted}.
     */
    static Optional<NatPreset> preset(String type) {
        String name = type.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        return switch (name) {
            case "PORT_RESTRICTED" -> Optional.of(NatPreset.PORT_RESTRICTED_CONE);
            case "ADDRESS_RESTRICTED" -> Optional.of(NatPreset.RESTRICTED_CONE);
            default -> Arrays.stream(NatPreset.values()).filter(p -> p.name().equals(name)).findFirst();
        };
    }

    static String toJson(LoopbackDemo.Result r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", CallReport.SCHEMA_VERSION);
        root.put("mediaBothWays", r.mediaBothWays());
        root.putArray("discoveryServers").addAll(r.discoveryServers().stream()
                .map(a -> JSON.getNodeFactory().textNode(a.getAddress().getHostAddress() + ":" + a.getPort()))
                .toList());
        root.put("proxy", r.proxy());
        root.put("signalling", "direct to the proxy, not through the NATs");
        ObjectNode nats = root.putObject("nats");
        site(nats.putObject("a"), r.siteA(), r.caller());
        site(nats.putObject("b"), r.siteB(), r.callee());
        root.put("directThroughBothNats", r.directThroughBothNats());
        root.set("caller", JSON.readTree(r.caller().toJson()));
        root.set("callee", r.callee() == null ? JSON.nullNode() : JSON.readTree(r.callee().toJson()));
        return JSON.writeValueAsString(root);
    }

    /** One site in the JSON: the NAT emulated, its addresses, what its agent discovered, what the box did. */
    private static void site(ObjectNode node, LoopbackDemo.Site site, CallReport report) {
        node.put("user", site.user());
        node.put("emulated", site.nat().name());
        node.put("publicAddress", site.publicAddress());
        node.put("hostAddress", site.hostAddress());
        String discovered = discovered(report);
        if (discovered == null) {
            node.putNull("discovered");
        } else {
            node.put("discovered", discovered);
        }
        EmulatedNatBox.Stats s = site.stats();
        if (s == null) {
            node.putNull("box");
            return;
        }
        ObjectNode box = node.putObject("box");
        box.put("mappings", s.mappings());
        box.put("outbound", s.outbound());
        box.put("inbound", s.inbound());
        box.put("filtered", s.filtered());
        box.put("unmapped", s.unmapped());
        box.put("dropped", s.dropped());
    }

    /** The NAT type the side's own discovery found, or null. */
    private static String discovered(CallReport report) {
        if (report == null || report.traversal() == null || report.traversal().localProfile() == null) {
            return null;
        }
        return report.traversal().localProfile().path("type").asText(null);
    }

    static String toText(LoopbackDemo.Result r) {
        StringBuilder b = new StringBuilder();
        siteLine(b, r.siteA(), r.caller());
        siteLine(b, r.siteB(), r.callee());
        report(b, "caller", r.caller());
        if (r.callee() != null) {
            report(b, "callee", r.callee());
        } else {
            b.append("callee: no call arrived\n");
        }
        if (r.directThroughBothNats()) {
            b.append("path: direct through both NATs: alice sends to ").append(r.caller().remoteMedia())
                    .append(" (site b), bob to ").append(r.callee().remoteMedia()).append(" (site a)\n");
        } else {
            b.append("path: NOT direct through both NATs\n");
        }
        b.append(r.mediaBothWays() ? "media flowed both ways on both sides\n" : "media did NOT flow both ways\n");
        return b.toString().stripTrailing();
    }

    private static void siteLine(StringBuilder b, LoopbackDemo.Site site, CallReport report) {
        b.append("site ").append(site.name()).append(": ").append(site.user()).append(" on ").append(site.hostAddress());
        if (site.stats() == null) {
            b.append(", no NAT (OPEN)");
        } else {
            EmulatedNatBox.Stats s = site.stats();
            b.append(" behind an emulated ").append(site.nat()).append(" NAT at ").append(site.publicAddress())
                    .append(" (").append(s.mappings()).append(" mappings, ").append(s.outbound()).append(" datagrams out, ")
                    .append(s.inbound()).append(" in, ").append(s.filtered()).append(" filtered)");
        }
        String discovered = discovered(report);
        b.append("; discovered ").append(discovered == null ? "nothing" : discovered).append('\n');
    }

    private static void report(StringBuilder b, String role, CallReport c) {
        b.append(role).append(' ').append(c.from()).append(" -> ").append(c.to()).append(": ").append(c.outcome());
        if (c.reason() != null) {
            b.append(" (").append(c.reason()).append(')');
        }
        b.append('\n');
        if (c.codec() != null) {
            b.append("  media ").append(c.codec()).append(' ').append(c.localMedia()).append(" <-> ")
                    .append(c.remoteMedia()).append(", encryption ").append(c.encryption()).append('\n');
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
            TraversalSummary.Relay r = t.relay();
            if (r != null) {
                b.append("  relay (").append(r.role()).append(") ").append(r.relayedAddress() == null ? "-"
                        : r.relayedAddress()).append(r.server() == null ? "" : " on " + r.server())
                        .append(r.relayed() ? ": media relayed from " + r.sinceMillis() + " ms" : ": not used")
                        .append(r.failure() == null ? "" : ", " + r.failure())
                        .append(r.passedOver().isEmpty() ? "" : "; passed over " + String.join(", ", r.passedOver()))
                        .append('\n');
            }
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
