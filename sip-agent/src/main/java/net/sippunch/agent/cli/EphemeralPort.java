package net.sippunch.agent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A UDP port the operating system just handed out on an address and that is free again: for servers that
 * must know their port before they bind (the RFC 5780 discovery server names its other address; the JAIN-SIP
 * stack refuses port 0). Another process could take it in between; callers bind at once.
 */
public final class EphemeralPort {

    private EphemeralPort() {
    }

    /** A free UDP port on {@code address}. */
    public static int udp(InetAddress address) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on " + address.getHostAddress(), e);
        }
    }

    /** A free UDP port on {@code address} (a literal IP address). */
    public static int udp(String address) {
        try {
            return udp(InetAddress.getByName(address));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
    }
}
