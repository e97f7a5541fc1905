package net.sippunch.traversal.punch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.stun.TransactionId;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The punch engine of one call side, sans-IO. Both sides run it symmetrically:
 * <ol>
 *   <li>probes (authenticated STUN Binding requests) to the peer's predicted tuple, every probe interval;</li>
 *   <li>the first authenticated probe that arrives is answered with an acknowledgement and its source is
 *       adopted: probes go there too;</li>
 *   <li>when nothing arrived within T, the shotgun of the {@link PunchPlan}'s strategy starts: new targets at
 *       the sweep rate, up to the probe cap;</li>
 *   <li>until the peer has consented (the callee: its first authenticated packet, or {@link #confirm} when
 *       the signalling confirmed the call, i.e. the ACK), the fixed targets are probed at a pace that backs
 *       off, {@value #PRE_CONSENT_FIXED_PROBES} probes at most all together, and the shotgun stops after
 *       {@value #PRE_CONSENT_SHOTGUN_PROBES} probes: an INVITE that names
 *       somebody else's address, never acknowledged, costs a bounded handful of probes, about what an ICE
 *       agent's first checks cost (ICE's voice-hammer rule), while a real call whose ACK was lost still gets
 *       the spray its NAT pair needs. The caller chose its peer and starts consented. On consent the full
 *       schedule runs, with its whole give-up time from then;</li>
 *   <li>the controlling side settles on the first path whose probe is acknowledged and nominates it
 *       (USE-CANDIDATE); the controlled side settles on a nominated path once its own probe there is
 *       acknowledged. Give-up after the configured time, with the reported tuple as fallback;</li>
 *   <li>once settled: consent checks (RFC 7675), which also keep the NAT mappings alive; a new source is
 *       adopted (NAT rebinding) only after it acknowledges a fresh probe.</li>
 * </ol>
 * Unauthenticated or wrongly keyed packets are dropped and counted; they never change where media goes.
 * A replay of an authenticated probe from another source than the one it first came from is dropped too
 * (not answered, no check sent there): an eavesdropper replaying the peer's probes gets nothing back.
 * Non-STUN datagrams (RTP, RTCP) are left to the caller: {@link #handleDatagram} returns {@code false}.
 */
public final class PunchSession implements DatagramSession {

    private static final Logger LOG = LogManager.getLogger(PunchSession.class);
    private static final Logger PROBES = LogManager.getLogger("sippunch.probes");
    private static final int MAX_PENDING = 16_384;
    private static final int MAX_BURST = 64;
    /** Authenticated probes remembered for replay detection (only the peer's probes can add to them). */
    private static final int MAX_PROBES_SEEN = 16_384;
    /** Before consent, each fixed target gets this many probes at the probe interval, then the pace backs off. */
    static final int PRE_CONSENT_FULL_PACE_PROBES = 8;
    /** Before consent, the backed-off interval of a fixed target doubles up to this. */
    static final long PRE_CONSENT_MAX_INTERVAL_NANOS = 1_600_000_000L;
    /** Before consent, the shotgun sends this many probes at most (half a second at the default sweep rate). */
    static final int PRE_CONSENT_SHOTGUN_PROBES = 200;
    /**
     * Before consent, the fixed targets together get this many probes at most: an offer that lists many
     * candidates (an ICE offer may carry 64 per component) costs no more than RFC 8445's cap of 100 pairs
     * checked once each. The extension's few fixed targets stay well within it.
     */
    static final int PRE_CONSENT_FIXED_PROBES = 100;
    /**
     * For this long after settling, a probe from another path of the peer is answered but starts no rebinding
     * check: crossing sweeps open more than one pair of flows, and the later pairs' probes, sent before the
     * peer settled, still arrive; under load they came 40 ms after settling and moved a path that worked.
     */
    static final long REBINDING_QUIET_NANOS = 1_000_000_000L;

    private enum State { IDLE, PUNCHING, SETTLED, FAILED, CLOSED }

    /** A probe waiting for its acknowledgement. */
    private record Pending(PunchPath path, String origin) {
    }

    private final PunchConfig config;
    /** Controlling or controlled; changes only on a role conflict (RFC 8445 section 7.3.1.1). */
    private PunchRole role;
    private final PunchEndpoint own;
    private final PunchEndpoint peer;
    private final PunchPlan plan;
    private final RandomGenerator random;
    private final ProbeCodec codec;
    private final int mediaPort;
    private final PortPredictor peerPredictor;
    /** T for this session: from the measured round trip, or the configured one. */
    private final long initialWait;

    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<PunchEvent> events = new ArrayDeque<>();
    private final Map<TransactionId, Pending> pending = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TransactionId, Pending> eldest) {
            return size() > MAX_PENDING;
        }
    };
    /** The transaction ids of authenticated probes received, with the path each first came from. */
    private final Map<TransactionId, PunchPath> probesSeen = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TransactionId, PunchPath> eldest) {
            return size() > MAX_PROBES_SEEN;
        }
    };
    /** Targets probed at the probe interval: predictions, reported tuples, adopted sources. */
    private final Map<PunchPath, FixedTarget> fixed = new LinkedHashMap<>();
    /** Our address as the peer saw it on each path it answered (the answers' XOR-MAPPED-ADDRESS), until settled. */
    private final Map<PunchPath, InetSocketAddress> seenAs = new HashMap<>();
    private final Set<PunchPath> confirmed = new HashSet<>();
    private final Set<PunchPath> nominatedByPeer = new HashSet<>();
    /** Sources the peer may have moved to, newest last; a few at most. */
    private final Set<PunchPath> rebindCandidates = new LinkedHashSet<>();

    private State state = State.IDLE;
    private long startedAt;
    private long giveUpAt;
    private int firstPrediction;
    private ProbeSchedule shotgun = new ProbeSchedule.None();
    private boolean shotgunRunning;
    private long shotgunAt;
    private long nextShotgunAt;
    private boolean probeArrived;
    private boolean consented;
    private boolean capReached;
    private PunchPath settled;
    private long settledAt;
    private PunchEvent outcome;
    private long lastAnswerAt;
    private long nextConsentAt;
    private long lingerUntil;
    private long nextLingerAt;

    private long probesSent;
    private long shotgunProbes;
    /** Probes to the fixed targets while the peer had not consented; see {@link #PRE_CONSENT_FIXED_PROBES}. */
    private int fixedProbesBeforeConsent;
    private long acknowledgementsSent;
    private long probesReceived;
    private long acknowledgementsReceived;
    private long dropped;

    /**
     * @param config tunables
     * @param role   controlling (caller) or controlled (callee)
     * @param own    this side as described in its SDP; its profile's private tuple names the media port
     * @param peer   the peer as described in its SDP; sample times on this session's clock
     * @param random randomness for transaction ids, spray order and consent jitter
     */
    public PunchSession(PunchConfig config, PunchRole role, PunchEndpoint own, PunchEndpoint peer,
                        RandomGenerator random) {
        this(config, role, own, peer, OptionalLong.empty(), random);
    }

    /**
     * @param roundTripNanos the round trip this side's discovery measured, which scales T
     *                       ({@link PunchConfig#initialWaitNanos(OptionalLong)}); empty: T is the configured one
     */
    public PunchSession(PunchConfig config, PunchRole role, PunchEndpoint own, PunchEndpoint peer,
                        OptionalLong roundTripNanos, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.role = Objects.requireNonNull(role, "role");
        this.own = Objects.requireNonNull(own, "own");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.random = Objects.requireNonNull(random, "random");
        this.plan = PunchPlan.decide(own, peer, role, config);
        // a standard peer's candidates name the component checked (RTCP on a port of its own, or RTP)
        int component = peer.candidates().isEmpty() ? Candidate.RTP : peer.candidates().get(0).component();
        this.codec = new ProbeCodec(own.credentials(), peer.credentials(), role, random.nextLong(), config.sha256(),
                component);
        this.mediaPort = own.profile().privateTuple().getPort();
        this.peerPredictor = PortPredictor.of(peer.profile());
        this.firstPrediction = peer.reported().getPort();
        this.consented = role == PunchRole.CONTROLLING;
        this.initialWait = config.initialWaitNanos(Objects.requireNonNull(roundTripNanos, "roundTripNanos"));
    }

    /** The strategy this side runs, decided at construction from both descriptions. */
    public PunchPlan plan() {
        return plan;
    }

    /** The settled path, once there is one. */
    public Optional<PunchPath> settledPath() {
        return Optional.ofNullable(settled);
    }

    /** The {@link PunchEvent.Settled} or {@link PunchEvent.GaveUp} event, once punching has ended. */
    public Optional<PunchEvent> outcome() {
        return Optional.ofNullable(outcome);
    }

    /** True once punching has ended, settled or not. */
    public boolean finished() {
        return outcome != null;
    }

    /** True once the peer has consented: the caller always; the callee after an authenticated packet or the ACK. */
    public boolean consented() {
        return consented;
    }

    /**
     * The signalling confirmed the call (the callee received the ACK): the peer has consented, the full
     * schedule runs. Before {@link #start} it takes effect at the start.
     */
    public void confirm(long nowNanos) {
        consent(nowNanos, "the signalling confirmed the call");
    }

    /**
     * The peer has not consented yet although this side is controlling (a callee facing an ICE-lite offerer
     * must control): the pre-consent pace and caps apply until {@link #confirm} or an authenticated packet.
     * Only before {@link #start}.
     */
    public void awaitConsent() {
        if (state != State.IDLE) {
            throw new IllegalStateException("consent is awaited from the start only");
        }
        consented = false;
    }

    /** This side's role now: the one it started with, unless a role conflict changed it. */
    public PunchRole role() {
        return role;
    }

    /** Counters so far. */
    public PunchStats stats() {
        return new PunchStats(probesSent, shotgunProbes, acknowledgementsSent, probesReceived,
                acknowledgementsReceived, dropped);
    }

    /**
     * Starts punching. The caller starts when the answer arrives, the callee as soon as it sends it.
     *
     * @param nowNanos   the current time
     * @param extraPorts local ports the driver bound for this session besides the media port; exactly
     *                   {@code plan().extraSockets(config)} of them
     */
    public void start(long nowNanos, List<Integer> extraPorts) {
        if (state != State.IDLE) {
            throw new IllegalStateException("already started");
        }
        if (extraPorts.size() != plan.extraSockets(config)) {
            throw new IllegalArgumentException("the plan needs " + plan.extraSockets(config) + " extra sockets, got "
                    + extraPorts.size());
        }
        state = State.PUNCHING;
        startedAt = nowNanos;
        long cap = plan.strategy() == Strategy.INFEASIBLE
                ? Math.max(config.initialWaitNanos(), 4 * config.probeIntervalNanos()) : config.giveUpNanos();
        giveUpAt = nowNanos + cap;
        PunchOpening opening = PunchOpening.of(plan, own, peer, peerPredictor, config, initialWait, mediaPort,
                extraPorts, random, nowNanos);
        opening.targets().forEach((path, origin) -> addFixed(path, nowNanos, origin));
        shotgun = opening.shotgun();
        shotgunAt = opening.shotgunAt();
        firstPrediction = opening.firstPrediction();
        nextShotgunAt = shotgunAt;
        LOG.debug("punch start: {} ({}), first prediction {}, T {} ms", plan.strategy(), plan.explanation(),
                firstPrediction, initialWait / 1_000_000);
        handleTimeout(nowNanos);
    }

    private void addFixed(PunchPath path, long at, String origin) {
        fixed.putIfAbsent(path, new FixedTarget(at, origin));
    }

    @Override
    public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
        ProbeCodec.Inbound inbound = codec.read(payload);
        PunchPath path = new PunchPath(localPort, source);
        if (inbound instanceof ProbeCodec.Inbound.NotStun) {
            return false;
        } else if (inbound instanceof ProbeCodec.Inbound.Dropped drop) {
            dropped++;
            LOG.debug("dropped from {}: {}", path, drop.reason());
        } else if (inbound instanceof ProbeCodec.Inbound.Probe probe) {
            PunchPath first = probesSeen.putIfAbsent(probe.id(), path);
            if ((first == null || first.equals(path)) && keepsRole(path, probe)) {
                onProbe(nowNanos, path, probe); // new, or a retransmission on its own path
            } else if (first != null && !first.equals(path)) {
                dropped++;
                LOG.debug("dropped from {}: replay of a probe that came from {}", path, first);
            }
        } else if (inbound instanceof ProbeCodec.Inbound.Acknowledgement ack) {
            onAcknowledgement(nowNanos, path, ack);
        } else if (inbound instanceof ProbeCodec.Inbound.RoleConflict conflict) {
            onRoleConflict(nowNanos, path, conflict.id());
        }
        if (state == State.PUNCHING) {
            serviceFixed(nowNanos);
        }
        return true;
    }

    private void onProbe(long now, PunchPath path, ProbeCodec.Inbound.Probe probe) {
        if (state == State.CLOSED) {
            dropped++;
            return;
        }
        probesReceived++;
        acknowledgementsSent++;
        consent(now, "an authenticated probe arrived from " + path);
        transmits.add(new Transmit(path.localPort(), path.remote(), codec.acknowledgement(probe.id(), path.remote())));
        PROBES.debug("probe in {} nominated={}, acknowledged", path, probe.nominated());
        switch (state) {
            case IDLE, PUNCHING -> {
                if (!probeArrived) {
                    probeArrived = true;
                    LOG.debug("first authenticated probe from {}: adopting its source", path);
                }
                // a triggered probe: at once, even where a periodic one was due later
                long at = state == State.IDLE ? Long.MIN_VALUE : now;
                FixedTarget target = fixed.get(path);
                if (target == null) {
                    fixed.put(path, new FixedTarget(at, "adopted the source of the peer's probe"));
                } else {
                    target.nextAt = Math.min(target.nextAt, at);
                }
                if (probe.nominated() && role == PunchRole.CONTROLLED) {
                    nominatedByPeer.add(path);
                    if (confirmed.contains(path)) {
                        settle(now, path, "nominated by the peer on a path our probe proved");
                    }
                }
            }
            case SETTLED -> {
                // a new source for the peer (NAT rebinding, or a replay): check it with a fresh probe; only
                // its authenticated answer moves the path. One check per probe received, so a lost one is
                // retried at the peer's own pace.
                if (!path.equals(settled) && path.localPort() == settled.localPort()
                        && now - settledAt >= REBINDING_QUIET_NANOS) {
                    if (rebindCandidates.add(path) && rebindCandidates.size() > 8) {
                        rebindCandidates.remove(rebindCandidates.iterator().next());
                    }
                    sendProbe(now, path, role == PunchRole.CONTROLLING, "rebinding check");
                }
            }
            case FAILED, CLOSED -> {
                // answered above, nothing else changes
            }
        }
    }

    /**
     * Resolves a role conflict a probe shows (RFC 8445 section 7.3.1.1): both sides claim the same role. The
     * larger tie-breaker (unsigned) keeps or takes the controlling role; when this side keeps its role the
     * probe is answered with 487 and goes no further. Returns whether the probe is to be processed.
     */
    private boolean keepsRole(PunchPath path, ProbeCodec.Inbound.Probe probe) {
        if (probe.peerRole().isEmpty() || probe.peerRole().get() != role || state == State.CLOSED) {
            return true;
        }
        boolean oursLarger = Long.compareUnsigned(codec.tieBreaker(), probe.peerTieBreaker()) >= 0;
        if ((role == PunchRole.CONTROLLING) == oursLarger) {
            transmits.add(new Transmit(path.localPort(), path.remote(), codec.roleConflict(probe.id())));
            LOG.info("role conflict with {}: both {}, ours kept, answered 487", path, role);
            return false;
        }
        switchRole("role conflict with " + path + ": both " + role + ", the peer's tie-breaker decides");
        return true;
    }

    /** The peer answered a probe of ours with 487: change role and probe that path again (section 7.2.5.1). */
    private void onRoleConflict(long now, PunchPath path, TransactionId id) {
        Pending probe = pending.get(id);
        if (probe == null || !probe.path().equals(path)) {
            dropped++;
            LOG.debug("role conflict answer from {} matches no probe sent there", path);
            return;
        }
        pending.remove(id);
        switchRole("the peer answered 487 (Role Conflict) from " + path);
        if (state == State.PUNCHING || (state == State.SETTLED && path.equals(settled))) {
            sendProbe(now, path, false, probe.origin() + ", again after a role conflict");
        }
    }

    private void switchRole(String why) {
        role = role == PunchRole.CONTROLLING ? PunchRole.CONTROLLED : PunchRole.CONTROLLING;
        codec.role(role);
        LOG.info("now {}: {}", role, why);
    }

    private void onAcknowledgement(long now, PunchPath path, ProbeCodec.Inbound.Acknowledgement ack) {
        TransactionId id = ack.id();
        Pending probe = pending.get(id);
        if (probe == null || !probe.path().equals(path)) {
            dropped++;
            LOG.debug("acknowledgement from {} matches no probe sent there", path);
            return;
        }
        pending.remove(id);
        acknowledgementsReceived++;
        confirmed.add(path);
        if (state == State.PUNCHING) {
            ack.mapped().ifPresent(mapped -> seenAs.put(path, mapped));
        }
        consent(now, "an authenticated answer arrived from " + path);
        PROBES.debug("acknowledgement in {} for {}", path, probe.origin());
        switch (state) {
            case PUNCHING -> {
                if (role == PunchRole.CONTROLLING) {
                    settle(now, path, probe.origin());
                } else if (nominatedByPeer.contains(path)) {
                    settle(now, path, "nominated by the peer, proven by " + probe.origin());
                } else {
                    addFixed(path, now + config.probeIntervalNanos(), probe.origin());
                }
            }
            case SETTLED -> {
                if (path.equals(settled)) {
                    lastAnswerAt = now;
                } else if (rebindCandidates.contains(path) && !seenFromUs(ack.mapped())) {
                    // the peer saw the check come from an address that is none of ours: someone relayed it
                    dropped++;
                    LOG.info("rebinding answer from {} dropped: the peer saw our check come from {}, not from us",
                            path, ack.mapped().map(Object::toString).orElse("nowhere"));
                } else if (rebindCandidates.contains(path)) {
                    PunchPath from = settled;
                    settled = path;
                    lastAnswerAt = now;
                    rebindCandidates.clear();
                    LOG.info("peer moved from {} to {} (authenticated)", from, path);
                    events.add(new PunchEvent.PathChanged(from, path));
                }
            }
            default -> {
                // late answers after a give-up change nothing
            }
        }
    }

    /**
     * Whether the peer saw our check come from one of our own addresses (a public IP discovery saw, the UPnP
     * tuple's, or the private one for a peer on our LAN). A check relayed by a third party is seen from the
     * relay's address: its answer must not move media there.
     */
    private boolean seenFromUs(Optional<InetSocketAddress> mapped) {
        if (mapped.isEmpty()) {
            return false;
        }
        InetAddress seen = mapped.get().getAddress();
        return seen.equals(own.profile().privateTuple().getAddress())
                || own.profile().samples().stream().anyMatch(t -> t.mapped().getAddress().equals(seen))
                || own.upnp().map(u -> u.getAddress().equals(seen)).orElse(false);
    }

    private void settle(long now, PunchPath path, String origin) {
        state = State.SETTLED;
        settled = path;
        settledAt = now;
        lastAnswerAt = now;
        nextConsentAt = now + jitteredConsentInterval();
        shotgunRunning = false;
        fixed.clear();
        String how = origin + "; remote port " + path.remote().getPort() + " is "
                + signed(path.remote().getPort() - firstPrediction) + " from the first prediction " + firstPrediction;
        LOG.info("settled {} after {} ms by {}: {}", path, (now - startedAt) / 1_000_000, plan.strategy(), how);
        outcome = new PunchEvent.Settled(path, now - startedAt, plan, how, stats(),
                Optional.ofNullable(seenAs.get(path)));
        seenAs.clear();
        events.add(outcome);
        if (role == PunchRole.CONTROLLING) {
            lingerUntil = now + config.settleLingerNanos();
            nextLingerAt = now;
            serviceSettled(now);
        }
    }

    private static String signed(int value) {
        return value >= 0 ? "+" + value : Integer.toString(value);
    }

    private long jitteredConsentInterval() {
        return (long) (config.consentIntervalNanos() * (0.8 + 0.4 * random.nextDouble()));
    }

    @Override
    public void handleTimeout(long nowNanos) {
        switch (state) {
            case PUNCHING -> {
                if (nowNanos >= giveUpAt) {
                    giveUp(nowNanos);
                    return;
                }
                serviceFixed(nowNanos);
                serviceShotgun(nowNanos);
            }
            case SETTLED -> serviceSettled(nowNanos);
            default -> {
                // nothing is due
            }
        }
    }

    private void serviceFixed(long now) {
        for (Map.Entry<PunchPath, FixedTarget> e : fixed.entrySet()) {
            FixedTarget target = e.getValue();
            if (target.nextAt <= now && !capReached() && fixedAllowed()) {
                sendProbe(now, e.getKey(), false, target.origin);
                target.probes++;
                if (!consented) {
                    fixedProbesBeforeConsent++;
                }
                target.nextAt = now + interval(target);
            }
        }
    }

    /** Whether the fixed targets may be probed: always once consented, within their budget before. */
    private boolean fixedAllowed() {
        return consented || fixedProbesBeforeConsent < PRE_CONSENT_FIXED_PROBES;
    }

    /** A fixed target's probe interval: the configured one once consented, backing off before. */
    private long interval(FixedTarget target) {
        if (consented || target.probes <= PRE_CONSENT_FULL_PACE_PROBES) {
            return config.probeIntervalNanos();
        }
        int doublings = Math.min(20, target.probes - PRE_CONSENT_FULL_PACE_PROBES);
        return Math.min(config.probeIntervalNanos() << doublings,
                Math.max(PRE_CONSENT_MAX_INTERVAL_NANOS, config.probeIntervalNanos()));
    }

    /** The peer consented: the full schedule from now, with the whole give-up time. */
    private void consent(long now, String why) {
        if (consented || state == State.CLOSED) {
            return;
        }
        consented = true;
        if (state != State.PUNCHING) {
            return;
        }
        LOG.debug("the peer consented after {} ms: {}", (now - startedAt) / 1_000_000, why);
        if (plan.strategy() != Strategy.INFEASIBLE) {
            giveUpAt = Math.max(giveUpAt, now + config.giveUpNanos());
        }
        for (FixedTarget target : fixed.values()) {
            if (target.probes > PRE_CONSENT_FULL_PACE_PROBES) {
                target.nextAt = Math.min(target.nextAt, now); // was backing off: back to the full pace
            }
        }
    }

    /** Whether the shotgun may send: always once consented, within its budget before. */
    private boolean shotgunAllowed() {
        return consented || shotgunProbes < PRE_CONSENT_SHOTGUN_PROBES;
    }

    private void serviceShotgun(long now) {
        if (!shotgunAllowed()) {
            return;
        }
        if (!shotgunRunning) {
            if (now < shotgunAt || (probeArrived && plan.strategy() != Strategy.BIRTHDAY_SOCKETS)) {
                return;
            }
            shotgunRunning = true;
            nextShotgunAt = now;
            LOG.debug("nothing within T: shotgun {} starts", plan.strategy());
        }
        long period = 1_000_000_000L / config.sweepRate();
        int burst = 0;
        while (nextShotgunAt <= now && !capReached() && shotgunAllowed() && burst++ < MAX_BURST) {
            Optional<PunchPath> target = shotgun.next(now);
            if (target.isEmpty()) {
                nextShotgunAt = now + config.probeIntervalNanos();
                return;
            }
            shotgunProbes++;
            sendProbe(now, target.get(), false, "shotgun probe " + shotgunProbes + " to port "
                    + target.get().remote().getPort());
            nextShotgunAt += period;
        }
        if (nextShotgunAt <= now) {
            nextShotgunAt = now + period;
        }
    }

    private boolean capReached() {
        if (probesSent >= config.maxProbes() && !capReached) {
            capReached = true;
            LOG.debug("probe cap {} reached", config.maxProbes());
        }
        return capReached;
    }

    private void serviceSettled(long now) {
        if (now - lastAnswerAt >= config.consentTimeoutNanos()) {
            state = State.CLOSED;
            LOG.info("consent lost on {}: no authenticated answer for {} ms", settled, (now - lastAnswerAt) / 1_000_000);
            events.add(new PunchEvent.ConsentLost(settled, now - lastAnswerAt));
            return;
        }
        boolean nominate = role == PunchRole.CONTROLLING;
        if (nominate && now < lingerUntil && now >= nextLingerAt) {
            sendProbe(now, settled, true, "nomination");
            nextLingerAt = now + config.probeIntervalNanos();
        }
        if (now >= nextConsentAt) {
            sendProbe(now, settled, nominate, "consent check");
            nextConsentAt = now + jitteredConsentInterval();
        }
    }

    private void sendProbe(long now, PunchPath path, boolean nominate, String origin) {
        TransactionId id = TransactionId.random(random);
        pending.put(id, new Pending(path, origin));
        probesSent++;
        transmits.add(new Transmit(path.localPort(), path.remote(), codec.probe(id, nominate)));
        PROBES.trace("probe out {} ({})", path, origin);
    }

    private void giveUp(long now) {
        state = State.FAILED;
        shotgunRunning = false;
        fixed.clear();
        String reason = plan.strategy() == Strategy.INFEASIBLE ? plan.explanation()
                : "no acknowledged probe within " + (now - startedAt) / 1_000_000 + " ms (" + probesSent
                        + " probes" + (capReached ? ", cap reached" : "") + ", " + probesReceived
                        + " authenticated probes received" + (consented ? ""
                                : "; the peer never confirmed the call: no ACK, no authenticated packet") + ")";
        Optional<PunchPath> fallback = Optional.of(new PunchPath(mediaPort, peer.reported()));
        LOG.info("gave up: {}", reason);
        outcome = new PunchEvent.GaveUp(reason, fallback, now - startedAt, plan, stats());
        events.add(outcome);
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(transmits.poll());
    }

    /** The next event, or empty. */
    public Optional<PunchEvent> pollEvent() {
        return Optional.ofNullable(events.poll());
    }

    @Override
    public OptionalLong pollTimeout() {
        return switch (state) {
            case PUNCHING -> {
                long next = giveUpAt;
                if (!capReached) {
                    if (fixedAllowed()) {
                        for (FixedTarget target : fixed.values()) {
                            next = Math.min(next, target.nextAt);
                        }
                    }
                    if (shotgunAllowed() && !(shotgun instanceof ProbeSchedule.None) && !(probeArrived && !shotgunRunning
                            && plan.strategy() != Strategy.BIRTHDAY_SOCKETS)) {
                        next = Math.min(next, shotgunRunning ? nextShotgunAt : shotgunAt);
                    }
                }
                yield OptionalLong.of(next);
            }
            case SETTLED -> {
                long next = Math.min(lastAnswerAt + config.consentTimeoutNanos(), nextConsentAt);
                if (role == PunchRole.CONTROLLING && nextLingerAt < lingerUntil) {
                    next = Math.min(next, nextLingerAt);
                }
                yield OptionalLong.of(next);
            }
            default -> OptionalLong.empty();
        };
    }

    /** A target probed at the probe interval: when its next probe is due, and why it is probed. */
    private static final class FixedTarget {
        private long nextAt;
        private int probes;
        private final String origin;

        private FixedTarget(long nextAt, String origin) {
            this.nextAt = nextAt;
            this.origin = origin;
        }
    }
}
