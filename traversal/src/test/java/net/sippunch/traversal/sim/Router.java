package net.sippunch.traversal.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import net.sippunch.traversal.nat.emulated.Nat;
import net.sippunch.traversal.nat.emulated.NatBehavior;

/**
 * A NAT box: a {@link Nat} between its LAN (hosts and further routers) and its parent side. Datagrams
 * between two LAN nodes are forwarded without translation; datagrams to the router's own address from
 * inside are hairpinned or dropped as its behaviour says.
 */
public final class Router extends Node {

    private final Nat nat;
    private final Map<InetAddress, Node> lan = new LinkedHashMap<>();

    Router(VirtualNetwork network, InetAddress publicIp, Router parent, LinkModel link, NatBehavior behavior) {
        super(network, publicIp, parent, link);
        this.nat = new Nat(behavior, publicIp, network.newRandom());
    }

    /** The NAT's translation state and counters. */
    public Nat nat() {
        return nat;
    }

    /** Adds a host on this router's LAN. */
    public Host addHost(String privateIp, LinkModel lanLink) {
        return register(new Host(network, VirtualNetwork.ip(privateIp), this, lanLink));
    }

    /** Adds a router on this router's LAN (double NAT): its outside address is {@code privateIp}. */
    public Router addRouter(String privateIp, LinkModel lanLink, NatBehavior behavior) {
        return register(new Router(network, VirtualNetwork.ip(privateIp), this, lanLink, behavior));
    }

    private <N extends Node> N register(N node) {
        if (node.ip.equals(ip) || lan.putIfAbsent(node.ip, node) != null) {
            throw new IllegalArgumentException(node.ip + " is already on the LAN of " + ip);
        }
        return node;
    }

    @Override
    void arrive(Datagram d, boolean fromBelow) {
        long now = network.now();
        InetAddress to = d.destination().getAddress();
        if (!fromBelow) {
            if (!to.equals(ip)) {
                network.drop(Drop.NO_ROUTE, d);
                return;
            }
            inbound(now, d, d.source());
            return;
        }
        if (to.equals(ip)) {
            if (!nat.behavior().hairpinning()) {
                network.drop(Drop.HAIRPIN_OFF, d);
                return;
            }
            OptionalInt port = nat.outbound(now, d.source(), d.destination());
            if (port.isEmpty()) {
                network.drop(Drop.PORT_EXHAUSTED, d);
                return;
            }
            InetSocketAddress translated = new InetSocketAddress(ip, port.getAsInt());
            inbound(now, new Datagram(translated, d.destination(), d.payload()), translated);
            return;
        }
        Node local = lan.get(to);
        if (local != null) {
            network.cross(local.link, d, () -> local.arrive(d, false));
            return;
        }
        OptionalInt port = nat.outbound(now, d.source(), d.destination());
        if (port.isEmpty()) {
            network.drop(Drop.PORT_EXHAUSTED, d);
            return;
        }
        sendUp(new Datagram(new InetSocketAddress(ip, port.getAsInt()), d.destination(), d.payload()));
    }

    private void inbound(long now, Datagram d, InetSocketAddress remote) {
        long filteredBefore = nat.filtered();
        Optional<InetSocketAddress> internal = nat.inbound(now, d.destination().getPort(), remote);
        if (internal.isEmpty()) {
            network.drop(nat.filtered() > filteredBefore ? Drop.FILTERED : Drop.UNMAPPED, d);
            return;
        }
        Node local = lan.get(internal.get().getAddress());
        if (local == null) {
            network.drop(Drop.NO_ROUTE, d);
            return;
        }
        Datagram translated = new Datagram(d.source(), internal.get(), d.payload());
        network.cross(local.link, translated, () -> local.arrive(translated, false));
    }
}
