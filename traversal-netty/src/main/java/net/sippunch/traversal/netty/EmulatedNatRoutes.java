package net.sippunch.traversal.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which local addresses of this process sit behind an emulated NAT box ({@link EmulatedNatBox}): the host's
 * route to the outside, as a routing table is the kernel's. Every datagram socket the Netty adapter binds on
 * such an address ({@link DatagramSessionDriver}: media ports, birthday sockets, RTCP ports, discovery runs)
 * gets a {@link NatTunnel} to the box's inside socket, so the session above sees ordinary datagrams while
 * they really cross the box. An address with no route is used directly, as always.
 *
 * <p>The table is process-wide because the sockets are bound deep below the code that knows of the NAT (the
 * agent binds its media ports on its configured address); it is empty unless something behind an emulated
 * NAT runs, and an address is routed by one box at a time.
 */
public final class EmulatedNatRoutes {

    private static final Map<InetAddress, InetSocketAddress> ROUTES = new ConcurrentHashMap<>();

    private EmulatedNatRoutes() {
    }

    /** A route in the table; closing it takes it out. */
    public static final class Route implements AutoCloseable {
        private final InetAddress host;
        private final InetSocketAddress inside;

        private Route(InetAddress host, InetSocketAddress inside) {
            this.host = host;
            this.inside = inside;
        }

        /** The local address routed. */
        public InetAddress host() {
            return host;
        }

        @Override
        public void close() {
            ROUTES.remove(host, inside);
        }
    }

    /**
     * Routes the sockets bound on {@code host} from now on through the box whose inside socket is
     * {@code inside}.
     *
     * @throws IllegalStateException when {@code host} is routed already
     */
    public static Route add(InetAddress host, InetSocketAddress inside) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(inside, "inside");
        if (host.isAnyLocalAddress()) {
            throw new IllegalArgumentException("a wildcard address cannot sit behind a NAT box");
        }
        InetSocketAddress before = ROUTES.putIfAbsent(host, inside);
        if (before != null) {
            throw new IllegalStateException(host.getHostAddress() + " is routed through " + before + " already");
        }
        return new Route(host, inside);
    }

    /** The inside socket of the box that {@code local} sits behind, or empty: the address is used directly. */
    public static Optional<InetSocketAddress> insideFor(InetAddress local) {
        return local == null ? Optional.empty() : Optional.ofNullable(ROUTES.get(local));
    }
}
