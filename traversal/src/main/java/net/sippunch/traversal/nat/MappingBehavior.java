package net.sippunch.traversal.nat;

/** RFC 4787 section 4.1 mapping behaviour. */
public enum MappingBehavior {
    /** No translation: the mapped address is the private address. */
    NO_NAT,
    ENDPOINT_INDEPENDENT,
    ADDRESS_DEPENDENT,
    ADDRESS_AND_PORT_DEPENDENT,
    /** Not enough samples to tell. */
    UNKNOWN
}
