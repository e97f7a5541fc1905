package net.sippunch.traversal.sim;

/** Why the virtual network did not deliver a datagram. */
public enum Drop {
    /** Lost on a link (its loss probability). */
    LOST,
    /** No node has the destination address (a neighbour's random destinations end here). */
    NO_ROUTE,
    /** The destination host has no session on that port. */
    NO_LISTENER,
    /** A NAT's filter refused an inbound datagram. */
    FILTERED,
    /** Inbound to a NAT port that no live mapping holds. */
    UNMAPPED,
    /** A NAT found no free external port for a new mapping. */
    PORT_EXHAUSTED,
    /** Sent from inside to the NAT's own public address, and the NAT does not hairpin. */
    HAIRPIN_OFF,
    /** A session sent from a local port another session of the same host owns. */
    BIND_CONFLICT
}
