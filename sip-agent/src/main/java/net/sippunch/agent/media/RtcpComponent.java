package net.sippunch.agent.media;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.call.TraversalMilestones;
import net.sippunch.traversal.discovery.NatKnowledge;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.StandardPeer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The RTCP component of a call's ICE (RFC 8445 section 5.1.1: component 2) for a standard peer that does not
 * multiplex RTCP on the RTP port: a port of its own (the media port + 1 where free), its own discovery, its
 * own candidates and its own connectivity checks and consent, with the RTP component's credentials and role.
 * Such a peer completes ICE only when both components have a valid pair. RTCP itself is not sent on it: the
 * call's RTP session sends no RTCP on an unmuxed punched path.
 */
final class RtcpComponent implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(RtcpComponent.class);
    private static final int BIND_SECONDS = 5;

    private final NettyMediaPort port;
    private final CallTraversal traversal;
    private final TraversalMilestones milestones = new TraversalMilestones();

    private RtcpComponent(NettyMediaPort port, CallTraversal traversal) {
        this.port = port;
        this.traversal = traversal;
    }

    /**
     * Binds the RTCP port next to {@code rtp} (any free port when that one is taken) and starts its discovery,
     * from {@code known} when the agent has fresh knowledge of its NAT. Start it before the RTP port's
     * discovery: the NAT then allocates the RTCP flows first, and the RTP samples stay the freshest.
     *
     * @return the component, or empty when no port could be bound (logged)
     */
    static Optional<RtcpComponent> start(NettyMediaPort rtp, PunchNegotiation.Settings settings, PunchRole role,
                                         IceCredentials credentials, Optional<NatKnowledge> known,
                                         RandomGenerator random) {
        InetSocketAddress local = rtp.localAddress();
        NettyMediaPort port = bind(rtp, new InetSocketAddress(local.getAddress(), local.getPort() + 1))
                .or(() -> bind(rtp, new InetSocketAddress(local.getAddress(), 0))).orElse(null);
        if (port == null) {
            LOG.warn("no RTCP port could be bound next to {}: the peer's RTCP component will fail", local);
            return Optional.empty();
        }
        InetSocketAddress privateTuple = port.privateTuple(settings.discoveryServers().get(0));
        CallTraversal traversal = new CallTraversal(new CallTraversal.Settings(settings.discovery(),
                settings.punch()), role, credentials, privateTuple, Optional.empty(), random);
        RtcpComponent component = new RtcpComponent(port, traversal);
        if (known.isPresent()) {
            port.run(traversal, known.get(), component.milestones);
        } else {
            port.run(traversal, component.milestones);
        }
        return Optional.of(component);
    }

    private static Optional<NettyMediaPort> bind(NettyMediaPort rtp, InetSocketAddress at) {
        try {
            return Optional.of(NettyMediaPort.open(rtp.loop(), at).get(BIND_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * What this port's discovery found, waiting at most {@code capMillis}; empty when it failed (logged): the
     * offer or answer then has no RTCP candidates.
     */
    Optional<NatProfile> discovered(long capMillis) {
        TraversalEvent found;
        try {
            found = milestones.discovery().get(capMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("RTCP port discovery did not end: {}", e.toString());
            return Optional.empty();
        }
        if (found instanceof TraversalEvent.Discovered discovered) {
            return Optional.of(discovered.local().profile());
        }
        LOG.warn("RTCP port discovery failed: {}", ((TraversalEvent.DiscoveryFailed) found).reason());
        return Optional.empty();
    }

    /** Starts the checks toward the peer's RTCP candidates. */
    void peer(StandardPeer rtcp) {
        port.execute(() -> traversal.peer(System.nanoTime(), rtcp.punchEndpoint(System.nanoTime())));
    }

    /** The component's selected pair, once its checks settled one. */
    Optional<PunchEvent.Settled> settled() {
        return milestones.outcome().getNow(null) instanceof PunchEvent.Settled settled
                ? Optional.of(settled) : Optional.empty();
    }

    /** A callee controlling against an ICE-lite offerer awaits consent here too. */
    void awaitConsent() {
        port.execute(traversal::awaitConsent);
    }

    /** The signalling confirmed the call (the callee's ACK). */
    void confirmed() {
        port.execute(() -> traversal.confirmed(System.nanoTime()));
    }

    /** Stops the checks and closes the port without waiting; any thread, again. */
    @Override
    public void close() {
        port.execute(traversal::close);
        port.closeAsync();
    }
}
