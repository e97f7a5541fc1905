package net.sippunch.traversal.nat.emulated;

/** RFC 4787 section 4.1: what decides whether an outbound datagram reuses an existing mapping. */
public enum Mapping {
    /** One mapping per internal address and port, whatever the destination. */
    ENDPOINT_INDEPENDENT,
    /** One mapping per internal address and port and destination IP. */
    ADDRESS_DEPENDENT,
    /** One mapping per internal address and port and destination IP and port. */
    ADDRESS_AND_PORT_DEPENDENT
}
