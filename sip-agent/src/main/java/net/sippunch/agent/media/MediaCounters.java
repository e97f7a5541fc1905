package net.sippunch.agent.media;

/**
 * What an RTP session sent and received. Times are wall-clock epoch milliseconds (null: never).
 *
 * @param rtpDropped RTP from an address other than the negotiated peer's, and malformed datagrams
 * @param latches    how often the destination moved to the source of received RTP (symmetric RTP)
 */
public record MediaCounters(long rtpSent, long octetsSent, long rtpReceived, long rtpLost, long jitter,
                            long rtcpSent, long rtcpReceived, long rtpDropped, long latches,
                            Long firstRtpSentMillis, Long firstRtpReceivedMillis, String remote) {

    /** True when RTP went out and came in. */
    public boolean bothWays() {
        return rtpSent > 0 && rtpReceived > 0;
    }
}
