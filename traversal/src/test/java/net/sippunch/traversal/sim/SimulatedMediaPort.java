package net.sippunch.traversal.sim;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.discovery.NatKnowledge;
import net.sippunch.traversal.punch.PunchEndpoint;

/**
 * The media port of a simulated client, driving a call's {@link CallTraversal} on a {@link Host} as
 * {@code NettyMediaPort} does on real sockets: the traversal owns the port from discovery on, its events are
 * pulled after every input, and {@link TraversalEvent.SocketsWanted} is served at once with the host's
 * lowest free ports above the media port ({@link Attachment#bindMore}). Every event is kept, in order, for
 * the test to read with {@link #pollEvent()}.
 */
public final class SimulatedMediaPort implements DatagramSession {

    private final CallTraversal traversal;
    private final Attachment attachment;
    private final ArrayDeque<TraversalEvent> events = new ArrayDeque<>();
    private TraversalEvent discovery;

    private SimulatedMediaPort(CallTraversal traversal, Host host) {
        this.traversal = Objects.requireNonNull(traversal, "traversal");
        this.attachment = host.attach(this, traversal.mediaPort());
    }

    /**
     * Binds the traversal's media port on {@code host} and starts discovery from it: a full one, or one with
     * the NAT knowledge of an earlier run when {@code known} is given.
     */
    static SimulatedMediaPort start(Host host, CallTraversal traversal, long nowNanos, Optional<NatKnowledge> known) {
        SimulatedMediaPort port = new SimulatedMediaPort(traversal, host);
        if (known.isPresent()) {
            traversal.start(nowNanos, known.get());
        } else {
            traversal.start(nowNanos);
        }
        port.progress(nowNanos);
        return port;
    }

    /** The peer's description has arrived (or, for the callee, its answer has left): punching starts. */
    void peer(long nowNanos, PunchEndpoint peer) {
        traversal.peer(nowNanos, peer);
        progress(nowNanos);
    }

    /** The callee's signalling confirmed the call (the ACK arrived). */
    void confirmed(long nowNanos) {
        traversal.confirmed(nowNanos);
        progress(nowNanos);
    }

    /** Ends the traversal and frees the port and its extra sockets. */
    void close() {
        traversal.close();
        attachment.detach();
    }

    public CallTraversal traversal() {
        return traversal;
    }

    /** {@link TraversalEvent.Discovered} or {@link TraversalEvent.DiscoveryFailed}, once discovery has ended. */
    public Optional<TraversalEvent> discovery() {
        return Optional.ofNullable(discovery);
    }

    /** True once the traversal has ended: punching settled or gave up, or the method could not run. */
    public boolean finished() {
        return traversal.punchOutcome().isPresent() || traversal.failure().isPresent();
    }

    /** The next event the traversal handed out (the port has already acted on it), or empty. */
    public Optional<TraversalEvent> pollEvent() {
        return Optional.ofNullable(events.poll());
    }

    @Override
    public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
        boolean used = traversal.handleDatagram(nowNanos, localPort, source, payload);
        progress(nowNanos);
        return used;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        traversal.handleTimeout(nowNanos);
        progress(nowNanos);
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return traversal.pollTransmit();
    }

    @Override
    public OptionalLong pollTimeout() {
        return traversal.pollTimeout();
    }

    private void progress(long nowNanos) {
        for (Optional<TraversalEvent> e = traversal.pollEvent(); e.isPresent(); e = traversal.pollEvent()) {
            TraversalEvent event = e.get();
            if (event instanceof TraversalEvent.Discovered || event instanceof TraversalEvent.DiscoveryFailed) {
                discovery = event;
            } else if (event instanceof TraversalEvent.SocketsWanted wanted) {
                traversal.socketsBound(nowNanos, attachment.bindMore(wanted.count()));
            }
            events.add(event);
        }
    }

    @Override
    public String toString() {
        return "media port " + traversal.mediaPort() + " of " + attachment.host();
    }
}
