package net.sippunch.traversal.discovery;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;

/**
 * Turns mapped tuples (in the order their requests were sent) and a measured filtering behaviour into a
 * {@link NatProfile}. Pure: same input, same profile. It says UNKNOWN where the samples cannot tell.
 */
public final class NatClassifier {

    private final int sequentialDeltaLimit;

    public NatClassifier(int sequentialDeltaLimit) {
        this.sequentialDeltaLimit = sequentialDeltaLimit;
    }

    public NatProfile classify(InetSocketAddress privateTuple, List<MappedTuple> samples, FilteringBehavior filtering) {
        MappingBehavior mapping = mapping(privateTuple, samples);
        PortAllocation allocation = allocation(privateTuple, samples, mapping);
        return new NatProfile(privateTuple, samples, mapping, filtering, allocation, type(mapping, filtering, allocation));
    }

    static MappingBehavior mapping(InetSocketAddress privateTuple, List<MappedTuple> samples) {
        if (samples.size() < 2) {
            return MappingBehavior.UNKNOWN;
        }
        boolean allSame = samples.stream().allMatch(s -> s.mapped().equals(samples.get(0).mapped()));
        if (allSame) {
            return samples.get(0).mapped().equals(privateTuple) ? MappingBehavior.NO_NAT
                    : MappingBehavior.ENDPOINT_INDEPENDENT;
        }
        // different mappings for different destinations: does the port of the destination matter?
        boolean samePairSeen = false;
        for (int i = 0; i < samples.size(); i++) {
            for (int j = i + 1; j < samples.size(); j++) {
                MappedTuple a = samples.get(i);
                MappedTuple b = samples.get(j);
                if (a.server().getAddress().equals(b.server().getAddress()) && a.server().getPort() != b.server().getPort()) {
                    samePairSeen = true;
                    if (!a.mapped().equals(b.mapped())) {
                        return MappingBehavior.ADDRESS_AND_PORT_DEPENDENT;
                    }
                }
            }
        }
        return samePairSeen ? MappingBehavior.ADDRESS_DEPENDENT : MappingBehavior.UNKNOWN;
    }

    PortAllocation allocation(InetSocketAddress privateTuple, List<MappedTuple> samples, MappingBehavior mapping) {
        if (mapping == MappingBehavior.NO_NAT || mapping == MappingBehavior.ENDPOINT_INDEPENDENT) {
            return samples.get(0).port() == privateTuple.getPort() ? PortAllocation.PRESERVING : PortAllocation.UNKNOWN;
        }
        List<Integer> ports = newMappingPorts(samples);
        if (ports.size() < 2) {
            return PortAllocation.UNKNOWN;
        }
        if (sequential(ports)) {
            return PortAllocation.SEQUENTIAL;
        }
        if (ports.get(0) == privateTuple.getPort() && (ports.size() == 2 || sequential(ports.subList(1, ports.size())))) {
            return PortAllocation.SECOND_PRIORITY;
        }
        return PortAllocation.RANDOM;
    }

    static NatType type(MappingBehavior mapping, FilteringBehavior filtering, PortAllocation allocation) {
        switch (mapping) {
            case NO_NAT:
                return NatType.OPEN;
            case ENDPOINT_INDEPENDENT:
                switch (filtering) {
                    case ENDPOINT_INDEPENDENT:
                        return NatType.FULL_CONE;
                    case ADDRESS_DEPENDENT:
                        return NatType.RESTRICTED_CONE;
                    case ADDRESS_AND_PORT_DEPENDENT:
                        return NatType.PORT_RESTRICTED_CONE;
                    default:
                        return NatType.CONE_FILTERING_UNKNOWN;
                }
            case UNKNOWN:
                if (allocation == PortAllocation.UNKNOWN) {
                    return NatType.UNKNOWN;
                }
                // fall through: mappings differ, so the NAT is symmetric even if ADM/APDM is undecided
            default:
                switch (allocation) {
                    case SEQUENTIAL:
                        return NatType.SYMMETRIC_SEQUENTIAL;
                    case SECOND_PRIORITY:
                        return NatType.SYMMETRIC_SECOND_PRIORITY;
                    case RANDOM:
                        return NatType.SYMMETRIC_RANDOM;
                    default:
                        return NatType.UNKNOWN;
                }
        }
    }

    /** The ports of mappings seen for the first time, in order (a reused mapping is not a new allocation). */
    private static List<Integer> newMappingPorts(List<MappedTuple> samples) {
        List<Integer> ports = new ArrayList<>();
        List<InetSocketAddress> seen = new ArrayList<>();
        for (MappedTuple s : samples) {
            if (!seen.contains(s.mapped())) {
                seen.add(s.mapped());
                ports.add(s.port());
            }
        }
        return ports;
    }

    /** Every step non-zero, of one sign, and within the limit. */
    private boolean sequential(List<Integer> ports) {
        int sign = 0;
        for (int i = 1; i < ports.size(); i++) {
            int d = ports.get(i) - ports.get(i - 1);
            if (d == 0 || Math.abs(d) > sequentialDeltaLimit) {
                return false;
            }
            if (sign != 0 && Integer.signum(d) != sign) {
                return false;
            }
            sign = Integer.signum(d);
        }
        return true;
    }
}
