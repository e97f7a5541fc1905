package net.sippunch.traversal.sim;

import java.net.InetAddress;

/**
 * A thing on the virtual network with an address and a link towards its parent: the internet core for a
 * public node, a {@link Router} for a private one.
 */
abstract sealed class Node permits Host, Router, DiscoveryServer {

    final VirtualNetwork network;
    final InetAddress ip;
    final Router parent;
    final LinkModel link;

    Node(VirtualNetwork network, InetAddress ip, Router parent, LinkModel link) {
        this.network = network;
        this.ip = ip;
        this.parent = parent;
        this.link = link;
    }

    /** The node's address on its parent's side: public when {@link #parent} is null. */
    public InetAddress ip() {
        return ip;
    }

    /** A datagram reaches this node: from its own side ({@code fromBelow}) or from its parent's side. */
    abstract void arrive(Datagram d, boolean fromBelow);

    /** Sends a datagram towards the parent (or the internet core) across this node's link. */
    void sendUp(Datagram d) {
        if (parent == null) {
            network.cross(link, d, () -> network.coreArrive(d));
        } else {
            network.cross(link, d, () -> parent.arrive(d, true));
        }
    }
}
