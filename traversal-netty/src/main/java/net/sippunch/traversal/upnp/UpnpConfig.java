package net.sippunch.traversal.upnp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of one mapping attempt.
 *
 * @param internalPort      the local media port; the external port asked for first is the same
 * @param leaseSeconds      the lease asked for (renewed at half-lease); 0 asks for a permanent mapping
 * @param maxPorts          how many external ports to try on conflicts (718): internalPort, +1, ...
 * @param discoveryTimeout  how long the SSDP search listens
 * @param commandTimeout    the deadline of every other IGD operation (and added to the search's)
 * @param description       what the router shows for the mapping
 * @param discoveredAddress the public address discovery saw, when it ran first; the IGD's external
 *                          address must equal it (see also {@link UpnpPortMapping#checkDiscoveredAddress})
 */
public record UpnpConfig(int internalPort, int leaseSeconds, int maxPorts, Duration discoveryTimeout,
                         Duration commandTimeout, String description, Optional<InetAddress> discoveredAddress) {

    public UpnpConfig {
        if (internalPort < 1 || internalPort > 65535) {
            throw new IllegalArgumentException("internalPort must be 1..65535: " + internalPort);
        }
        if (leaseSeconds < 0) {
            throw new IllegalArgumentException("leaseSeconds must be >= 0: " + leaseSeconds);
        }
        if (maxPorts < 1) {
            throw new IllegalArgumentException("maxPorts must be >= 1: " + maxPorts);
        }
        requirePositive(discoveryTimeout, "discoveryTimeout");
        requirePositive(commandTimeout, "commandTimeout");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(discoveredAddress, "discoveredAddress");
    }

    /** Defaults: 1 hour lease, 8 ports, 2 s search, 3 s per operation. */
    public static UpnpConfig defaults(int internalPort) {
        return new UpnpConfig(internalPort, 3600, 8, Duration.ofSeconds(2), Duration.ofSeconds(3),
                "sippunch media", Optional.empty());
    }

    /** The same settings with another lease. */
    public UpnpConfig withLeaseSeconds(int lease) {
        return new UpnpConfig(internalPort, lease, maxPorts, discoveryTimeout, commandTimeout, description,
                discoveredAddress);
    }

    /** The same settings with another search time. */
    public UpnpConfig withDiscoveryTimeout(Duration timeout) {
        return new UpnpConfig(internalPort, leaseSeconds, maxPorts, timeout, commandTimeout, description,
                discoveredAddress);
    }

    /** The same settings with the address discovery saw. */
    public UpnpConfig withDiscoveredAddress(InetAddress address) {
        return new UpnpConfig(internalPort, leaseSeconds, maxPorts, discoveryTimeout, commandTimeout, description,
                Optional.of(address));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
