package net.sippunch.agent.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The NAT traversal part of a call's report: how discovery went, both sides' NAT profiles, the strategy
 * chosen, probes sent, the time from the answer to a settled path, and the UPnP step (the mapped tuple or why
 * there is none, and what was deleted at call end; null when the step is off). Plain mode fills only
 * {@code mode}.
 *
 * @param discovery this side's discovery run, null when none ran to its end
 */
public record TraversalSummary(String mode, Discovery discovery, JsonNode localProfile, JsonNode remoteProfile,
                               String strategy, Long probesSent, Long settledMillis, String reason,
                               MediaPortMapping.Report upnp) {

    /**
     * One discovery run from the call's media port.
     *
     * @param unanswered the addresses asked that never answered within the cap (configured servers, and the
     *                   alternate addresses an RFC 5780 server named), {@code host:port}; empty when all did
     * @param millis     how long discovery took
     * @param fromKnowledge true when it started from what the agent had learned of its NAT before the call
     *                   (no filtering tests, every server asked at once: one round trip); false for a whole run
     */
    public record Discovery(List<String> unanswered, long millis, boolean fromKnowledge) {
        public Discovery {
            unanswered = List.copyOf(unanswered);
        }
    }

    /** The summary of plain mode: standard SDP, symmetric RTP, nothing discovered. */
    public static TraversalSummary plain() {
        return new TraversalSummary("plain", null, null, null, null, null, null, null, null);
    }
}
