package net.sippunch.agent.media;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.netty.DatagramSessionDriver;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.RelayCheck;
import net.sippunch.traversal.turn.TurnClient;
import net.sippunch.traversal.turn.TurnConfig;
import net.sippunch.traversal.turn.TurnCredentials;
import net.sippunch.traversal.turn.TurnEvent;
import net.sippunch.traversal.turn.TurnStats;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The allocating side of a relayed media path (docs/turn.md): a {@link TurnClient} on a socket of its own beside
 * the media port (bound on the media port's address, on the port's event loop), opened only once the punch gave
 * up or ran long without a direct path, so no flow of it falls between the media port's discovery samples and its
 * first probes (a sequential NAT would give it the port the peer predicted). It allocates, installs permissions
 * for the peer's public IP addresses from its SDP, and is {@link #ready()} with the relayed address to signal.
 * The servers are tried in their order: one that refuses, or gives no relayed address within the timeout, is
 * passed over for the next (its allocation, if any, released), and the report names it. It
 * answers the peer's authenticated checks that come through the relay; the first one proves the peer's address as
 * the server sees it (its NAT's port for the relay, unknown before), which is bound to a channel and given to
 * {@code onPeer}. As a {@link MediaTransport} it carries the call's RTP: out only to the proven peer, in only from
 * it, until a direct path the punch settled later takes over ({@link #handOver}).
 */
public final class TurnRelay implements MediaTransport {

    private static final Logger LOG = LogManager.getLogger(TurnRelay.class);

    /**
     * What every relayed call of an agent uses.
     *
     * @param servers     the TURN servers (UDP), resolved, in order of preference: the next is tried when one
     *                    refuses or times out
     * @param credentials the credentials of one allocation (time-limited ones are made when asked)
     * @param timeout     the cap, per server, from asking it for an allocation to the relayed address being ready
     * @param after       how long a punch that has not given up runs without a direct path before the relay is
     *                    allocated beside it
     */
    public record Settings(List<InetSocketAddress> servers, Supplier<TurnCredentials> credentials, Duration timeout,
                           Duration after) {
        public Settings {
            servers = List.copyOf(servers);
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("no TURN server");
            }
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(after, "after");
        }
    }

    /**
     * What the call's report says of the relay.
     *
     * @param server         the TURN server that carried the call, or the last one asked
     * @param passedOver     the servers passed over before it, each {@code host:port: why}
     * @param relayedAddress the relayed address signalled (null when none was allocated)
     * @param peer           the peer as the server saw its first authenticated check (null before one came)
     * @param readyMillis    from allocating (the punch's give-up, or {@code after}) to the relayed address being
     *                       ready, the servers passed over included (null: never)
     * @param sinceMillis    from allocating to the peer's first authenticated check (null: never)
     * @param packetsSent    datagrams relayed to the peer (checks' answers and media)
     * @param packetsReceived datagrams relayed from the peer
     * @param packetsDropped datagrams dropped: media before a check proved the peer or to another address, data
     *                       through the relay that was neither an authenticated check nor media of the proven peer
     * @param failure        why the relay did not carry the call, or null
     */
    public record Report(String server, List<String> passedOver, String relayedAddress, String peer,
                         Long readyMillis, Long sinceMillis, long packetsSent, long packetsReceived,
                         long packetsDropped, String failure) {
        public Report {
            passedOver = List.copyOf(passedOver);
        }
    }

    /** One server's turn: a socket and a client of its own, until it carries the call or is passed over. */
    private static final class Attempt {
        final int index;
        final InetSocketAddress server;
        DatagramSessionDriver<TurnClient> driver;
        int permissionsRefused;
        boolean over;

        Attempt(int index, InetSocketAddress server) {
            this.index = index;
            this.server = server;
        }
    }

    private final EventLoop loop;
    /** The media port itself: media leaves from it once a direct path took over, and arrives on it then. */
    private final MediaTransport direct;
    private final Settings settings;
    private final List<InetAddress> peerIps;
    private final RelayCheck.Responder responder;
    private final Consumer<InetSocketAddress> onPeer;
    private final long startedAt;
    /** The local port media is handed over on: the media port, as the path names it. */
    private final int mediaPort;
    /** The media port's address: each server's socket is bound on it. */
    private final InetAddress bindAddress;
    private final RandomGenerator random;
    private final CompletableFuture<InetSocketAddress> ready = new CompletableFuture<>();
    /** The server being asked, or carrying the call; replaced on the loop only. */
    private volatile Attempt attempt;
    /** The servers passed over, {@code host:port: why}; replaced (not changed) on the loop only. */
    private volatile List<String> passedOver = List.of();
    private volatile DatagramSessionDriver.Unhandled unhandled = (p, s, d) -> { };
    private volatile InetSocketAddress relayed;
    /** The peer's address as the server saw its first authenticated check; only media to it is relayed. */
    private volatile InetSocketAddress peer;
    private volatile Long readyMillis;
    private volatile Long provenMillis;
    private volatile TurnStats stats;
    private volatile String failure;
    private volatile long dropped; // written on the loop only
    private volatile boolean closed;
    /** Set once a direct path took over: media no longer goes through the relay. */
    private volatile boolean handedOver;

    private TurnRelay(EventLoop loop, MediaTransport direct, InetSocketAddress mediaPort, Settings settings,
                      List<InetAddress> peerIps, RelayCheck.Responder responder, RandomGenerator random,
                      Consumer<InetSocketAddress> onPeer) {
        this.loop = loop;
        this.random = random;
        this.direct = direct;
        this.mediaPort = mediaPort.getPort();
        this.bindAddress = mediaPort.getAddress();
        this.settings = settings;
        this.peerIps = List.copyOf(peerIps);
        this.responder = responder;
        this.onPeer = onPeer;
        this.startedAt = System.nanoTime();
    }

    /**
     * Binds the relay's socket on the media port's address (another port) and starts allocating.
     *
     * @param direct    the media port as a transport: media leaves from it once a direct path took over
     *                  ({@link #handOver}), and what arrives on it goes where the relay's media goes
     * @param mediaPort the media port: the relay's socket is bound on its address, and media that arrives
     *                  through the relay is handed over as arriving on it
     * @param own     this side's probe credentials (the checks arrive keyed with them)
     * @param remote  the peer's
     * @param peerIps the peer's public IP addresses, from its SDP: each gets a permission
     * @param onPeer  gets the peer's address as the server sees it when an authenticated check proves it (and
     *                again if an authenticated check proves a new one), on the loop
     * @return the relay; {@link #ready()} tells when its relayed address may be signalled
     */
    public static TurnRelay open(EventLoop loop, MediaTransport direct, InetSocketAddress mediaPort, Settings settings,
                                 IceCredentials own, IceCredentials remote, PunchRole role, List<InetAddress> peerIps,
                                 RandomGenerator random, Consumer<InetSocketAddress> onPeer) {
        if (peerIps.isEmpty()) {
            throw new IllegalArgumentException("no peer address to permit");
        }
        TurnRelay relay = new TurnRelay(loop, direct, mediaPort, settings, peerIps,
                new RelayCheck.Responder(own, remote, role, random), random, onPeer);
        loop.execute(() -> relay.ask(0));
        return relay;
    }

    /** Asks the {@code index}th server for an allocation, from a socket of its own, with a timeout; on the loop. */
    private void ask(int index) {
        if (closed) {
            return;
        }
        Attempt asked = new Attempt(index, settings.servers().get(index));
        attempt = asked;
        TurnCredentials credentials = settings.credentials().get();
        DatagramSessionDriver.<TurnClient>start(loop, List.of(new InetSocketAddress(bindAddress, 0)),
                        (bound, now) -> new TurnClient(TurnConfig.defaults(asked.server, bound.get(0).getPort(),
                                credentials), random, now),
                        client -> onProgress(asked, client))
                .whenComplete((driver, error) -> loop.execute(() -> {
                    if (error != null) {
                        fail("no socket for the relay: " + error.getMessage());
                        return;
                    }
                    asked.driver = driver;
                    if (closed || asked.over) {
                        driver.closeAsync();
                    }
                }));
        long timeout = settings.timeout().toMillis();
        loop.schedule(() -> passOver(asked, "no relayed address within " + timeout + " ms"), timeout,
                TimeUnit.MILLISECONDS);
    }

    /**
     * The server of {@code failed} gives no relayed address: the next one is asked, or the relay fails with
     * {@code why} after the last; on the loop. Nothing once the relayed address was ready or another server asked.
     */
    private void passOver(Attempt failed, String why) {
        if (failed != attempt || failed.over || ready.isDone()) {
            return;
        }
        failed.over = true;
        relayed = null;
        DatagramSessionDriver<TurnClient> d = failed.driver;
        if (d != null) {
            d.execute(client -> client.release(System.nanoTime()));
            loop.execute(d::closeAsync);
        }
        if (failed.index + 1 == settings.servers().size()) {
            fail(why);
            return;
        }
        LOG.warn("relay: {} passed over: {}", failed.server, why);
        List<String> passed = new ArrayList<>(passedOver);
        passed.add(address(failed.server) + ": " + why);
        passedOver = List.copyOf(passed);
        ask(failed.index + 1);
    }

    /** Completes with the relayed address once allocated with a permission for the peer; fails with the reason. */
    public CompletableFuture<InetSocketAddress> ready() {
        return ready;
    }

    /** The peer's address as the server sees it, once an authenticated check proved it. */
    public Optional<InetSocketAddress> peer() {
        return Optional.ofNullable(peer);
    }

    /** The relay's counters, as of the last input. */
    public Optional<TurnStats> stats() {
        return Optional.ofNullable(stats);
    }

    /** What the call's report says of the relay. */
    public Report report() {
        TurnStats s = stats;
        InetSocketAddress a = relayed;
        InetSocketAddress p = peer;
        return new Report(address(server()), passedOver, a == null ? null : address(a),
                p == null ? null : address(p), readyMillis, provenMillis, s == null ? 0 : s.dataSent(),
                s == null ? 0 : s.dataReceived(), dropped, failure);
    }

    /** The server being asked, or carrying the call (the first before any was asked). */
    public InetSocketAddress server() {
        Attempt a = attempt;
        return a == null ? settings.servers().get(0) : a.server;
    }

    private static String address(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    /**
     * Relays media to the proven peer; anything else (no check answered yet, another address) is dropped. Once a
     * direct path took over, media leaves from the media port instead.
     */
    @Override
    public void send(Transmit transmit) {
        if (handedOver) {
            direct.send(transmit);
            return;
        }
        loop.execute(() -> {
            InetSocketAddress to = peer;
            Attempt a = attempt;
            DatagramSessionDriver<TurnClient> driver = a == null ? null : a.driver;
            if (driver == null || closed || to == null || !to.equals(transmit.destination())) {
                dropped++;
                return;
            }
            driver.execute(client -> client.send(System.nanoTime(), to, transmit.payload()));
        });
    }

    /**
     * Media from the proven peer through the relay, and whatever else the media port leaves unhandled (a direct
     * path's media, once one took over or while the peer moves to it first), go to {@code handler}.
     */
    @Override
    public void onUnhandled(DatagramSessionDriver.Unhandled handler) {
        this.unhandled = Objects.requireNonNull(handler, "handler");
        direct.onUnhandled(handler);
    }

    /**
     * A direct path took over: media leaves from the media port from now on; what the relay still brings from the
     * peer (in flight, or sent before the peer moved too) is delivered until {@link #close}. Any thread.
     */
    public void handOver() {
        handedOver = true;
    }

    /** Releases the allocation (a Refresh with lifetime 0, not waited for) and closes the socket. Any thread. */
    public void close() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            ready.completeExceptionally(new IllegalStateException("closed"));
            DatagramSessionDriver<TurnClient> driver = attempt == null ? null : attempt.driver;
            if (driver != null) {
                driver.execute(client -> client.release(System.nanoTime()));
                loop.execute(driver::closeAsync);
            }
        });
    }

    private void fail(String reason) {
        loop.execute(() -> {
            if (failure == null && peer == null) {
                failure = reason;
                LOG.warn("relay: {}", reason);
            }
            ready.completeExceptionally(new IllegalStateException(reason));
        });
    }

    /** After every input of the client of {@code asked}, on the loop; a server passed over is no longer heard. */
    private void onProgress(Attempt asked, TurnClient client) {
        if (asked.over) {
            return;
        }
        stats = client.stats();
        for (Optional<TurnEvent> e = client.pollEvent(); e.isPresent() && !asked.over; e = client.pollEvent()) {
            TurnEvent event = e.get();
            if (event instanceof TurnEvent.Allocated allocated) {
                relayed = allocated.relayed();
                LOG.info("relay: allocated {} on {} (we are {} to it)", allocated.relayed(), asked.server,
                        allocated.mapped());
                loop.execute(() -> asked.driver.execute(
                        c -> peerIps.forEach(ip -> c.createPermission(System.nanoTime(), ip))));
            } else if (event instanceof TurnEvent.PermissionCreated created) {
                LOG.debug("relay: permission for {}", created.peer());
                if (!ready.isDone()) {
                    readyMillis = (System.nanoTime() - startedAt) / 1_000_000;
                    ready.complete(relayed);
                }
            } else if (event instanceof TurnEvent.PermissionFailed refused) {
                LOG.info("relay: no permission for {}: {} {}", refused.peer(), refused.code(), refused.reason());
                if (++asked.permissionsRefused == peerIps.size()) {
                    passOver(asked, "no permission for the peer: " + refused.code() + " " + refused.reason());
                }
            } else if (event instanceof TurnEvent.Failed failed) {
                if (ready.isDone()) {
                    fail("TURN: " + failed.reason()); // while it carries the call: no other server takes over
                } else {
                    passOver(asked, "TURN: " + failed.reason());
                }
            } else if (event instanceof TurnEvent.DataReceived data) {
                onData(asked, data.peer(), data.data());
            } else {
                LOG.debug("relay: {}", event);
            }
        }
    }

    /** Data the server relayed from a permitted peer: a check is answered and proves it; media only from it. */
    private void onData(Attempt asked, InetSocketAddress from, byte[] data) {
        RelayCheck.Responder.Verdict verdict = responder.read(from, data);
        if (verdict instanceof RelayCheck.Responder.Verdict.Check check) {
            loop.execute(() -> asked.driver.execute(c -> c.send(System.nanoTime(), from, check.answer())));
            if (!from.equals(peer)) {
                if (peer == null) {
                    provenMillis = (System.nanoTime() - startedAt) / 1_000_000;
                    LOG.info("relay: the peer's check came through the relay from {}: media goes there", from);
                } else {
                    LOG.info("relay: the peer moved from {} to {} (authenticated)", peer, from);
                }
                peer = from;
                loop.execute(() -> asked.driver.execute(c -> c.bindChannel(System.nanoTime(), from)));
                onPeer.accept(from);
            }
        } else if (verdict instanceof RelayCheck.Responder.Verdict.Media && from.equals(peer)) {
            unhandled.datagram(mediaPort, from, data);
        } else {
            dropped++;
            LOG.debug("relay: dropped from {}: {}", from, verdict);
        }
    }
}
