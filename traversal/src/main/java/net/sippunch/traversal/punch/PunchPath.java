package net.sippunch.traversal.punch;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A path between the two sides: the local port media leaves from and the remote address it goes to.
 *
 * @param localPort the local UDP port
 * @param remote    the peer's address as seen from here (its NAT's external tuple)
 */
public record PunchPath(int localPort, InetSocketAddress remote) {
    public PunchPath {
        Objects.requireNonNull(remote, "remote");
    }

    @Override
    public String toString() {
        return ":" + localPort + " -> " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
