package net.sippunch.traversal.call;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.discovery.DiscoveryClient;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.NatKnowledge;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchPlan;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.PunchSession;
import net.sippunch.traversal.punch.PunchStats;
import net.sippunch.traversal.punch.RelayCheck;
import net.sippunch.traversal.stun.StunCodec;

/**
 * The traversal of one call side, sans-IO: the method's whole order on one media port. The agent, an
 * integrator's application, {@code punch-test} and the simulator all drive this one object.
 * <ol>
 *   <li>{@link #start}: discovery from the media port (the UPnP tuple, when the router mapped the port,
 *       comes in as an input: the blocking IGD dialogue runs outside, before);</li>
 *   <li>{@link TraversalEvent.Discovered}: this side's description for the offer or answer;</li>
 *   <li>{@link #peer}: the peer's description from its SDP (the callee gives it as its answer leaves, the
 *       caller when the answer arrives): the punch plan is decided and punching starts, after
 *       {@link TraversalEvent.SocketsWanted} when the plan needs birthday sockets;</li>
 *   <li>{@link #confirmed}: the callee's signalling confirmed the call (the ACK arrived). Until then, or until
 *       the peer's first authenticated packet, the callee probes the peer's tuples at a backing-off pace and
 *       sprays a bounded number of probes (an INVITE naming somebody else's address must not make us spray
 *       there for long); the caller starts confirmed;</li>
 *   <li>{@link PunchEvent.Settled} or {@link PunchEvent.GaveUp}; on a settled path consent checks and
 *       keepalives run until {@link PunchEvent.ConsentLost}, and only an authenticated answer moves the path
 *       ({@link PunchEvent.PathChanged}).</li>
 * </ol>
 * Probes of the peer that arrive before punching starts are answered and their sources adopted. Datagrams
 * that are not STUN (RTP, RTCP) are left to the caller: {@link #handleDatagram} returns {@code false}.
 *
 * <pre>{@code
 * CallTraversal side = new CallTraversal(settings, PunchRole.CONTROLLING, credentials, privateTuple, upnp, random);
 * side.start(now);
 * // drive: handleDatagram / handleTimeout / pollTransmit / pollTimeout; pull pollEvent() after each input
 * // Discovered -> put local() into the offer; the answer arrives -> side.peer(now, peerEndpoint)
 * }</pre>
 */
public final class CallTraversal implements DatagramSession {

    /** Probes kept from before the peer's description, at most. */
    private static final int EARLY_PROBES = 16;

    /**
     * What every call of an agent shares.
     *
     * @param discovery       the discovery servers and caps
     * @param punch           the punch engine's tunables
     * @param relayAfterNanos when present: a punch that has settled nothing this long after it started says a
     *                        relay is wanted ({@link TraversalEvent.RelayWanted}) and goes on
     */
    public record Settings(DiscoveryConfig discovery, PunchConfig punch, OptionalLong relayAfterNanos) {
        public Settings {
            Objects.requireNonNull(discovery, "discovery");
            Objects.requireNonNull(punch, "punch");
            Objects.requireNonNull(relayAfterNanos, "relayAfterNanos");
            if (relayAfterNanos.isPresent() && relayAfterNanos.getAsLong() < 0) {
                throw new IllegalArgumentException("relayAfterNanos must not be negative");
            }
        }

        /** Settings of a call without a relay: nothing but the punch's own give-up ends it. */
        public Settings(DiscoveryConfig discovery, PunchConfig punch) {
            this(discovery, punch, OptionalLong.empty());
        }
    }

    private enum Phase { IDLE, DISCOVERING, DISCOVERED, BINDING, PUNCHING, FAILED, CLOSED }

    private final Settings settings;
    private final PunchRole role;
    private final IceCredentials credentials;
    private final InetSocketAddress privateTuple;
    private final Optional<InetSocketAddress> upnp;
    private final RandomGenerator random;
    private final ArrayDeque<TraversalEvent> events = new ArrayDeque<>();

    private Phase phase = Phase.IDLE;
    private long discoveryStartedAt;
    private DiscoveryClient discovery;
    private PunchEndpoint local;
    private PunchEndpoint remote;
    private PunchSession punch;
    private String failure;
    private boolean confirmedEarly;
    private boolean awaitsConsent;
    /**
     * Probes that came before the peer's description (the peer got our answer and probed before {@link #peer}
     * ran): kept, at most {@value #EARLY_PROBES}, and handed to the punch first, so that each is checked and
     * answered, and so that its transaction is remembered from the source it really came from (a replay that an
     * eavesdropper sends later is then one).
     */
    private final ArrayDeque<EarlyProbe> earlyProbes = new ArrayDeque<>();

