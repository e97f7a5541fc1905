package net.sippunch.traversal.upnp;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A port mapping held on the IGD for the media port.
 *
 * @param external        the external address (the IGD's) and the mapped external port: what the peer may send to
 * @param internal        the internal client address and the media port
 * @param leaseSeconds    the lease asked for, 0 when the IGD only takes permanent mappings
 * @param expiresAtNanos  when the lease runs out on the caller's clock, {@link Long#MAX_VALUE} when permanent
 * @param verified        whether the read-back showed the mapping pointing at {@code internal}
 * @param gateway         the IGD's friendly name
 */
public record UpnpMapping(InetSocketAddress external, InetSocketAddress internal, int leaseSeconds,
                          long expiresAtNanos, boolean verified, String gateway) {
    public UpnpMapping {
        Objects.requireNonNull(external, "external");
        Objects.requireNonNull(internal, "internal");
        Objects.requireNonNull(gateway, "gateway");
    }

    /** Whether the mapping only goes away when deleted (the IGD refused leases). */
    public boolean permanent() {
        return leaseSeconds == 0;
    }

    /** The same mapping with a fresh lease. */
    UpnpMapping renewed(long newExpiresAtNanos) {
        return new UpnpMapping(external, internal, leaseSeconds, newExpiresAtNanos, verified, gateway);
    }
}
