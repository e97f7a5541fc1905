package net.sippunch.traversal;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A datagram a sans-IO state machine wants sent.
 *
 * @param localPort   the local UDP port it must leave from (hole punching depends on the source port)
 * @param destination where it goes
 * @param payload     the bytes; the receiver of a transmit must not change them
 */
public record Transmit(int localPort, InetSocketAddress destination, byte[] payload) {
    public Transmit {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(payload, "payload");
        if (localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("local port out of range: " + localPort);
        }
    }
}
