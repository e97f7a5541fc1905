package net.sippunch.traversal.netty;

import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.discovery.NatKnowledge;
import net.sippunch.traversal.nat.NatProfile;

/**
 * One media port on real sockets, driving a call's {@link CallTraversal}: discovery from the media port,
 * then the punch engine on the same port, plus the birthday sockets its plan asks for (bound on the same
 * local address when the traversal reports {@link TraversalEvent.SocketsWanted}). Everything runs on one
 * event loop, so neither the traversal nor the owner's handlers need locks. Datagrams the traversal does
 * not consume (RTP, RTCP) go to the owner's handler ({@link #onUnhandled}); RTP leaves through
 * {@link #send}.
 *
 * <pre>
 * NettyMediaPort port = NettyMediaPort.open(loop, new InetSocketAddress(0)).join();
 * CallTraversal side = new CallTraversal(settings, role, credentials, port.privateTuple(server), upnp, random);
 * port.run(side, event -> { ... });               // on the loop, after discovery, punching, consent ...
 * port.execute(() -> side.peer(System.nanoTime(), peerEndpoint));   // when the SDP answer is known
 * port.execute(() -> side.confirmed(System.nanoTime()));            // the callee: when the ACK arrives
 * </pre>
 */
public final class NettyMediaPort implements AutoCloseable {

    /** The session of a port before its traversal starts: it consumes nothing and wants no timer. */
    private static final class Idle implements DatagramSession {
        @Override
        public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
            return false;
        }

        @Override
        public void handleTimeout(long nowNanos) {
            // nothing is due
        }

        @Override
        public Optional<Transmit> pollTransmit() {
            return Optional.empty();
        }

        @Override
        public OptionalLong pollTimeout() {
            return OptionalLong.empty();
        }
    }

    private final EventLoop loop;
    private final DatagramSessionDriver<DatagramSession> driver;
    private final InetSocketAddress local;
    /** Runs on the loop after every input to the current session; set by {@link #run}. */
    private volatile Runnable progress = () -> { };
    private volatile List<InetSocketAddress> extra = List.of();

    private NettyMediaPort(EventLoop loop, DatagramSessionDriver<DatagramSession> driver) {
        this.loop = loop;
        this.driver = driver;
        this.local = driver.boundAddresses().get(0);
    }

    /**
     * Binds the media port.
     *
     * @param local where to bind; port 0 picks one
     * @return the open port, or a failed future when the bind failed
     */
    public static CompletableFuture<NettyMediaPort> open(EventLoop loop, InetSocketAddress local) {
        Objects.requireNonNull(local, "local");
        NettyMediaPort[] self = new NettyMediaPort[1];
        return DatagramSessionDriver.<DatagramSession>start(loop, List.of(local), (bound, now) -> new Idle(),
                        session -> {
                            if (self[0] != null) {
                                self[0].progress.run();
                            }
                        })
                .thenApply(driver -> {
                    self[0] = new NettyMediaPort(loop, driver);
                    return self[0];
                });
    }

    /** The event loop every socket, timer and handler of this port runs on. */
    public EventLoop loop() {
        return loop;
    }

    /** The media port's bound address. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The media port as the host sees it toward {@code server}: the route's local IP for a wildcard bind. */
    public InetSocketAddress privateTuple(InetSocketAddress server) {
        return NettyDiscovery.privateTuple(local, server);
    }

    /** The birthday sockets the punch plan asked for, once bound. */
    public List<InetSocketAddress> extraAddresses() {
        return extra;
    }

    /** Datagrams the traversal does not consume go to {@code handler}, on the loop. */
    public void onUnhandled(DatagramSessionDriver.Unhandled handler) {
        driver.onUnhandled(handler);
    }

    /** Sends a datagram from one of this port's sockets, outside the traversal (RTP). Any thread. */
    public void send(Transmit transmit) {
        driver.send(transmit);
    }

    /**
     * Installs {@code traversal} on the port and starts it. After every input, its events go to
     * {@code listener} on the loop ({@link TraversalEvent.SocketsWanted} is served here first: the sockets
     * are bound on the media port's local address and handed to the traversal). Call it once per port.
     *
     * @param listener consumes every event; it must not block
     */
    public void run(CallTraversal traversal, Consumer<TraversalEvent> listener) {
        install(traversal, listener);
        driver.replaceSession(traversal, t -> traversal.start(System.nanoTime()));
    }

    private void install(CallTraversal traversal, Consumer<TraversalEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        if (traversal.mediaPort() != local.getPort()) {
            throw new IllegalArgumentException("the traversal's media port " + traversal.mediaPort()
                    + " is not this port's " + local.getPort());
        }
        progress = () -> {
            for (Optional<TraversalEvent> e = traversal.pollEvent(); e.isPresent(); e = traversal.pollEvent()) {
                if (e.get() instanceof TraversalEvent.SocketsWanted wanted) {
                    bindBirthdaySockets(traversal, wanted.count());
                }
                listener.accept(e.get());
            }
        };
    }

    /** Like {@link #run(CallTraversal, Consumer)}, starting from a profile learned elsewhere. */
    public void run(CallTraversal traversal, NatProfile known, Consumer<TraversalEvent> listener) {
        install(traversal, listener);
        driver.replaceSession(traversal, t -> traversal.start(System.nanoTime(), known));
    }

    /**
     * Like {@link #run(CallTraversal, Consumer)}, with what an earlier full discovery learned of the NAT:
     * discovery then costs one round trip ({@link CallTraversal#start(long, NatKnowledge)}).
     */
    public void run(CallTraversal traversal, NatKnowledge known, Consumer<TraversalEvent> listener) {
        install(traversal, listener);
        driver.replaceSession(traversal, t -> traversal.start(System.nanoTime(), known));
    }

    private void bindBirthdaySockets(CallTraversal traversal, int count) {
        InetSocketAddress any = new InetSocketAddress(local.getAddress(), 0);
        driver.bind(Collections.nCopies(count, any)).whenComplete((bound, failure) -> {
            if (failure != null) {
                driver.execute(s -> traversal.socketsFailed(failure.getMessage()));
                return;
            }
            extra = List.copyOf(bound);
            List<Integer> ports = new ArrayList<>(bound.size());
            bound.forEach(a -> ports.add(a.getPort()));
            driver.execute(s -> traversal.socketsBound(System.nanoTime(), ports));
        });
    }

    /**
     * Runs {@code action} on the loop (to give the traversal an input such as the peer's description), then
     * sends what the traversal produced, re-arms its timer and hands out its events.
     */
    public void execute(Runnable action) {
        driver.execute(s -> action.run());
    }

    /** Closes every socket of the port; waits at most two seconds. Not to be called on the loop. */
    @Override
    public void close() {
        driver.close();
    }

    /** Closes every socket of the port without waiting; may be called on any thread. */
    public void closeAsync() {
        loop.execute(driver::closeAsync);
    }
}
