package net.sippunch.sdp;

import java.util.Objects;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;

/**
 * The NAT classification carried in {@code a=punch-nat}, in both vocabularies: the method's
 * {@link NatType} and the RFC 4787 behaviours.
 *
 * @param type       the method's classification
 * @param mapping    RFC 4787 mapping behaviour
 * @param filtering  RFC 4787 filtering behaviour
 * @param allocation how new external ports are picked
 */
public record NatClassification(NatType type,
                                MappingBehavior mapping,
                                FilteringBehavior filtering,
                                PortAllocation allocation) {

    /** Nothing known. */
    public static final NatClassification UNKNOWN = new NatClassification(
            NatType.UNKNOWN, MappingBehavior.UNKNOWN, FilteringBehavior.UNKNOWN, PortAllocation.UNKNOWN);

    /** Checks that no component is null. */

    public NatClassification {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(filtering, "filtering");
        Objects.requireNonNull(allocation, "allocation");
    }

    /** The classification discovery wrote into a profile. */
    public static NatClassification of(NatProfile profile) {
        return new NatClassification(profile.type(), profile.mapping(), profile.filtering(), profile.allocation());
    }

    /**
     * The SDP token of an enum constant: lower case with '-' for '_', e.g.
     * {@code SYMMETRIC_SEQUENTIAL} is {@code symmetric-sequential}.
     */
    public static String token(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The constant whose {@link #token(Enum)} is {@code token}, or {@code null}. */
    static <E extends Enum<E>> E fromToken(Class<E> type, String token) {
        for (E e : type.getEnumConstants()) {
            if (token(e).equals(token)) {
                return e;
            }
        }
        return null;
    }
}
