package net.sippunch.traversal.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;

/**
 * A host with one IP address that runs {@link DatagramSession}s. A session owns every local port it has
 * sent from (bound on its first transmit from that port, as a socket bind would) and the ports named when
 * it was attached; a datagram to a port nobody owns is dropped as {@link Drop#NO_LISTENER}, a transmit
 * from a port another session owns as {@link Drop#BIND_CONFLICT}.
 */
public final class Host extends Node {

    private final Map<Integer, Attachment> ports = new HashMap<>();
    private long sent;
    private long received;

    Host(VirtualNetwork network, InetAddress ip, Router parent, LinkModel link) {
        super(network, ip, parent, link);
    }

    /** The host's address with {@code port}. */
    public InetSocketAddress address(int port) {
        return new InetSocketAddress(ip, port);
    }

    /**
     * Starts driving {@code session} on this host; it owns {@code ports} at once (so it can receive before
     * it sends) and every further port it sends from.
     *
     * @throws IllegalStateException when one of {@code ports} is owned by another session
     */
    public Attachment attach(DatagramSession session, int... ports) {
        Attachment a = new Attachment(this, session);
        for (int p : ports) {
            bind(a, p);
        }
        network.attached(a);
        return a;
    }

    /** Datagrams this host's sessions have sent (including those dropped later on the path). */
    public long sent() {
        return sent;
    }

    /** Datagrams delivered to this host's sessions. */
    public long received() {
        return received;
    }

    /** The session owning {@code port}, if any. */
    public Optional<DatagramSession> owner(int port) {
        return Optional.ofNullable(ports.get(port)).map(Attachment::session);
    }

    void bind(Attachment a, int port) {
        Attachment owner = ports.putIfAbsent(port, a);
        if (owner != null && owner != a) {
            throw new IllegalStateException("port " + port + " of " + ip.getHostAddress() + " is owned by "
                    + owner.session());
        }
        a.ports.add(port);
    }

    /** Binds the {@code count} lowest ports above {@code a}'s highest that nobody owns, as extra sockets would get. */
    List<Integer> bindFree(Attachment a, int count) {
        List<Integer> bound = new ArrayList<>(count);
        int port = a.ports.isEmpty() ? 1024 : a.ports.last();
        while (bound.size() < count) {
            port++;
            if (port > 65535) {
                throw new IllegalStateException("no free port left on " + ip.getHostAddress());
            }
            if (!ports.containsKey(port)) {
                bind(a, port);
                bound.add(port);
            }
        }
        return bound;
    }

    void release(Attachment a) {
        for (int p : a.ports) {
            ports.remove(p, a);
        }
    }

    /** Sends one transmit of an attached session, binding its port when it is new. */
    void transmit(Attachment a, Transmit t) {
        Datagram d = new Datagram(new InetSocketAddress(ip, t.localPort()), t.destination(), t.payload());
        Attachment owner = ports.get(t.localPort());
        if (owner == null) {
            ports.put(t.localPort(), a);
            a.ports.add(t.localPort());
        } else if (owner != a) {
            network.drop(Drop.BIND_CONFLICT, d);
            return;
        }
        sent++;
        network.sent(d);
        sendUp(d);
    }

    @Override
    void arrive(Datagram d, boolean fromBelow) {
        if (!d.destination().getAddress().equals(ip)) {
            network.drop(Drop.NO_ROUTE, d);
            return;
        }
        Attachment owner = ports.get(d.destination().getPort());
        if (owner == null) {
            network.drop(Drop.NO_LISTENER, d);
            return;
        }
        received++;
        network.delivered(d);
        owner.session().handleDatagram(network.now(), d.destination().getPort(), d.source(), d.payload());
    }

    @Override
    public String toString() {
        return "host " + ip.getHostAddress();
    }
}
