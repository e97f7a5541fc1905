package net.sippunch.traversal.upnp;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An Internet Gateway Device found on the LAN.
 *
 * @param localAddress our own address on the interface the IGD answered on: the internal client of
 *                     every mapping (routers in secure mode accept no other)
 * @param location     the URL of its device description
 * @param name         its friendly name, for reports
 */
public record IgdGateway(InetAddress localAddress, String location, String name) {
    public IgdGateway {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(name, "name");
    }
}
