package net.sippunch.traversal.nat.emulated;

import java.util.Optional;
import net.sippunch.traversal.nat.NatType;

/**
 * The method's NAT names as emulated NATs. Symmetric presets map and filter per destination address
 * and port; their sequences start at {@link #SEQUENCE_BASE}. {@link #OPEN} is no NAT at all: the host
 * has a public address.
 */
public enum NatPreset {
    OPEN(NatType.OPEN),
    FULL_CONE(NatType.FULL_CONE),
    RESTRICTED_CONE(NatType.RESTRICTED_CONE),
    PORT_RESTRICTED_CONE(NatType.PORT_RESTRICTED_CONE),
    SYMMETRIC_SEQUENTIAL(NatType.SYMMETRIC_SEQUENTIAL),
    SYMMETRIC_SECOND_PRIORITY(NatType.SYMMETRIC_SECOND_PRIORITY),
    SYMMETRIC_RANDOM(NatType.SYMMETRIC_RANDOM);

    /** First port of the sequential presets' sequences. */
    public static final int SEQUENCE_BASE = 40000;

    private final NatType type;

    NatPreset(NatType type) {
        this.type = type;
    }

    /** What {@code NatClassifier} should call a NAT built from this preset. */
    public NatType expectedType() {
        return type;
    }

    /** The NAT with a sequence step of 1 (where the preset has a sequence); empty for {@link #OPEN}. */
    public Optional<NatBehavior> behavior() {
        return behavior(1);
    }

    /**
     * The NAT, with sequence step {@code delta} for the sequential and second-priority presets (ignored by
     * the others); empty for {@link #OPEN}.
     */
    public Optional<NatBehavior> behavior(int delta) {
        Mapping eim = Mapping.ENDPOINT_INDEPENDENT;
        Mapping apdm = Mapping.ADDRESS_AND_PORT_DEPENDENT;
        Filtering apdf = Filtering.ADDRESS_AND_PORT_DEPENDENT;
        Allocation preserving = new Allocation.PortPreserving();
        return Optional.ofNullable(switch (this) {
            case OPEN -> null;
            case FULL_CONE -> NatBehavior.of(eim, Filtering.ENDPOINT_INDEPENDENT, preserving);
            case RESTRICTED_CONE -> NatBehavior.of(eim, Filtering.ADDRESS_DEPENDENT, preserving);
            case PORT_RESTRICTED_CONE -> NatBehavior.of(eim, apdf, preserving);
            case SYMMETRIC_SEQUENTIAL -> NatBehavior.of(apdm, apdf, new Allocation.Sequential(SEQUENCE_BASE, delta));
            case SYMMETRIC_SECOND_PRIORITY ->
                    NatBehavior.of(apdm, apdf, new Allocation.SecondPriority(SEQUENCE_BASE, delta));
            case SYMMETRIC_RANDOM -> NatBehavior.of(apdm, apdf, new Allocation.RandomPorts());
        });
    }
}
