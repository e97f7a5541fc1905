package net.sippunch.traversal.nat.emulated;

import java.time.Duration;
import java.util.Objects;

/**
 * A NAT composed of RFC 4787 parts: how it maps, how it filters, how it allocates external ports, how
 * long an idle mapping lives, whether inbound traffic refreshes it, and whether it hairpins.
 *
 * @param mapping             when an outbound datagram gets a new mapping
 * @param filtering           which inbound datagrams a mapping lets through
 * @param allocation          how the external port of a new mapping is chosen
 * @param mappingTimeoutNanos an idle mapping is removed this long after its last refresh
 * @param inboundRefresh      whether inbound datagrams that pass the filter refresh the mapping (outbound
 *                            ones always do)
 * @param hairpinning         whether a datagram from inside to the NAT's own public address is turned
 *                            back inside (RFC 4787 section 6); otherwise it is dropped
 * @param portMin             lowest external port the allocator hands out
 * @param portMax             highest external port the allocator hands out
 */
public record NatBehavior(Mapping mapping, Filtering filtering, Allocation allocation, long mappingTimeoutNanos,
                          boolean inboundRefresh, boolean hairpinning, int portMin, int portMax) {

    /** The kernel's default for an unreplied UDP flow in a fresh namespace. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public NatBehavior {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(filtering, "filtering");
        Objects.requireNonNull(allocation, "allocation");
        if (mappingTimeoutNanos <= 0) {
            throw new IllegalArgumentException("mapping timeout must be positive");
        }
        if (portMin < 1 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException("bad port range " + portMin + ".." + portMax);
        }
        int base = portMin;
        if (allocation instanceof Allocation.Sequential s) {
            base = s.base();
        } else if (allocation instanceof Allocation.SecondPriority s) {
            base = s.base();
        }
        if (base < portMin || base > portMax) {
            throw new IllegalArgumentException("sequence base " + base + " outside the port range");
        }
    }

    /** A NAT with the defaults: 30 s timeout refreshed both ways, no hairpinning, ports 1024..65535. */
    public static NatBehavior of(Mapping mapping, Filtering filtering, Allocation allocation) {
        return new NatBehavior(mapping, filtering, allocation, DEFAULT_TIMEOUT.toNanos(), true, false, 1024, 65535);
    }

    public NatBehavior withTimeout(Duration timeout) {
        return new NatBehavior(mapping, filtering, allocation, timeout.toNanos(), inboundRefresh, hairpinning,
                portMin, portMax);
    }

    public NatBehavior withInboundRefresh(boolean refresh) {
        return new NatBehavior(mapping, filtering, allocation, mappingTimeoutNanos, refresh, hairpinning,
                portMin, portMax);
    }

    public NatBehavior withHairpinning(boolean hairpin) {
        return new NatBehavior(mapping, filtering, allocation, mappingTimeoutNanos, inboundRefresh, hairpin,
                portMin, portMax);
    }

    public NatBehavior withPortRange(int min, int max) {
        return new NatBehavior(mapping, filtering, allocation, mappingTimeoutNanos, inboundRefresh, hairpinning,
                min, max);
    }

    /**
     * The same NAT with its port sequence starting at {@code base} (sequential and second-priority allocation;
     * any other allocation is returned unchanged): boxes on one machine then need not compete for one port.
     */
    public NatBehavior withSequenceBase(int base) {
        if (allocation instanceof Allocation.Sequential s) {
            return withAllocation(new Allocation.Sequential(base, s.delta()));
        }
        if (allocation instanceof Allocation.SecondPriority s) {
            return withAllocation(new Allocation.SecondPriority(base, s.delta()));
        }
        return this;
    }

    public NatBehavior withAllocation(Allocation newAllocation) {
        return new NatBehavior(mapping, filtering, newAllocation, mappingTimeoutNanos, inboundRefresh, hairpinning,
                portMin, portMax);
    }
}
