package net.sippunch.agent.media;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The NAT traversal part of a call's report: both sides' NAT profiles, the strategy chosen, probes
 * sent, the time from the answer to a settled path, and the UPnP step (the mapped tuple or why there is
 * none, and what was deleted at call end; null when the step is off). Plain mode fills only {@code mode}.
 */
public record TraversalSummary(String mode, JsonNode localProfile, JsonNode remoteProfile, String strategy,
                               Long probesSent, Long settledMillis, String reason, MediaPortMapping.Report upnp) {

    /** The summary of plain mode: standard SDP, symmetric RTP, nothing discovered. */
    public static TraversalSummary plain() {
        return new TraversalSummary("plain", null, null, null, null, null, null, null);
    }
}
