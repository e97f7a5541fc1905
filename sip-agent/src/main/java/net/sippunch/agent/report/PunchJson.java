package net.sippunch.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchPlan;
import net.sippunch.traversal.punch.PunchStats;

/** Renders the result of one side's punch as one JSON object or one line of text. */
public final class PunchJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PunchJson() {
    }

    /**
     * The result of a punch that ran: {@code ok}, {@code strategy}, {@code settledPath}, {@code elapsedMs},
     * {@code probesSent}, {@code reason} (null when ok), both sides' {@code natType}, and details.
     */
    public static Map<String, Object> outcome(String role, PunchEvent event, NatProfile own, NatProfile peer,
                                              long discoveryMs, int mediaPort, int extraSockets) {
        Map<String, Object> out = new LinkedHashMap<>();
        PunchPlan plan;
        PunchStats stats;
        long elapsed;
        if (event instanceof PunchEvent.Settled s) {
            out.put("ok", true);
            plan = s.plan();
            stats = s.stats();
            elapsed = s.elapsedNanos();
            out.put("strategy", plan.strategy().name());
            out.put("settledPath", path(s.path()));
            out.put("elapsedMs", elapsed / 1e6);
            out.put("probesSent", stats.probesSent());
            out.put("reason", null);
            out.put("how", s.how());
        } else if (event instanceof PunchEvent.GaveUp g) {
            out.put("ok", false);
            plan = g.plan();
            stats = g.stats();
            elapsed = g.elapsedNanos();
            out.put("strategy", plan.strategy().name());
            out.put("settledPath", null);
            out.put("elapsedMs", elapsed / 1e6);
            out.put("probesSent", stats.probesSent());
            out.put("reason", g.reason());
            out.put("fallback", g.fallback().map(PunchJson::path).orElse(null));
        } else {
            throw new IllegalArgumentException("not an outcome: " + event);
        }
        out.put("natType", own.type().name());
        out.put("peerNatType", peer.type().name());
        out.put("role", role);
        out.put("plan", plan.explanation());
        out.put("shotgunProbes", stats.shotgunProbes());
        out.put("probesReceived", stats.probesReceived());
        out.put("acknowledgementsReceived", stats.acknowledgementsReceived());
        out.put("dropped", stats.dropped());
        out.put("discoveryMs", discoveryMs);
        out.put("mediaPort", mediaPort);
        out.put("extraSockets", extraSockets);
        out.put("mapped", own.lastMapping().map(m -> ProfileJson.address(m.mapped())).orElse(null));
        out.put("delta", own.delta());
        out.put("peerMapped", peer.lastMapping().map(m -> ProfileJson.address(m.mapped())).orElse(null));
        return out;
    }

    /** The result when discovery gave no profile, so nothing was offered. */
    public static Map<String, Object> discoveryFailed(String role, String reason, long discoveryMs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", false);
        out.put("strategy", null);
        out.put("settledPath", null);
        out.put("elapsedMs", 0.0);
        out.put("probesSent", 0);
        out.put("reason", "discovery failed: " + reason);
        out.put("natType", null);
        out.put("peerNatType", null);
        out.put("role", role);
        out.put("discoveryMs", discoveryMs);
        return out;
    }

    public static String toJson(Map<String, Object> result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers must serialise", e);
        }
    }

    /** One line for people: what settled (or why not), how fast, with how many probes. */
    public static String toText(Map<String, Object> result) {
        String nat = result.get("natType") + " -> " + result.get("peerNatType");
        if (Boolean.TRUE.equals(result.get("ok"))) {
            return String.format("settled %s by %s in %.1f ms, %s probes (%s)", result.get("settledPath"),
                    result.get("strategy"), (Double) result.get("elapsedMs"), result.get("probesSent"), nat);
        }
        return "gave up after " + String.format("%.1f", (Double) result.get("elapsedMs")) + " ms: "
                + result.get("reason") + " (" + nat + ")";
    }

    private static String path(PunchPath path) {
        return ":" + path.localPort() + " -> " + ProfileJson.address(path.remote());
    }
}
