package net.sippunch.traversal.upnp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether an address an IGD reports can be reached from the internet. Private (RFC 1918), shared
 * (RFC 6598, carrier-grade NAT), loopback, link-local, unspecified and multicast addresses cannot: a
 * router reporting one sits behind another NAT, and a mapping on it is useless to a peer outside.
 * The benchmark range 198.18.0.0/15 counts as public (the lab's internet lives there).
 */
public final class AddressScope {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private AddressScope() {
    }

    /** Parses an IPv4 literal without any name lookup; empty for anything else. */
    public static Optional<InetAddress> parseIpv4(String text) {
        var m = IPV4.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(m.group(i + 1));
            if (octet > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) octet;
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    /** Why {@code address} is useless to a peer on the internet, or empty when it is usable. */
    public static Optional<String> uselessBecause(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return Optional.of("not an IPv4 address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast address");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private address (RFC 1918): the IGD is behind another NAT");
        }
        byte[] b = address.getAddress();
        if ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return Optional.of("shared address (RFC 6598, carrier-grade NAT): the IGD is behind another NAT");
        }
        if ((b[0] & 0xff) == 0 || (b[0] & 0xff) >= 240) {
            return Optional.of("reserved address");
        }
        return Optional.empty();
    }
}
