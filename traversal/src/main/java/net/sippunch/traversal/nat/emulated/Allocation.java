package net.sippunch.traversal.nat.emulated;

/**
 * How a NAT picks the external port of a new mapping. A port still held by a live mapping is never
 * handed out again: the allocator moves on (the next step of its sequence, another random draw, the next
 * port up) and the NAT counts a collision; when no port of the range is free the datagram is dropped.
 */
public sealed interface Allocation {

    /** The external port equals the internal port when it is free; otherwise the next free port up. */
    record PortPreserving() implements Allocation {
    }

    /**
     * Every new mapping, from any host behind the NAT, takes the next port of one shared sequence
     * {@code base, base + delta, base + 2·delta, …}, wrapping inside the NAT's port range (the kernel
     * lab's {@code numgen inc} map). Neighbours therefore consume ports between a client's mappings.
     */
    record Sequential(int base, int delta) implements Allocation {
        public Sequential {
            if (delta == 0) {
                throw new IllegalArgumentException("delta must not be 0");
            }
        }
    }

    /** Uniformly random free port of the range, from the NAT's seeded generator. */
    record RandomPorts() implements Allocation {
    }

    /**
     * The first mapping of an internal address and port keeps its port (when free); later mappings of
     * the same internal endpoint take the shared sequence of {@link Sequential}. An internal endpoint is
     * "first" again once none of its mappings is alive.
     */
    record SecondPriority(int base, int delta) implements Allocation {
        public SecondPriority {
            if (delta == 0) {
                throw new IllegalArgumentException("delta must not be 0");
            }
        }
    }
}