    private record EarlyProbe(long atNanos, int localPort, InetSocketAddress source, byte[] payload) {
    }

    /** When a relay is wanted if the punch has settled nothing by then (nanoTime), once it started. */
    private OptionalLong relayDueAt = OptionalLong.empty();
    /** The checks of the peer's relayed address, once asked for. */
    private RelayCheck relayCheck;
    private boolean relayReported;
    /** The round trip to the discovery servers, when this traversal's own discovery measured it. */
    private OptionalLong roundTrip = OptionalLong.empty();

    /**
     * @param role         controlling (the caller) or controlled (the callee)
     * @param credentials  this side's probe credentials, from a cryptographic generator
     * @param privateTuple the media port as the host sees it (the IP of the route to the servers, and port)
     * @param upnp         the tuple the router maps to the media port (UPnP / NAT-PMP), if any
     * @param random       transaction ids, tie-breaker, spray order: a {@code SecureRandom} in production, a
     *                     seeded generator in the simulator
     */
    public CallTraversal(Settings settings, PunchRole role, IceCredentials credentials, InetSocketAddress privateTuple,
                         Optional<InetSocketAddress> upnp, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.role = Objects.requireNonNull(role, "role");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.privateTuple = Objects.requireNonNull(privateTuple, "privateTuple");
        this.upnp = Objects.requireNonNull(upnp, "upnp");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Starts discovery from the media port; the first request is ready to poll at once. */
    public void start(long nowNanos) {
        if (phase != Phase.IDLE) {
            throw new IllegalStateException("already started");
        }
        phase = Phase.DISCOVERING;
        discoveryStartedAt = nowNanos;
        discovery = new DiscoveryClient(settings.discovery(), privateTuple, mediaPort(), random, nowNanos);
    }

    /**
     * Starts discovery from the media port with what an earlier full discovery learned of this host's NAT
     * ({@link NatKnowledge}, from a {@code NatKnowledgeCache}): no filtering test, every first request ready to
     * poll at once, the profile about one round trip later. Events as with {@link #start(long)}.
     *
     * @throws IllegalArgumentException when the knowledge was learned with other servers or another local IP
     */
    public void start(long nowNanos, NatKnowledge known) {
        if (phase != Phase.IDLE) {
            throw new IllegalStateException("already started");
        }
        DiscoveryClient client = DiscoveryClient.withKnowledge(settings.discovery(), privateTuple, mediaPort(), random,
                Objects.requireNonNull(known, "known"), nowNanos);
        phase = Phase.DISCOVERING;
        discoveryStartedAt = nowNanos;
        discovery = client;
    }

    /**
     * Starts with a profile learned elsewhere instead of discovery (a profile still fresh from an earlier
     * call on this port, or a test that describes the NAT): {@link TraversalEvent.Discovered} at once.
     */
    public void start(long nowNanos, NatProfile known) {
        if (phase != Phase.IDLE) {
            throw new IllegalStateException("already started");
        }
        if (known.privateTuple().getPort() != mediaPort()) {
            throw new IllegalArgumentException("the profile was learned from port " + known.privateTuple().getPort()
                    + ", not the media port " + mediaPort());
        }
        local = new PunchEndpoint(credentials, known, upnp);
        phase = Phase.DISCOVERED;
        events.add(new TraversalEvent.Discovered(local, List.of(), 0));
    }

    /**
     * Replaces the UPnP tuple of this side's description after discovery, when a check against the
     * discovered public address dropped or changed it. Only before {@link #peer}.
     */
    public void confirmUpnp(Optional<InetSocketAddress> confirmed) {
        if (phase != Phase.DISCOVERED) {
            throw new IllegalStateException("the UPnP tuple is confirmed after discovery, before the peer; phase "
                    + phase);
        }
        local = new PunchEndpoint(credentials, local.profile(), confirmed);
    }

    /**
     * The peer's description, from its SDP, with its sample times on this session's clock. Punching starts
     * now, or once the birthday sockets the plan needs are bound ({@link TraversalEvent.SocketsWanted}).
     *
     * @throws IllegalStateException before {@link TraversalEvent.Discovered}, or when given twice
     */
    public void peer(long nowNanos, PunchEndpoint peer) {
        if (phase != Phase.DISCOVERED) {
            throw new IllegalStateException("the peer's description comes once, after discovery; phase " + phase);
        }
        remote = Objects.requireNonNull(peer, "peer");
        punch = new PunchSession(settings.punch(), role, local, remote, roundTrip, random);
        settings.relayAfterNanos().ifPresent(after -> relayDueAt = OptionalLong.of(nowNanos + after));
        if (awaitsConsent) {
            punch.awaitConsent();
        }
        if (confirmedEarly) {
            punch.confirm(nowNanos);
        }
        for (EarlyProbe p = earlyProbes.poll(); p != null; p = earlyProbes.poll()) {
            punch.handleDatagram(p.atNanos(), p.localPort(), p.source(), p.payload());
        }
        int extra = punch.plan().extraSockets(settings.punch());
        if (extra > 0) {
            phase = Phase.BINDING;
            events.add(new TraversalEvent.SocketsWanted(extra));
        } else {
            phase = Phase.PUNCHING;
            punch.start(nowNanos, List.of());
            drainPunchEvents();
        }
    }

    /** The driver bound the sockets of {@link TraversalEvent.SocketsWanted}: punching starts. */
    public void socketsBound(long nowNanos, List<Integer> localPorts) {
        if (phase != Phase.BINDING) {
            throw new IllegalStateException("no sockets were wanted; phase " + phase);
        }
        phase = Phase.PUNCHING;
        punch.start(nowNanos, localPorts);
        drainPunchEvents();
    }

    /** The driver could not bind the wanted sockets: the punch gives up with {@code reason}. */
    public void socketsFailed(String reason) {
        if (phase == Phase.BINDING) {
            fail("the birthday sockets could not be bound: " + reason);
        }
    }

    /**
     * The signalling confirmed the call: the callee received the ACK of its 200 OK. The peer has consented
     * to our probes; the punch runs its full schedule. Harmless on the caller, and when given again.
     */
    public void confirmed(long nowNanos) {
        if (phase == Phase.CLOSED || phase == Phase.FAILED) {
            return;
        }
        if (punch == null) {
            confirmedEarly = true;
            return;
        }
        punch.confirm(nowNanos);
        drainPunchEvents();
    }

    /**
     * A callee that controls (its offerer is an ICE-lite agent, which never controls) still awaits the peer's
     * consent: {@link #confirmed} or an authenticated packet, as a controlled callee does. Before {@link #peer}.
     */
    public void awaitConsent() {
        if (punch != null) {
            throw new IllegalStateException("consent is awaited from the start only");
        }
        awaitsConsent = true;
    }

    /**
     * The peer offered a TURN relayed address ({@code a=punch-relay}): checks it from the media port, every
     * {@code intervalNanos} until one of {@code attempts} checks is acknowledged, while the punch still runs or
     * after it gave up. While the punch runs, the outcome is a {@link TraversalEvent.RelayChecked} and the punch
     * goes on (a path it settles later is a {@link PunchEvent.Settled} as ever, and ends the checks); after the
     * give-up, an acknowledged check moves the path there ({@link PunchEvent.PathChanged} from the fallback to the
     * relayed address) and an unacknowledged one is a second {@link PunchEvent.GaveUp}. Asked again, or once the
     * punch settled, it does nothing.
     *
     * @return whether the checks started
     * @throws IllegalStateException before the punch started
     */
    public boolean checkRelay(long nowNanos, InetSocketAddress relayed, long intervalNanos, int attempts) {
        if (phase == Phase.CLOSED || relayCheck != null) {
            return false;
        }
        if (punch == null) {
            throw new IllegalStateException("a relayed address is checked only once the punch started");
        }
        if (punch.outcome().orElse(null) instanceof PunchEvent.Settled) {
            return false;
        }
        relayCheck = new RelayCheck(credentials, remote.credentials(), role, mediaPort(), relayed, intervalNanos,
                attempts, random, nowNanos);
        return true;
    }

    /** The checks of the peer's relayed address, once {@link #checkRelay} was asked. */
    public Optional<RelayCheck> relayCheck() {
        return Optional.ofNullable(relayCheck);
    }

    /** Whether the relay's checks run: asked for, and no direct path settled meanwhile. */
    private boolean relayChecking() {
        return relayCheck != null && phase != Phase.CLOSED
                && !(punch.outcome().orElse(null) instanceof PunchEvent.Settled);
    }

    private void afterRelayInput() {
        if (relayReported || relayCheck.outcome().isEmpty()) {
            return;
        }
        relayReported = true;
        PunchPath relayedPath = new PunchPath(mediaPort(), relayCheck.relayed());
        boolean answered = relayCheck.outcome().get() == RelayCheck.Outcome.ANSWERED;
        String unanswered = answered ? null
                : "relay: no answer from " + relayCheck.relayed() + " to " + relayCheck.checksSent() + " checks";
        if (punch.outcome().isEmpty()) {
            events.add(new TraversalEvent.RelayChecked(relayedPath, answered, unanswered));
            return;
        }
        PunchPath fallback = new PunchPath(mediaPort(), remote.reported());
        if (answered) {
            events.add(new TraversalEvent.Punch(new PunchEvent.PathChanged(fallback, relayedPath)));
        } else {
            events.add(new TraversalEvent.Punch(new PunchEvent.GaveUp(unanswered, Optional.of(fallback), 0,
                    punch.plan(), punch.stats())));
        }
    }

    /** A STUN Binding request (type 0x0001): what a probe is, before its integrity can be checked. */
    private static boolean isBindingRequest(byte[] payload) {
        return StunCodec.looksLikeStun(payload) && payload[0] == 0 && payload[1] == 1;
    }

    /** Ends everything: nothing more is sent, no timer is wanted, datagrams are no longer consumed. */
    public void close() {
        phase = Phase.CLOSED;
    }

    /** The local port of the media stream. */
    public int mediaPort() {
        return privateTuple.getPort();
    }

    /** This side's description, once discovered. */
    public Optional<PunchEndpoint> local() {
        return Optional.ofNullable(local);
    }

    /** The peer's description, once given. */
    public Optional<PunchEndpoint> remote() {
        return Optional.ofNullable(remote);
    }

    /** The punch plan, once the peer's description is known. */
    public Optional<PunchPlan> plan() {
        return punch == null ? Optional.empty() : Optional.of(punch.plan());
    }

    /** The punch engine's counters (zero before it exists). */
    public PunchStats punchStats() {
        return punch == null ? new PunchStats(0, 0, 0, 0, 0, 0) : punch.stats();
    }

    /** {@link PunchEvent.Settled} or {@link PunchEvent.GaveUp} once punching has ended. */
    public Optional<PunchEvent> punchOutcome() {
        return punch == null ? Optional.empty() : punch.outcome();
    }

    /** The path media goes on: the settled path, which only authenticated answers move. */
    public Optional<PunchPath> settledPath() {
        return punch == null ? Optional.empty() : punch.settledPath();
    }

    /**
     * What this call's discovery learned of the NAT, for the host's {@code NatKnowledgeCache}: after a full run
     * everything; after a run that started from knowledge the known filtering with this run's alternates and
     * silent servers (worth keeping when the servers changed since). Empty while discovering and after a
     * failed run.
     */
    public Optional<NatKnowledge> learnedKnowledge() {
        if (discovery == null) {
            return Optional.empty();
        }
        return discovery.outcome().filter(o -> o instanceof DiscoveryOutcome.Profiled)
                .map(o -> ((DiscoveryOutcome.Profiled) o).knowledge());
    }

    /** Why the method could not run for this call (discovery failed, sockets not bound), or empty. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The next event, or empty. */
    public Optional<TraversalEvent> pollEvent() {
        return Optional.ofNullable(events.poll());
    }

    @Override
    public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
        if (relayChecking() && relayCheck.handleDatagram(nowNanos, localPort, source, payload)) {
            afterRelayInput();
            return true;
        }
        switch (phase) {
            case DISCOVERING -> {
                boolean used = discovery.handleDatagram(nowNanos, localPort, source, payload);
                afterDiscoveryInput(nowNanos);
                return used;
            }
            case DISCOVERED, BINDING, PUNCHING -> {
                if (punch == null) {
                    // a probe before the peer is known cannot be checked yet (its key is in the SDP): kept
                    if (isBindingRequest(payload) && earlyProbes.size() < EARLY_PROBES) {
                        earlyProbes.add(new EarlyProbe(nowNanos, localPort, source, payload.clone()));
                        return true;
                    }
                    return false;
                }
                boolean used = punch.handleDatagram(nowNanos, localPort, source, payload);
                drainPunchEvents();
                return used;
            }
            default -> {
                return false;
            }
        }
    }

