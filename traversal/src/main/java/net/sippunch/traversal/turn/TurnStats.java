package net.sippunch.traversal.turn;

/**
 * Counters of a {@link TurnClient}.
 *
 * @param requests          requests sent (first transmissions)
 * @param retransmissions   requests sent again for want of an answer
 * @param staleNonces       438 (stale nonce) answers, each followed by the request with the new nonce
 * @param malformed         datagrams from the server that were neither STUN nor ChannelData, or broke the rules
 *                          of the message they claimed to be
 * @param unauthenticated   responses whose MESSAGE-INTEGRITY was missing or wrong, dropped
 * @param unmatched         responses to no pending transaction (late answers to retransmissions), dropped
 * @param unpermitted       data from peers without a permission or on an unknown channel, dropped
 * @param refusedSends      sends refused because no permission for the peer was installed yet
 * @param ignored           datagrams not from the server or not on the local port, left to the caller
 * @param dataSent          datagrams relayed to peers
 * @param dataReceived      datagrams relayed from peers
 */
public record TurnStats(long requests, long retransmissions, long staleNonces, long malformed, long unauthenticated, long unmatched,
                        long unpermitted, long refusedSends, long ignored, long dataSent, long dataReceived) {
}
