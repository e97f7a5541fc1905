package net.sippunch.traversal.nat.emulated;

/** RFC 4787 section 5: which inbound datagrams a live mapping lets through. */
public enum Filtering {
    /** Anyone may send to a mapped port. */
    ENDPOINT_INDEPENDENT,
    /** Only IPs the internal endpoint has sent to through this port. */
    ADDRESS_DEPENDENT,
    /** Only IP and port pairs the internal endpoint has sent to through this port. */
    ADDRESS_AND_PORT_DEPENDENT
}
