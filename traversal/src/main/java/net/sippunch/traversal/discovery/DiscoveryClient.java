package net.sippunch.traversal.discovery;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Learns how the NAT maps one local UDP port, sans-IO. It asks the first server, runs the RFC 5780
 * filtering tests when that server offers an alternate address, then asks the other servers (and the
 * alternate addresses of the first server that answers with one) one after another, so the mapped ports
 * come in allocation order.
 *
 * <p>With {@link NatKnowledge} from an earlier full run ({@link #withKnowledge}) it runs no filtering test
 * and sends every first request back to back at once, in target order (the NAT allocates its mappings in
 * that order, with no neighbour's flow between them), targets the knowledge names as silent first: their
 * requests, which no answer reports, then take ports before the sampled ones and not after the last sample a
 * peer predicts from. The profile comes one round trip later. Once two targets have answered, targets known
 * as silent are not waited for, and the others get the time of two retransmissions (a lost request or answer
 * would otherwise leave a mapping after the last sample). When fewer than two targets answered by then, the
 * alternate addresses an answering server names are asked too (the knowledge's alternates may belong to a
 * server that went down since).
 * Everything ends by the configured cap; the result is a {@link DiscoveryOutcome}.
 */
public final class DiscoveryClient implements DatagramSession {

    private static final Logger LOG = LogManager.getLogger(DiscoveryClient.class);
    /** With knowledge, stragglers are waited for this many initial RTOs: retransmissions leave at 1 and 3. */
    private static final int STRAGGLER_RTOS = 3;

    private final DiscoveryConfig config;
    private final InetSocketAddress privateTuple;
    private final int localPort;
    private final RandomGenerator random;
    private final long startedAt;
    private final long capAt;
    /** The knowledge of a run that skips the filtering tests; null for a full run. */
    private final NatKnowledge known;
    private final Set<InetSocketAddress> knownSilent = new HashSet<>();
    private final List<InetSocketAddress> targets;
    /** The targets added from OTHER-ADDRESS (or from the knowledge), in the order they were added. */
    private final List<InetSocketAddress> alternates = new ArrayList<>();
    /** Samples by the index of their target, which is the order their first requests were sent. */
    private final TreeMap<Integer, MappedTuple> samples = new TreeMap<>();
    private final List<InetSocketAddress> silent = new ArrayList<>();
    private final List<StunTransaction> pending = new ArrayList<>();
    private final ArrayDeque<Transmit> outbox = new ArrayDeque<>();

    private int nextTarget;
    private long advanceAt = Long.MAX_VALUE;
    private boolean alternatesAdded;
    private boolean filteringRunning;
    private FilteringBehavior filtering = FilteringBehavior.UNKNOWN;
    private boolean filteringAnswerChangeBoth;
    private boolean filteringAnswerChangePort;
    private boolean filteringInconclusive;
    private DiscoveryOutcome outcome;
    private long ignored;
    /** With knowledge: the longest round trip of an answer so far, and when the second target answered. */
    private long longestRtt;
    private long secondAnswerAt = -1;
    private long graceEndsAt = Long.MAX_VALUE;
    /** With knowledge: until when a target expected to answer is waited for (its first two retransmissions). */
    private long stragglersUntil;
    /** With knowledge: the OTHER-ADDRESS alternates of answering servers that were not asked, in order. */
    private final List<InetSocketAddress> unaskedAlternates = new ArrayList<>();

    /**
     * Starts a run; the first request is ready to poll at once.
     *
     * @param privateTuple the local address as seen from the host (IP of the route to the servers, and port)
     * @param localPort    the port requests leave from (the media port)
     */
    public DiscoveryClient(DiscoveryConfig config, InetSocketAddress privateTuple, int localPort,
                           RandomGenerator random, long nowNanos) {
        this(config, privateTuple, localPort, random, nowNanos, null);
    }

    /**
     * Starts a run that relies on {@code known} for what does not depend on the port: the filtering is the
     * known one, the targets are the configured servers then the known alternates (at most
     * {@link DiscoveryConfig#maxSamples()}), and every first request is ready to poll at once, in target order.
     * Targets known as silent leave first. The run ends when every target answered or gave up, or once two
     * have answered, after a grace for the others: {@code max(graceFloor, twice the longest round trip seen)}
     * (counted from the start, and at least the floor after the second answer), stretched to the round trip
     * after the second retransmission while a target not known as silent is still unanswered; targets known as
     * silent are not waited for once two have answered. With fewer than two answers by then, the alternate
     * addresses an answering server named are asked as well.
     *
     * @param privateTuple the local address as seen from the host (IP of the route to the servers, and port)
     * @param localPort    the port requests leave from (the media port)
     * @param known        what a full run learned with these servers from this local IP
     * @throws IllegalArgumentException when the knowledge was learned with other servers or another local IP
     */
    public static DiscoveryClient withKnowledge(DiscoveryConfig config, InetSocketAddress privateTuple, int localPort,
                                                RandomGenerator random, NatKnowledge known, long nowNanos) {
        if (!known.servers().equals(config.servers())) {
            throw new IllegalArgumentException("the knowledge was learned with the servers " + known.servers()
                    + ", not " + config.servers());
        }
        if (!known.localIp().equals(privateTuple.getAddress())) {
            throw new IllegalArgumentException("the knowledge was learned from " + known.localIp()
                    + ", not " + privateTuple.getAddress());
        }
        return new DiscoveryClient(config, privateTuple, localPort, random, nowNanos, known);
    }

    private DiscoveryClient(DiscoveryConfig config, InetSocketAddress privateTuple, int localPort,
                            RandomGenerator random, long nowNanos, NatKnowledge known) {
        this.config = config;
        this.privateTuple = privateTuple;
        this.localPort = localPort;
        this.random = random;
        this.startedAt = nowNanos;
        this.capAt = nowNanos + config.totalCap().toNanos();
        this.known = known;
        this.targets = new ArrayList<>(config.servers());
        if (known == null) {
            startNextSample(nowNanos);
            return;
        }
        filtering = known.filtering();
        alternatesAdded = true;
        knownSilent.addAll(known.silentServers());
        // the alternates that answered last time before those that did not, within the samples' cap
        List<InetSocketAddress> ranked = new ArrayList<>(known.alternates());
        ranked.sort(Comparator.comparing(knownSilent::contains));
        for (InetSocketAddress alt : ranked) {
            if (!targets.contains(alt)) {
                targets.add(alt);
                alternates.add(alt);
            }
        }
        List<InetSocketAddress> asked = new ArrayList<>(targets.subList(0, Math.min(targets.size(),
                config.maxSamples())));
        targets.clear();
        asked.stream().filter(knownSilent::contains).forEach(targets::add);
        asked.stream().filter(t -> !knownSilent.contains(t)).forEach(targets::add);
        for (int i = 0; i < targets.size(); i++) {
            start(nowNanos, i, targets.get(i), StunTransaction.Purpose.MAPPING, List.of(), capAt);
        }
        nextTarget = targets.size();
        stragglersUntil = Math.min(capAt, nowNanos + STRAGGLER_RTOS * config.initialRto().toNanos());
    }

    /** The outcome, once the run has ended. */
    public Optional<DiscoveryOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    /** Datagrams fed to this client that were not answers to its requests. */
    public long ignoredDatagrams() {
        return ignored;
    }

    @Override
    public boolean handleDatagram(long nowNanos, int port, InetSocketAddress source, byte[] payload) {
        if (outcome != null || port != localPort) {
            ignored++;
            return false;
        }
        StunDecodeResult result = StunCodec.decode(payload);
        if (!(result instanceof StunDecodeResult.Decoded decoded)) {
            ignored++;
            LOG.debug("ignored non-STUN or malformed datagram from {}", source);
            return false;
        }
        StunMessage m = decoded.message();
        StunTransaction tx = find(m);
        if (tx == null) {
            ignored++;
            LOG.debug("ignored STUN {} from {}: no such transaction", m.type(), source);
            return false;
        }
        pending.remove(tx);
        if (m.type() == StunClass.ERROR_RESPONSE) {
            LOG.debug("{} answered {} with {}", tx.destination(), tx.purpose(),
                    m.attribute(StunAttribute.ErrorCode.class).orElse(null));
            onFailed(nowNanos, tx, true);
            return true;
        }
        onAnswered(nowNanos, tx, m);
        return true;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        if (outcome != null) {
            return;
        }
        if (nowNanos >= capAt) {
            finish(nowNanos);
            return;
        }
        if (nowNanos >= graceEndsAt) {
            endIfKnowledgeSuffices(nowNanos); // the grace is over: finish, or ask an answering server's alternates
            if (outcome != null) {
                return;
            }
        }
        if (nowNanos >= advanceAt) {
            startNextSample(nowNanos);
        }
        for (StunTransaction tx : List.copyOf(pending)) {
            if (outcome != null) {
                return; // a give-up ended the run
            }
            if (tx.givesUpBy(nowNanos)) {
                pending.remove(tx);
                onFailed(nowNanos, tx, false);
            } else if (tx.retransmitDue(nowNanos)) {
                outbox.add(tx.retransmit(nowNanos));
            }
        }
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(outbox.poll());
    }

    @Override
    public OptionalLong pollTimeout() {
        if (outcome != null) {
            return OptionalLong.empty();
        }
        long next = Math.min(Math.min(capAt, advanceAt), graceEndsAt);
        for (StunTransaction tx : pending) {
            next = Math.min(next, tx.nextEventAt());
        }
        return OptionalLong.of(next);
    }

    private void onAnswered(long nowNanos, StunTransaction tx, StunMessage m) {
        switch (tx.purpose()) {
            case MAPPING -> {
                Optional<InetSocketAddress> mapped = m.attribute(StunAttribute.XorMappedAddress.class)
                        .map(StunAttribute.XorMappedAddress::address)
                        .or(() -> m.attribute(StunAttribute.MappedAddress.class).map(StunAttribute.MappedAddress::address));
                if (mapped.isEmpty()) {
                    onFailed(nowNanos, tx, true);
                    return;
                }
                samples.put(tx.index(), new MappedTuple(tx.destination(), mapped.get(), nowNanos));
                Optional<InetSocketAddress> other = m.attribute(StunAttribute.OtherAddress.class)
                        .map(StunAttribute.OtherAddress::address);
                if (known != null) {
                    longestRtt = Math.max(longestRtt, nowNanos - tx.startedAt());
                    other.ifPresent(o -> alternatesOf(tx.destination(), o).stream()
                            .filter(a -> !targets.contains(a) && !unaskedAlternates.contains(a))
                            .forEach(unaskedAlternates::add));
                    endIfKnowledgeSuffices(nowNanos);
                    return;
                }
                // the first server that answers naming its other address gives the alternates: the first
                // configured one normally, the next when the first is down
                if (!alternatesAdded && other.isPresent()) {
                    alternatesAdded = true;
                    addAlternates(tx.destination(), other.get());
                    // the filtering tests are valid only while no other address has been contacted
                    if (config.testFiltering() && tx.index() == 0 && nextTarget == 1) {
                        startFilteringTests(nowNanos, tx.destination());
                        return;
                    }
                }
                if (tx.index() == nextTarget - 1) {
                    startNextSample(nowNanos);
                } else {
                    advanceIfIdle(nowNanos);
                }
            }
            case FILTER_CHANGE_BOTH -> {
                filteringAnswerChangeBoth = true;
                pending.removeIf(t -> t.purpose() == StunTransaction.Purpose.FILTER_CHANGE_PORT);
                endFilteringIfDone(nowNanos);
            }
            case FILTER_CHANGE_PORT -> {
                filteringAnswerChangePort = true;
                endFilteringIfDone(nowNanos);
            }
        }
    }

    private void onFailed(long nowNanos, StunTransaction tx, boolean answeredWithError) {
        if (tx.purpose() == StunTransaction.Purpose.MAPPING) {
            if (!answeredWithError) {
                silent.add(tx.destination());
            }
            if (known != null) {
                endIfKnowledgeSuffices(nowNanos);
            } else if (tx.index() == nextTarget - 1) {
                startNextSample(nowNanos);
            } else {
                advanceIfIdle(nowNanos);
            }
        } else {
            // silence is the measurement; an error answer means the test could not run
            filteringInconclusive |= answeredWithError;
            endFilteringIfDone(nowNanos);
        }
    }

    private void startFilteringTests(long nowNanos, InetSocketAddress server) {
        filteringRunning = true;
        advanceAt = Long.MAX_VALUE;
        long giveUpAt = Math.min(capAt, nowNanos + config.filteringWait().toNanos());
        for (StunTransaction.Purpose p : List.of(StunTransaction.Purpose.FILTER_CHANGE_BOTH,
                StunTransaction.Purpose.FILTER_CHANGE_PORT)) {
            StunAttribute change = new StunAttribute.ChangeRequest(p == StunTransaction.Purpose.FILTER_CHANGE_BOTH, true);
            start(nowNanos, 0, server, p, List.of(change), giveUpAt);
        }
    }

    private void endFilteringIfDone(long nowNanos) {
        boolean filteringPending = pending.stream().anyMatch(t -> t.purpose() != StunTransaction.Purpose.MAPPING);
        if (filteringPending || !filteringRunning) {
            return;
        }
        filteringRunning = false;
        if (filteringAnswerChangeBoth) {
            filtering = FilteringBehavior.ENDPOINT_INDEPENDENT;
        } else if (filteringAnswerChangePort) {
            filtering = FilteringBehavior.ADDRESS_DEPENDENT;
        } else if (!filteringInconclusive) {
            filtering = FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT;
        }
        startNextSample(nowNanos);
    }

    /** With OTHER-ADDRESS B:q of server A:p, A:q and B:p tell address- from port-dependent mapping. */
    private void addAlternates(InetSocketAddress primary, InetSocketAddress other) {
        for (InetSocketAddress alt : alternatesOf(primary, other)) {
            if (!targets.contains(alt)) {
                targets.add(alt);
                alternates.add(alt);
            }
        }
    }

    /** The addresses of server {@code primary} whose OTHER-ADDRESS is {@code other}: B:q, A:q, B:p. */
    private static List<InetSocketAddress> alternatesOf(InetSocketAddress primary, InetSocketAddress other) {
        return List.of(other, new InetSocketAddress(primary.getAddress(), other.getPort()),
                new InetSocketAddress(other.getAddress(), primary.getPort()));
    }

    /**
     * With knowledge, after an answer or a give-up: ends the run when no target is left to wait for, or arms
     * (or moves) the grace once two targets have answered. Targets known as silent are waited for only
     * while fewer than two have answered.
     */
    private void endIfKnowledgeSuffices(long nowNanos) {
        long answered = samples.values().stream().map(MappedTuple::server).distinct().count();
        boolean expected = pending.stream().anyMatch(t -> t.purpose() == StunTransaction.Purpose.MAPPING
                && !knownSilent.contains(t.destination()));
        if (answered < 2 && !unaskedAlternates.isEmpty() && (nowNanos >= stragglersUntil || !expected)) {
            askUnaskedAlternates(nowNanos);
            return;
        }
        // while fewer than two answered every request is waited for, the known silent ones too
        boolean awaited = answered < 2
                ? pending.stream().anyMatch(t -> t.purpose() == StunTransaction.Purpose.MAPPING) : expected;
        if (!awaited) {
            finish(nowNanos);
            return;
        }
        if (answered >= 2) {
            if (secondAnswerAt < 0) {
                secondAnswerAt = nowNanos;
            }
            long grace = Math.max(secondAnswerAt + config.graceFloor().toNanos(), startedAt + 2 * longestRtt);
            if (expected) {
                grace = Math.max(grace, stragglersUntil + 2 * longestRtt);
            }
            graceEndsAt = Math.min(capAt, grace);
            if (nowNanos >= graceEndsAt) {
                finish(nowNanos);
            }
        } else if (!unaskedAlternates.isEmpty()) {
            graceEndsAt = Math.min(capAt, stragglersUntil); // then the alternates of an answering server
        }
    }

    /** Fewer than two targets answered: asks the alternate addresses an answering server named. */
    private void askUnaskedAlternates(long nowNanos) {
        LOG.debug("discovery: fewer than two targets answered; asking {}", unaskedAlternates);
        for (InetSocketAddress alt : unaskedAlternates) {
            targets.add(alt);
            alternates.add(alt);
            start(nowNanos, nextTarget++, alt, StunTransaction.Purpose.MAPPING, List.of(), capAt);
        }
        unaskedAlternates.clear();
        graceEndsAt = Long.MAX_VALUE;
        stragglersUntil = Math.min(capAt, nowNanos + STRAGGLER_RTOS * config.initialRto().toNanos());
    }

    /**
     * Asks the next target. Requests go out in target order, one at a time while answers come; a target
     * silent for two initial timeouts (six for the first) no longer holds up the next (its retransmissions go on), since the
     * NAT allocated its mapping on the first packet anyway.
     */
    private void startNextSample(long nowNanos) {
        if (nextTarget >= targets.size() || nextTarget >= config.maxSamples()) {
            advanceAt = Long.MAX_VALUE;
            finishIfIdle(nowNanos);
            return;
        }
        int index = nextTarget++;
        start(nowNanos, index, targets.get(index), StunTransaction.Purpose.MAPPING, List.of(), capAt);
        // the first server gets longer: its OTHER-ADDRESS decides the filtering tests and further targets
        long hold = (index == 0 ? 6 : 2) * config.initialRto().toNanos();
        advanceAt = Math.min(capAt, nowNanos + hold);
    }

    /**
     * After a late answer: asks the next target unless the latest request still holds it up. Its hold is over
     * when it ran out with nothing left to ask (no timer armed): targets a late answer just added (the
     * alternates of an RFC 5780 server) are asked at once.
     */
    private void advanceIfIdle(long nowNanos) {
        int latest = nextTarget - 1;
        boolean latestPending = pending.stream()
                .anyMatch(t -> t.purpose() == StunTransaction.Purpose.MAPPING && t.index() == latest);
        boolean holdOver = advanceAt == Long.MAX_VALUE && !filteringRunning;
        if (!latestPending || holdOver) {
            startNextSample(nowNanos);
        }
    }

    private void finishIfIdle(long nowNanos) {
        boolean moreToAsk = nextTarget < Math.min(targets.size(), config.maxSamples());
        if (pending.isEmpty() && !moreToAsk) {
            finish(nowNanos);
        }
    }

    private void start(long nowNanos, int index, InetSocketAddress destination, StunTransaction.Purpose purpose,
                       List<StunAttribute> extra, long giveUpAt) {
        StunTransaction tx = new StunTransaction(purpose, index, destination, localPort, random, extra,
                config.software(), nowNanos, config.initialRto().toNanos(), config.maxRetransmissions(), giveUpAt);
        pending.add(tx);
        outbox.add(tx.firstTransmit());
    }

    private StunTransaction find(StunMessage m) {
        if (m.type() != StunClass.SUCCESS_RESPONSE && m.type() != StunClass.ERROR_RESPONSE) {
            return null;
        }
        for (StunTransaction tx : pending) {
            if (tx.id().equals(m.transactionId())) {
                return tx;
            }
        }
        return null;
    }

    /** Ends the run: targets still unanswered are silent. */
    private void finish(long nowNanos) {
        if (outcome != null) {
            return;
        }
        for (StunTransaction tx : pending) {
            if (tx.purpose() == StunTransaction.Purpose.MAPPING) {
                silent.add(tx.destination());
            }
        }
        pending.clear();
        List<MappedTuple> ordered = List.copyOf(samples.values());
        List<InetSocketAddress> distinct = ordered.stream().map(MappedTuple::server).distinct().toList();
        if (distinct.size() >= 2) {
            NatKnowledge learned = new NatKnowledge(privateTuple.getAddress(), config.servers(), filtering,
                    alternates, silent, nowNanos);
            outcome = new DiscoveryOutcome.Profiled(
                    new NatClassifier(config.sequentialDeltaLimit()).classify(privateTuple, ordered, filtering),
                    silent, learned);
        } else if (distinct.isEmpty()) {
            outcome = new DiscoveryOutcome.Failed("no discovery server answered: " + silent, silent);
        } else {
            outcome = new DiscoveryOutcome.Failed("only " + distinct.get(0) + " answered; silent: " + silent
                    + "; a profile needs answers from two servers", silent);
        }
        LOG.debug("discovery finished: {}", outcome);
    }
}
