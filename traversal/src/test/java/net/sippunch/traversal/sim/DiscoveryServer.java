package net.sippunch.traversal.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryServerStats;
import net.sippunch.traversal.discovery.ServerAddresses;

/**
 * The project's {@link BindingResponder} on public addresses of the virtual network, answering on every
 * address of {@link ServerAddresses#bindAddresses()} (four with two listen addresses: RFC 5780), each
 * reply leaving from the address the responder names, as {@code NettyDiscoveryServer} does.
 */
public final class DiscoveryServer extends Node {

    private final ServerAddresses addresses;
    private final List<InetSocketAddress> bound;
    private final BindingResponder responder;

    DiscoveryServer(VirtualNetwork network, InetAddress ip, LinkModel link, ServerAddresses addresses) {
        super(network, ip, null, link);
        this.addresses = addresses;
        this.bound = addresses.bindAddresses();
        this.responder = new BindingResponder(addresses, "sippunch-sim");
    }

    /** The listen addresses (the first two are what a client is configured with). */
    public List<InetSocketAddress> listen() {
        return addresses.listen();
    }

    /** The responder's counters. */
    public DiscoveryServerStats stats() {
        return responder.stats();
    }

    @Override
    void arrive(Datagram d, boolean fromBelow) {
        if (!bound.contains(d.destination())) {
            network.drop(Drop.NO_LISTENER, d);
            return;
        }
        network.delivered(d);
        Optional<BindingResponder.Reply> reply = responder.respond(d.destination(), d.source(), d.payload());
        if (reply.isPresent()) {
            Datagram out = new Datagram(reply.get().from(), reply.get().to(), reply.get().payload());
            network.sent(out);
            sendUp(out);
        }
    }
}
