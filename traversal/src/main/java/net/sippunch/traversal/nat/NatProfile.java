package net.sippunch.traversal.nat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What discovery learned about the NAT in front of one local UDP port.
 *
 * @param privateTuple the local address and port the samples were sent from
 * @param samples      every mapped tuple, in the order the requests were sent
 * @param mapping      RFC 4787 mapping behaviour
 * @param filtering    RFC 4787 filtering behaviour, {@link FilteringBehavior#UNKNOWN} without RFC 5780
 * @param allocation   how new external ports are picked
 * @param type         the method's classification
 */
public record NatProfile(InetSocketAddress privateTuple,
                         List<MappedTuple> samples,
                         MappingBehavior mapping,
                         FilteringBehavior filtering,
                         PortAllocation allocation,
                         NatType type) {

    public NatProfile {
        Objects.requireNonNull(privateTuple, "privateTuple");
        samples = List.copyOf(samples);
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(filtering, "filtering");
        Objects.requireNonNull(allocation, "allocation");
        Objects.requireNonNull(type, "type");
    }

    /** The first mapped tuple, if any server answered. */
    public Optional<MappedTuple> firstMapping() {
        return samples.isEmpty() ? Optional.empty() : Optional.of(samples.get(0));
    }

    /** The last mapped tuple, the freshest view of where the NAT's allocator stands. */
    public Optional<MappedTuple> lastMapping() {
        return samples.isEmpty() ? Optional.empty() : Optional.of(samples.get(samples.size() - 1));
    }

    /** The method's delta: port of the second mapping minus port of the first; 0 with fewer than two. */
    public int delta() {
        return samples.size() < 2 ? 0 : samples.get(1).port() - samples.get(0).port();
    }

    /** The differences between each pair of successive samples. */
    public List<Integer> deltas() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) {
            out.add(samples.get(i).port() - samples.get(i - 1).port());
        }
        return List.copyOf(out);
    }
}