    @Override
    public void handleTimeout(long nowNanos) {
        if (relayDueAt.isPresent() && nowNanos - relayDueAt.getAsLong() >= 0) {
            relayDueAt = OptionalLong.empty();
            if (phase != Phase.CLOSED && punch.outcome().isEmpty()) {
                long after = settings.relayAfterNanos().getAsLong();
                events.add(new TraversalEvent.RelayWanted("no direct path within " + after / 1_000_000
                        + " ms; the punch goes on"));
            }
        }
        if (relayChecking()) {
            relayCheck.handleTimeout(nowNanos);
            afterRelayInput();
        }
        switch (phase) {
            case DISCOVERING -> {
                discovery.handleTimeout(nowNanos);
                afterDiscoveryInput(nowNanos);
            }
            case PUNCHING -> {
                punch.handleTimeout(nowNanos);
                drainPunchEvents();
            }
            default -> {
                // nothing is due
            }
        }
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        Optional<Transmit> next = switch (phase) {
            case DISCOVERING -> discovery.pollTransmit();
            case BINDING, PUNCHING -> punch.pollTransmit();
            default -> Optional.empty();
        };
        return next.isEmpty() && relayChecking() ? relayCheck.pollTransmit() : next;
    }

    @Override
    public OptionalLong pollTimeout() {
        OptionalLong next = switch (phase) {
            case DISCOVERING -> discovery.pollTimeout();
            case PUNCHING -> punch.pollTimeout();
            default -> OptionalLong.empty();
        };
        OptionalLong relay = relayChecking() ? relayCheck.pollTimeout() : OptionalLong.empty();
        OptionalLong due = phase != Phase.CLOSED && punch != null && punch.outcome().isEmpty()
                ? relayDueAt : OptionalLong.empty();
        return earliest(earliest(next, relay), due);
    }

