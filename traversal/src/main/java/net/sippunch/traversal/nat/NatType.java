package net.sippunch.traversal.nat;

/** The method's vocabulary for a NAT, derived from the RFC 4787 behaviours. */
public enum NatType {
    OPEN("open"),
    FULL_CONE("full cone"),
    RESTRICTED_CONE("restricted cone"),
    PORT_RESTRICTED_CONE("port-restricted cone"),
    /** Endpoint-independent mapping whose filtering could not be measured (no RFC 5780 server). */
    CONE_FILTERING_UNKNOWN("cone, filtering unknown"),
    SYMMETRIC_SECOND_PRIORITY("symmetric second-priority"),
    SYMMETRIC_SEQUENTIAL("symmetric sequential"),
    SYMMETRIC_RANDOM("symmetric random"),
    UNKNOWN("unknown");

    private final String label;

    NatType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** True for the types whose mapping does not depend on the destination. */
    public boolean endpointIndependentMapping() {
        return switch (this) {
            case OPEN, FULL_CONE, RESTRICTED_CONE, PORT_RESTRICTED_CONE, CONE_FILTERING_UNKNOWN -> true;
            default -> false;
        };
    }
}
