/**
 * A TURN client over UDP (RFC 8656), sans-IO: {@link net.sippunch.traversal.turn.TurnClient} allocates a
 * relayed address with long-term credentials, keeps it, its permissions and its channels refreshed, and
 * relays data to and from peers by Send/Data indications or ChannelData. The relay is the last resort of
 * traversal: the lowest-priority candidate, for when no direct path exists.
 */
package net.sippunch.traversal.turn;