    private static OptionalLong earliest(OptionalLong a, OptionalLong b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isPresent() ? a : b;
        }
        return OptionalLong.of(Math.min(a.getAsLong(), b.getAsLong()));
    }

    /**
     * The first answer's time from the start: the first request (every request, from knowledge) left at the
     * start, so this is a round trip, longer only when that request had to be sent again.
     */
    private OptionalLong roundTrip(NatProfile profile) {
        long first = profile.samples().stream().mapToLong(MappedTuple::atNanos).min().orElse(Long.MIN_VALUE);
        return first >= discoveryStartedAt ? OptionalLong.of(first - discoveryStartedAt) : OptionalLong.empty();
    }

    private void afterDiscoveryInput(long nowNanos) {
        Optional<DiscoveryOutcome> outcome = discovery.outcome();
        if (outcome.isEmpty()) {
            return;
        }
        long took = nowNanos - discoveryStartedAt;
        if (outcome.get() instanceof DiscoveryOutcome.Profiled profiled) {
            local = new PunchEndpoint(credentials, profiled.profile(), upnp);
            roundTrip = roundTrip(profiled.profile());
            phase = Phase.DISCOVERED;
            events.add(new TraversalEvent.Discovered(local, profiled.silentServers(), took));
        } else {
            DiscoveryOutcome.Failed failed = (DiscoveryOutcome.Failed) outcome.get();
            failure = "discovery failed: " + failed.reason();
            phase = Phase.FAILED;
            events.add(new TraversalEvent.DiscoveryFailed(failed.reason(), failed.silentServers(), took));
        }
    }

    private void fail(String reason) {
        failure = reason;
        phase = Phase.FAILED;
        events.add(new TraversalEvent.Punch(new PunchEvent.GaveUp(reason,
                Optional.of(new PunchPath(mediaPort(), remote.reported())), 0, punch.plan(), punch.stats())));
    }

    private void drainPunchEvents() {
        for (Optional<PunchEvent> e = punch.pollEvent(); e.isPresent(); e = punch.pollEvent()) {
            events.add(new TraversalEvent.Punch(e.get()));
        }
    }
}
