package net.sippunch.traversal.punch;

import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;

/** What matters about a NAT for punching: can the external port of a new flow be known in advance? */
public enum MappingClass {
    /** Endpoint-independent mapping (or no NAT): every flow leaves from the reported port. */
    FIXED,
    /** A new external port per flow, taken one stride after the previous one (sequential, second-priority). */
    SEQUENTIAL,
    /** A new external port per flow with no usable pattern. */
    RANDOM;

    /** The class of a profile; an unknown NAT is treated as fixed, the cheapest guess to try. */
    public static MappingClass of(NatProfile profile) {
        return switch (profile.type()) {
            case SYMMETRIC_SEQUENTIAL, SYMMETRIC_SECOND_PRIORITY -> SEQUENTIAL;
            case SYMMETRIC_RANDOM -> RANDOM;
            default -> FIXED;
        };
    }

    /**
     * True when a packet from any port of the peer's address reaches this side once this side has sent
     * anything to that address: no NAT, full cone, restricted cone (endpoint- or address-dependent filtering).
     */
    public static boolean admitsAnyPort(NatProfile profile) {
        if (profile.type() == NatType.OPEN || profile.type() == NatType.FULL_CONE
                || profile.type() == NatType.RESTRICTED_CONE) {
            return true;
        }
        return profile.type().endpointIndependentMapping()
                && (profile.filtering() == FilteringBehavior.ENDPOINT_INDEPENDENT
                    || profile.filtering() == FilteringBehavior.ADDRESS_DEPENDENT);
    }
}
