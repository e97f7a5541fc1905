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
                               MediaPortMapping.Report upnp, Relay relay) {

    /**
     * The TURN relay of a call whose punch gave up or found no direct path in time (docs/turn.md): null when no
     * relay was wanted or offered.
     *
     * @param role           {@code allocated} (this side allocated and signalled the relayed address, the
     *                       caller) or {@code checked} (this side checked the peer's, the callee)
     * @param server         the TURN server that carried the call, or the last one asked ({@code allocated} only)
     * @param passedOver     the servers of {@code turn.servers} passed over before it (no relayed address within
     *                       {@code turn.timeoutMillis}, or refused), each {@code host:port: why}; empty when none
     *                       was
     * @param relayedAddress the relayed address signalled
     * @param peer           the peer as the server saw its first authenticated check ({@code allocated} only)
     * @param readyMillis    from allocating (the punch's give-up, or {@code turn.afterMillis} without a direct
     *                       path) to the relayed address being ready ({@code allocated})
     * @param sinceMillis    when media started through the relay: from allocating to the peer's first
     *                       authenticated check ({@code allocated}), from the re-offer to the answered check
     *                       ({@code checked}); null when it did not
     * @param relayed        true when media went through the relay
     * @param packetsSent    datagrams the relay carried to the peer ({@code allocated})
     * @param packetsReceived datagrams the relay carried from the peer ({@code allocated})
     * @param packetsDropped  datagrams the relay's side dropped: media before a check proved the peer, data that
     *                        was neither an authenticated check nor the proven peer's media ({@code allocated})
     * @param failure        why the relay was wanted but did not carry the call, or null
     * @param wanted         why the relay was allocated: the punch's give-up reason, or no direct path within
     *                       {@code turn.afterMillis} ({@code allocated} only)
     * @param directAfterMillis how long media went through the relay before a direct path the punch settled later
     *                       took over; null when none did
     */
    public record Relay(String role, String server, List<String> passedOver, String relayedAddress, String peer,
                        Long readyMillis, Long sinceMillis, boolean relayed, long packetsSent, long packetsReceived,
                        long packetsDropped, String failure, String wanted, Long directAfterMillis) {
        public Relay {
            passedOver = List.copyOf(passedOver);
        }
    }


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
        return new TraversalSummary("plain", null, null, null, null, null, null, null, null, null);
    }
}
