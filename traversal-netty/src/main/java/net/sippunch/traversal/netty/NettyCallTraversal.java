package net.sippunch.traversal.netty;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchRole;

/**
 * The traversal of one call on a media port, for an application with its own SIP stack and its own RTP: the
 * entry point of the library. It runs the engine the agent runs (a {@link CallTraversal} on a
 * {@link NettyMediaPort}) and hands its results out as futures and a listener, so the application neither
 * polls nor touches the engine's clock or thread.
 *
 * <ol>
 *   <li>{@link #start}: discovery from the media port begins;</li>
 *   <li>{@link #discovered()}: this side's description, to write into the offer or answer
 *       ({@code OfferAnswer.attributes(local.profile(), local.upnp())} and {@code local.credentials()});</li>
 *   <li>{@link #peer}: the peer's description from its SDP (the callee as its answer leaves, the caller when
 *       the answer arrives); its samples are placed on the engine's clock as the description is handed over;</li>
 *   <li>{@link #confirmed()}: the callee, when the ACK of its 200 OK arrives;</li>
 *   <li>{@link #settled()}: the path RTP takes; later path changes and consent loss reach the listener.</li>
 * </ol>
 * RTP is the application's: it sends with {@link #send} and receives what the engine does not consume through
 * {@link NettyMediaPort#onUnhandled}. Futures complete and the listener runs on the port's event loop: neither
 * may block (use the futures' {@code *Async} methods or wait on another thread).
 *
 * <pre>{@code
 * NettyCallTraversal call = NettyCallTraversal.start(port, settings, PunchRole.CONTROLLING, new SecureRandom(),
 *         event -> log(event));
 * PunchEndpoint mine = call.discovered().get();            // into the INVITE's SDP
 * call.peer(answer.peer().punchEndpoint(0).orElseThrow()); // from the 200 OK's SDP
 * PunchPath path = call.settled().get();                   // RTP: call.send(path, packet)
 * }</pre>
 */
public final class NettyCallTraversal implements AutoCloseable {

    private final NettyMediaPort port;
    private final CallTraversal side;
    private final Consumer<TraversalEvent> listener;
    private final CompletableFuture<PunchEndpoint> discovered = new CompletableFuture<>();
    private final CompletableFuture<PunchEvent> outcome = new CompletableFuture<>();
    private final CompletableFuture<PunchPath> settled = new CompletableFuture<>();

    private NettyCallTraversal(NettyMediaPort port, CallTraversal side, Consumer<TraversalEvent> listener) {
        this.port = port;
        this.side = side;
        this.listener = listener;
    }

    /**
     * Starts the traversal of one call on {@code port}: discovery from it against the first server of
     * {@code settings} (whose route gives the private tuple) and the others.
     *
     * @param port     the call's media port, open; it stays the caller's to close
     * @param settings discovery servers and punch tunables, the same for every call
     * @param role     {@link PunchRole#CONTROLLING} for the caller, {@link PunchRole#CONTROLLED} for the callee
     * @param random   a cryptographic generator ({@code SecureRandom}): probe credentials, transaction ids,
     *                 tie-breaker
     * @param listener every event of the traversal, on the port's loop; it must not block
     * @throws java.io.UncheckedIOException when the host has no route to the first discovery server
     */
    public static NettyCallTraversal start(NettyMediaPort port, CallTraversal.Settings settings, PunchRole role,
                                           RandomGenerator random, Consumer<TraversalEvent> listener) {
        Objects.requireNonNull(settings, "settings");
        InetSocketAddress privateTuple = port.privateTuple(settings.discovery().servers().get(0));
        CallTraversal side = new CallTraversal(settings, role, IceCredentials.random(random), privateTuple,
                Optional.empty(), random);
        NettyCallTraversal call = new NettyCallTraversal(port, side, Objects.requireNonNull(listener, "listener"));
        port.run(side, call::onEvent);
        return call;
    }

    /** The media port the traversal runs on. */
    public NettyMediaPort port() {
        return port;
    }

    /**
     * This side's description once discovery is over; fails with {@link TraversalFailure} when discovery got too
     * few answers (the call then goes on without the method: plain SDP, RTP to the signalled address).
     */
    public CompletableFuture<PunchEndpoint> discovered() {
        return discovered;
    }

    /**
     * The peer's description from its SDP, sample times as it signalled them (any origin: the freshest sample
     * is placed at the moment the engine receives it, see {@link PunchEndpoint#receivedAt}). Punching starts.
     * Once, after {@link #discovered()} completed normally. Any thread.
     */
    public void peer(PunchEndpoint peer) {
        Objects.requireNonNull(peer, "peer");
        port.execute(() -> {
            long now = System.nanoTime();
            side.peer(now, peer.receivedAt(now));
        });
    }

    /**
     * The signalling confirmed the call: the callee received the ACK. Until then a callee probes at a
     * backing-off pace and sprays little (an INVITE may name somebody else's address). Harmless on the caller.
     */
    public void confirmed() {
        port.execute(() -> side.confirmed(System.nanoTime()));
    }

    /**
     * The path RTP takes: the local port and the peer's address that authenticated probes settled. Fails with
     * {@link TraversalFailure} when the punch gave up; its {@link TraversalFailure#fallback()} is the peer's
     * reported address, where RTP may still be tried.
     */
    public CompletableFuture<PunchPath> settled() {
        return settled;
    }

    /** {@link PunchEvent.Settled} or {@link PunchEvent.GaveUp}, with the plan and counters, when punching ends. */
    public CompletableFuture<PunchEvent> outcome() {
        return outcome;
    }

    /** Sends one datagram (RTP, RTCP) on {@code path}: from its local port to its remote address. Any thread. */
    public void send(PunchPath path, byte[] payload) {
        port.send(new Transmit(path.localPort(), path.remote(), payload));
    }

    /** Ends the traversal (no more probes, consent checks or events); the port stays open. Again is harmless. */
    @Override
    public void close() {
        port.execute(side::close);
    }

    private void onEvent(TraversalEvent event) {
        if (event instanceof TraversalEvent.Discovered d) {
            discovered.complete(d.local());
        } else if (event instanceof TraversalEvent.DiscoveryFailed f) {
            TraversalFailure failure = new TraversalFailure(f.reason(), Optional.empty());
            settled.completeExceptionally(failure); // first: who saw discovery fail finds no path either
            discovered.completeExceptionally(failure);
        } else if (event instanceof TraversalEvent.Punch p && p.event() instanceof PunchEvent.Settled s) {
            outcome.complete(s);
            settled.complete(s.path());
        } else if (event instanceof TraversalEvent.Punch p && p.event() instanceof PunchEvent.GaveUp g) {
            outcome.complete(g);
            settled.completeExceptionally(new TraversalFailure(g.reason(), g.fallback()));
        }
        listener.accept(event);
    }

    /** Why a call's traversal gave no path: discovery failed, or the punch gave up. */
    public static final class TraversalFailure extends Exception {
        private final transient Optional<PunchPath> fallback;

        /**
         * @param reason   what went wrong
         * @param fallback the path to the peer's reported address after a give-up, or empty
         */
        public TraversalFailure(String reason, Optional<PunchPath> fallback) {
            super(reason);
            this.fallback = Objects.requireNonNull(fallback, "fallback");
        }

        /** The path to the peer's reported address, where RTP may still be tried; empty when discovery failed. */
        public Optional<PunchPath> fallback() {
            return fallback;
        }
    }
}
