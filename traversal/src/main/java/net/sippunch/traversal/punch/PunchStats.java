package net.sippunch.traversal.punch;

/**
 * What a session has sent and received so far.
 *
 * @param probesSent          probes sent, all kinds
 * @param shotgunProbes       of those, probes to new targets of the shotgun (sweep, spray, fan)
 * @param acknowledgementsSent acknowledgements sent
 * @param probesReceived      authenticated probes received
 * @param acknowledgementsReceived authenticated acknowledgements that matched a probe of ours
 * @param dropped             STUN datagrams dropped: malformed, unauthenticated, unmatched or unexpected
 */
public record PunchStats(long probesSent, long shotgunProbes, long acknowledgementsSent, long probesReceived,
                         long acknowledgementsReceived, long dropped) {
}
