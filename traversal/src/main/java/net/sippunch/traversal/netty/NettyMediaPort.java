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
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.discovery.DiscoveryClient;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.PunchSession;

/**
 * One media port on real sockets, through a call's traversal: discovery from the media port, then the
 * punch engine on the same port (plus the extra sockets its plan needs, bound on the same local address).
 * Both run on one {@link DatagramSessionDriver}, which hands its sockets from the {@link DiscoveryClient}
 * to the {@link PunchSession}. Datagrams neither consumes (RTP, RTCP) go to the owner's handler.
 *
 * <pre>
 * NettyMediaPort port = NettyMediaPort.open(loop, new InetSocketAddress(0)).join();
 * DiscoveryOutcome found = port.discover(discoveryConfig, random).join();
 * // ... offer/answer ...
 * PunchEvent outcome = port.punch(punchConfig, role, own, peer, random, session -> { }).join();
 * </pre>
 */
public final class NettyMediaPort implements AutoCloseable {

    /** The session of a port between its jobs: it consumes nothing and wants no timer. */
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
    /** Runs on the loop after every input to the current session; replaced by each job. */
    private volatile Consumer<DatagramSession> progress = s -> { };
    private volatile List<InetSocketAddress> extra = List.of();
    private volatile boolean closed;

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
                                self[0].progress.accept(session);
                            }
                        })
                .thenApply(driver -> {
                    self[0] = new NettyMediaPort(loop, driver);
                    return self[0];
                });
    }

    /** The media port's bound address. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The extra sockets the punch plan asked for, once {@link #punch} has bound them. */
    public List<InetSocketAddress> extraAddresses() {
        return extra;
    }

    /** Datagrams the current session does not consume go to {@code handler}, on the loop. */
    public void onUnhandled(DatagramSessionDriver.Unhandled handler) {
        driver.onUnhandled(handler);
    }

    /** Sends a datagram from one of this port's sockets, outside the sessions (RTP). Any thread. */
    public void send(Transmit transmit) {
        driver.send(transmit);
    }

    /**
     * Runs discovery from the media port. The socket stays open afterwards, for the punch.
     *
     * @return the outcome; never fails except when the port is closed
     */
    public CompletableFuture<DiscoveryOutcome> discover(DiscoveryConfig config, RandomGenerator random) {
        CompletableFuture<DiscoveryOutcome> outcome = new CompletableFuture<>();
        if (closed) {
            outcome.completeExceptionally(new IllegalStateException("media port closed"));
            return outcome;
        }
        InetSocketAddress privateTuple = NettyDiscovery.privateTuple(local, config.servers().get(0));
        loop.execute(() -> {
            DiscoveryClient client = new DiscoveryClient(config, privateTuple, local.getPort(), random,
                    System.nanoTime());
            progress = s -> {
                if (s == client && !outcome.isDone()) {
                    client.outcome().ifPresent(o -> {
                        // discovery is over: later answers are unhandled, not fed to a finished client
                        driver.replaceSession(new Idle(), idle -> { });
                        outcome.complete(o);
                    });
                }
            };
            driver.replaceSession(client, c -> { });
        });
        return outcome;
    }

    /**
     * Starts punching from the media port: builds the session, binds the extra sockets its plan needs on
     * the media port's local address, hands it the sockets and starts it. The callee calls this as soon as
     * its answer is sent, the caller when the answer arrives. Call it once per port.
     *
     * @param own        this side; its profile's private tuple names the media port
     * @param peer       the peer; its sample times on {@link System#nanoTime()}'s clock
     * @param onProgress runs on the loop after every input to the session, to pull events
     *                   ({@link PunchSession#pollEvent()}); it must not block
     * @return the {@link PunchEvent.Settled} or {@link PunchEvent.GaveUp} event; the session keeps running
     *         (consent checks, keepalives) until the port is closed
     */
    public CompletableFuture<PunchEvent> punch(PunchConfig config, PunchRole role, PunchEndpoint own,
                                               PunchEndpoint peer, RandomGenerator random,
                                               Consumer<PunchSession> onProgress) {
        PunchSession session = new PunchSession(config, role, own, peer, random);
        int extraSockets = session.plan().extraSockets(config);
        InetSocketAddress any = new InetSocketAddress(local.getAddress(), 0);
        CompletableFuture<PunchEvent> outcome = new CompletableFuture<>();
        if (closed) {
            outcome.completeExceptionally(new IllegalStateException("media port closed"));
            return outcome;
        }
        progress = s -> {
            if (s == session) {
                onProgress.accept(session);
                session.outcome().ifPresent(outcome::complete);
            }
        };
        // installed at once, started once its extra sockets are bound: a probe of the peer that comes in
        // between reaches the session, which answers it and adopts its source when it starts
        driver.replaceSession(session, s -> { });
        driver.bind(Collections.nCopies(extraSockets, any)).whenComplete((bound, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
                return;
            }
            extra = List.copyOf(bound);
            List<Integer> ports = new ArrayList<>(bound.size());
            bound.forEach(a -> ports.add(a.getPort()));
            driver.execute(s -> {
                if (s == session) {
                    session.start(System.nanoTime(), ports);
                }
            });
        });
        return outcome;
    }

    /** Runs {@code action} on the loop with the current session, then sends what it produced. */
    public void execute(Consumer<DatagramSession> action) {
        driver.execute(action);
    }

    /** Closes every socket of the port; waits at most two seconds. Not to be called on the loop. */
    @Override
    public void close() {
        closed = true;
        driver.close();
    }

    /** Closes every socket of the port without waiting; may be called on the loop. */
    public void closeAsync() {
        closed = true;
        loop.execute(driver::closeAsync);
    }
}
