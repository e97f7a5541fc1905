package net.sippunch.traversal.nat;

/** RFC 4787 section 5 filtering behaviour; {@link #UNKNOWN} unless an RFC 5780 server was available. */
public enum FilteringBehavior {
    ENDPOINT_INDEPENDENT,
    ADDRESS_DEPENDENT,
    ADDRESS_AND_PORT_DEPENDENT,
    UNKNOWN
}
