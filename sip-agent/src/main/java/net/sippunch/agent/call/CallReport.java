package net.sippunch.agent.call;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.InetSocketAddress;
import net.sippunch.agent.media.MediaCounters;
import net.sippunch.agent.media.MediaPath;
import net.sippunch.agent.media.TraversalSummary;

/**
 * What one call did, written as JSON: who, when, what media flowed, and why it ended. Times are epoch
 * milliseconds; null means "did not happen".
 *
 * @param outcome   completed (answered and ended normally), refused (by our policy), rejected (by the
 *                  peer: 3xx-6xx), cancelled, or failed (timeouts, bad SDP, transport errors)
 * @param sipStatus the final status of the INVITE (200 when answered), or null when there was none
 * @param reason    the status line or the event that ended the call
 * @param encryption what protected the media: {@code srtp <suite> (sdes)} or {@code srtp <suite> (dtls-srtp)}, or
 *                  {@code none (<why>)}: not configured, the peer offered or answered no {@code a=crypto} or
 *                  {@code a=fingerprint}, the DTLS handshake failed; null when the call never got to its media
 *                  negotiation
 * @param traversal the NAT traversal part: profiles, strategy, probes (null fields in plain mode)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"schemaVersion"})
public record CallReport(String callId, String role, String from, String to, String outcome, Integer sipStatus,
                         String reason, Timings timings, String codec, String encryption, String localMedia,
                         String remoteMedia, MediaCounters media, TraversalSummary traversal) {

    /**
     * The version of the report's JSON layout, its first field: raised when a field is renamed, removed or
     * changes meaning, so that a reader can refuse a layout it does not know; a new field does not raise it.
     */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The call's time line (epoch milliseconds), and the spans that matter to the people on the call.
     *
     * @param invite          INVITE sent (caller) or received (callee)
     * @param provisional     first provisional response above 100 received (caller), or 180 Ringing sent (callee
     *                        in traversal mode; null in plain mode, which answers at once)
     * @param answered        200 OK received (caller) or sent (callee)
     * @param firstTwoWayRtp  the first RTP received at or after our own first RTP was sent: from then on the call
     *                        carried voice both ways
     * @param dialled         true on the caller's report (we sent the INVITE); not written, the report's
     *                        {@code role} says it
     */
    public record Timings(Long invite, Long provisional, Long answered, Long ack, Long firstRtpSent,
                          Long firstRtpReceived, Long firstTwoWayRtp, Long ended,
                          @JsonIgnore boolean dialled) {

        /** Milliseconds from INVITE to 200 OK, or null. */
        @JsonProperty
        public Long setupMillis() {
            return invite != null && answered != null ? answered - invite : null;
        }

        /** Milliseconds from 200 OK until RTP had gone both ways, or null. */
        @JsonProperty
        public Long mediaBothWaysMillis() {
            return answered != null && firstRtpSent != null && firstRtpReceived != null
                    ? Math.max(firstRtpSent, firstRtpReceived) - answered : null;
        }

        /**
         * Post-dial delay: milliseconds from the INVITE sent to the 200 OK received, what the person who dialled
         * waits for. Only on the caller's report: null on the callee's, which did not dial (its
         * {@link #setupMillis} runs from the INVITE received to the 200 OK sent), and null when no 200 OK came.
         */
        @JsonProperty
        public Long postDialDelayMillis() {
            return dialled && invite != null && answered != null ? answered - invite : null;
        }

        /**
         * Milliseconds from the 200 OK (received by the caller, sent by the callee) to the first RTP received
         * after our own first RTP was sent: when the person on this side could first hear the other while being
         * heard. Null when that never happened (no answer, no media path, or media one way only).
         */
        @JsonProperty
        public Long firstTwoWayMediaMillis() {
            return answered != null && firstTwoWayRtp != null ? firstTwoWayRtp - answered : null;
        }
    }

    /** Assembles a report; the port and path may be null when the call never got that far. */
    static CallReport of(String callId, String role, String from, String to, String outcome, Integer status,
                         String reason, Timings timings, InetSocketAddress localMedia, MediaPath path,
                         MediaCounters counters, String encryption,
                         TraversalSummary summary) {
        return new CallReport(callId, role, from, to, outcome, status, reason, timings,
                path != null ? path.codec().name() : null, encryption,
                localMedia != null ? localMedia.getAddress().getHostAddress() + ":" + localMedia.getPort() : null,
                path != null ? path.remote().getAddress().getHostAddress() + ":" + path.remote().getPort() : null,
                counters, summary);
    }

    /** {@link #SCHEMA_VERSION}, written first. */
    @JsonProperty
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }

    /** True when the call was answered and RTP flowed both ways. */
    @JsonProperty
    public boolean mediaBothWays() {
        return media != null && media.bothWays();
    }

    /** The report as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report not serialisable", e);
        }
    }
}
