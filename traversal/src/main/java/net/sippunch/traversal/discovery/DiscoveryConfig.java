package net.sippunch.traversal.discovery;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Tunables of one discovery run.
 *
 * @param servers               the discovery servers, asked in this order (at least two, different IPs
 *                              for a meaningful delta)
 * @param maxSamples            how many mapped tuples to collect at most, counting the servers and, with
 *                              an RFC 5780 server, its alternate addresses
 * @param initialRto            first retransmission timeout; it doubles on each retransmission (RFC 8489)
 * @param maxRetransmissions    retransmissions of one request at most
 * @param totalCap              the whole run ends by then, whatever is still unanswered
 * @param testFiltering         run the RFC 5780 filtering tests when the first server offers OTHER-ADDRESS
 * @param filteringWait         how long a filtering test waits for its answer (silence is the result)
 * @param sequentialDeltaLimit  successive mappings further apart than this are not called sequential
 * @param software              SOFTWARE attribute of requests; empty for none
 * @param graceFloor            with known filtering ({@code NatKnowledge}), the shortest wait for the other
 *                              targets once two have answered; the wait is otherwise twice the longest round
 *                              trip seen
 */
public record DiscoveryConfig(List<InetSocketAddress> servers,
                              int maxSamples,
                              Duration initialRto,
                              int maxRetransmissions,
                              Duration totalCap,
                              boolean testFiltering,
                              Duration filteringWait,
                              int sequentialDeltaLimit,
                              String software,
                              Duration graceFloor) {

    /** The default {@link #graceFloor}: 20 ms. */
    public static final Duration DEFAULT_GRACE_FLOOR = Duration.ofMillis(20);

    public DiscoveryConfig {
        servers = List.copyOf(servers);
        Objects.requireNonNull(initialRto, "initialRto");
        Objects.requireNonNull(totalCap, "totalCap");
        Objects.requireNonNull(filteringWait, "filteringWait");
        Objects.requireNonNull(software, "software");
        Objects.requireNonNull(graceFloor, "graceFloor");
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one discovery server is needed");
        }
        if (maxSamples < servers.size() || maxSamples > 16) {
            throw new IllegalArgumentException("maxSamples must be between the number of servers and 16");
        }
        if (initialRto.isNegative() || initialRto.isZero() || totalCap.isNegative() || totalCap.isZero()
                || filteringWait.isNegative() || graceFloor.isNegative()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (maxRetransmissions < 0 || maxRetransmissions > 10) {
            throw new IllegalArgumentException("maxRetransmissions must be 0..10");
        }
        if (sequentialDeltaLimit < 1) {
            throw new IllegalArgumentException("sequentialDeltaLimit must be positive");
        }
    }

    /** A configuration with the {@link #DEFAULT_GRACE_FLOOR}. */
    public DiscoveryConfig(List<InetSocketAddress> servers, int maxSamples, Duration initialRto, int maxRetransmissions,
                           Duration totalCap, boolean testFiltering, Duration filteringWait, int sequentialDeltaLimit,
                           String software) {
        this(servers, maxSamples, initialRto, maxRetransmissions, totalCap, testFiltering, filteringWait,
                sequentialDeltaLimit, software, DEFAULT_GRACE_FLOOR);
    }

    /** The same configuration with another cap on the whole run. */
    public DiscoveryConfig withTotalCap(Duration cap) {
        return new DiscoveryConfig(servers, maxSamples, initialRto, maxRetransmissions, cap, testFiltering,
                filteringWait, sequentialDeltaLimit, software, graceFloor);
    }

    /** The same configuration with another {@link #graceFloor}. */
    public DiscoveryConfig withGraceFloor(Duration floor) {
        return new DiscoveryConfig(servers, maxSamples, initialRto, maxRetransmissions, totalCap, testFiltering,
                filteringWait, sequentialDeltaLimit, software, floor);
    }

    /**
     * Defaults: 4 samples, RTO 100 ms doubling, 4 retransmissions, 1.5 s cap, filtering tests of 400 ms, a
     * grace floor of 20 ms.
     */
    public static DiscoveryConfig defaults(List<InetSocketAddress> servers) {
        return new DiscoveryConfig(servers, Math.max(4, servers.size()), Duration.ofMillis(100), 4,
                Duration.ofMillis(1500), true, Duration.ofMillis(400), 256, "sippunch", DEFAULT_GRACE_FLOOR);
    }
}
