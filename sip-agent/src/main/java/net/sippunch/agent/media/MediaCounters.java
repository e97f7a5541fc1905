package net.sippunch.agent.media;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an RTP session sent and received. Times are wall-clock epoch milliseconds (null: never).
 *
 * @param jitter       interarrival jitter of received RTP, timestamp units (RFC 3550)
 * @param maxGapMillis the longest interval between two successive received RTP packets, milliseconds (0 with
 *                     fewer than two); silence after the last one is not in it
 * @param rtpDropped   RTP from an address other than the negotiated peer's, and malformed datagrams
 * @param latches      how often the destination moved to the source of received RTP (symmetric RTP)
 * @param firstTwoWayRtpMillis the first RTP received at or after our own first RTP was sent
 * @param srtpDropped  SRTP and SRTCP packets dropped by reason ({@code AUTH_FAILED}, {@code REPLAYED}...), received
 *                     from the peer's address or refused on sending; empty without SRTP or without drops
 */
public record MediaCounters(long rtpSent, long octetsSent, long rtpReceived, long rtpLost, long jitter,
                            long maxGapMillis,
                            long rtcpSent, long rtcpReceived, long rtpDropped, long latches,
                            Long firstRtpSentMillis, Long firstRtpReceivedMillis, Long firstTwoWayRtpMillis,
                            String remote, Map<String, Long> srtpDropped) {

    public MediaCounters {
        srtpDropped = srtpDropped == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(srtpDropped));
    }

    /** True when RTP went out and came in. */
    public boolean bothWays() {
        return rtpSent > 0 && rtpReceived > 0;
    }
}
