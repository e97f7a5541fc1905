package net.sippunch.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;

/** Renders discovery outcomes as JSON (one object) and as text for people. */
public final class ProfileJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProfileJson() {
    }

    public static String toJson(DiscoveryOutcome outcome) {
        try {
            return MAPPER.writeValueAsString(toMap(outcome));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers must serialise", e);
        }
    }

    /** The outcome as ordered maps and lists, ready for any JSON writer (also used inside call reports). */
    public static Map<String, Object> toMap(DiscoveryOutcome outcome) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (outcome instanceof DiscoveryOutcome.Profiled p) {
            out.put("ok", true);
            out.putAll(profile(p.profile()));
        } else {
            out.put("ok", false);
            out.put("reason", ((DiscoveryOutcome.Failed) outcome).reason());
        }
        out.put("silentServers", outcome.silentServers().stream().map(ProfileJson::address).toList());
        return out;
    }

    public static Map<String, Object> profile(NatProfile profile) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", profile.type().name());
        out.put("typeLabel", profile.type().label());
        out.put("mapping", profile.mapping().name());
        out.put("filtering", profile.filtering().name());
        out.put("allocation", profile.allocation().name());
        out.put("privateTuple", address(profile.privateTuple()));
        out.put("delta", profile.delta());
        out.put("deltas", profile.deltas());
        long origin = profile.firstMapping().map(MappedTuple::atNanos).orElse(0L);
        List<Map<String, Object>> samples = new ArrayList<>();
        for (MappedTuple s : profile.samples()) {
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("server", address(s.server()));
            sample.put("mapped", address(s.mapped()));
            sample.put("atMs", (s.atNanos() - origin) / 1_000_000.0);
            samples.add(sample);
        }
        out.put("samples", samples);
        return out;
    }

    public static String toText(DiscoveryOutcome outcome) {
        StringBuilder sb = new StringBuilder();
        if (outcome instanceof DiscoveryOutcome.Profiled p) {
            NatProfile profile = p.profile();
            sb.append("NAT type:      ").append(profile.type().label()).append('\n');
            sb.append("mapping:       ").append(profile.mapping()).append('\n');
            sb.append("filtering:     ").append(profile.filtering()).append('\n');
            sb.append("allocation:    ").append(profile.allocation()).append('\n');
            sb.append("private tuple: ").append(address(profile.privateTuple())).append('\n');
            for (MappedTuple s : profile.samples()) {
                sb.append("mapped:        ").append(address(s.mapped())).append("  via ")
                        .append(address(s.server())).append('\n');
            }
            sb.append("delta:         ").append(profile.delta()).append("  (all: ").append(profile.deltas()).append(')');
        } else {
            sb.append("no profile: ").append(((DiscoveryOutcome.Failed) outcome).reason());
        }
        if (!outcome.silentServers().isEmpty()) {
            sb.append("\nsilent:        ").append(outcome.silentServers().stream().map(ProfileJson::address).toList());
        }
        return sb.toString();
    }

    /** {@code ip:port}, an IPv6 address in brackets. */
    public static String address(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
