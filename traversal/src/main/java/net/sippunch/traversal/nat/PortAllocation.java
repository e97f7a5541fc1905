package net.sippunch.traversal.nat;

/** How the NAT picks the external port of a new mapping. */
public enum PortAllocation {
    /** The external port equals the private port. */
    PRESERVING,
    /** Each new mapping takes the previous port plus a fixed step (the delta). */
    SEQUENTIAL,
    /** The first mapping keeps the private port; later ones are sequential. */
    SECOND_PRIORITY,
    /** No usable pattern between successive mappings. */
    RANDOM,
    /** One mapping for every destination, so allocation was not observable; or too few samples. */
    UNKNOWN
}
