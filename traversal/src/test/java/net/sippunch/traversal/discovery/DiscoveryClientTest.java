package net.sippunch.traversal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The discovery client against the real {@link BindingResponder} on a virtual clock, through a small NAT
 * model of this test's own (the full simulator lives in the sim package).
 */
class DiscoveryClientTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress PRIVATE = address("10.0.0.2", 40000);
    private static final InetAddress PUBLIC_IP = ip("198.18.1.1");
    private static final InetSocketAddress S1 = address("198.18.0.21", 3478);
    private static final InetSocketAddress S2 = address("198.18.0.31", 3479);
    private static final ServerAddresses RFC5780 = new ServerAddresses(List.of(S1, S2));

    /** A NAT of the test: how it maps, how it filters, and which packets the wire loses. */
    static final class Nat {
        final Map<InetSocketAddress, Integer> mappings = new HashMap<>();
        final Set<InetSocketAddress> contacted = new HashSet<>();
        final MappingBehavior mapping;
        final FilteringBehavior filtering;
        final PortAllocation allocation;
        final int delta;
        int next = 50000;
        final SplittableRandom random = new SplittableRandom(1);

        Nat(MappingBehavior mapping, FilteringBehavior filtering, PortAllocation allocation, int delta) {
            this.mapping = mapping;
            this.filtering = filtering;
            this.allocation = allocation;
            this.delta = delta;
        }

        InetSocketAddress outbound(InetSocketAddress destination) {
            contacted.add(destination);
            if (mapping == MappingBehavior.NO_NAT) {
                return PRIVATE;
            }
            InetSocketAddress key = mapping == MappingBehavior.ENDPOINT_INDEPENDENT ? S1 : destination;
            int port = mappings.computeIfAbsent(key, k -> allocate());
            return new InetSocketAddress(PUBLIC_IP, port);
        }

        private int allocate() {
            boolean first = mappings.isEmpty();
            return switch (allocation) {
                case PRESERVING -> PRIVATE.getPort();
                case SECOND_PRIORITY -> first ? PRIVATE.getPort() : (next += delta);
                case SEQUENTIAL -> next += delta;
                default -> 1024 + random.nextInt(64000);
            };
        }

        boolean inboundAllowed(InetSocketAddress from) {
            return switch (filtering) {
                case ENDPOINT_INDEPENDENT -> true;
                case ADDRESS_DEPENDENT -> contacted.stream().anyMatch(c -> c.getAddress().equals(from.getAddress()));
                default -> contacted.contains(from);
            };
        }
    }

    record Delivery(long at, InetSocketAddress from, byte[] payload) {
    }

    /** Runs the client to its outcome; {@code lose} picks outbound transmits the wire drops. */
    static DiscoveryOutcome run(DiscoveryConfig config, Nat nat, Predicate<Transmit> lose, long oneWayNanos,
                                List<InetSocketAddress> deadServers) {
        return run(config, nat, lose, oneWayNanos, deadServers, List.of(RFC5780));
    }

    /** The same with several discovery servers: each answers on its own addresses. */
    static DiscoveryOutcome run(DiscoveryConfig config, Nat nat, Predicate<Transmit> lose, long oneWayNanos,
                                List<InetSocketAddress> deadServers, List<ServerAddresses> servers) {
        DiscoveryClient client = new DiscoveryClient(config, PRIVATE, PRIVATE.getPort(), new SplittableRandom(9), 0);
        return drive(client, config, nat, lose, oneWayNanos, deadServers, servers).outcome();
    }

    /** How a driven run ended: its outcome, when, and where the requests sent at time 0 went, in order. */
    record Ended(DiscoveryOutcome outcome, long atNanos, List<InetSocketAddress> sentAtStart) {
    }

    /** Drives {@code client}, started at time 0, to its outcome against the RFC 5780 server. */
    static Ended drive(DiscoveryClient client, DiscoveryConfig config, Nat nat, long oneWayNanos,
                       List<InetSocketAddress> deadServers) {
        return drive(client, config, nat, t -> false, oneWayNanos, deadServers, List.of(RFC5780));
    }

    static Ended drive(DiscoveryClient client, DiscoveryConfig config, Nat nat, Predicate<Transmit> lose,
                       long oneWayNanos, List<InetSocketAddress> deadServers, List<ServerAddresses> servers) {
        Map<InetSocketAddress, BindingResponder> responders = new HashMap<>();
        for (ServerAddresses server : servers) {
            BindingResponder responder = new BindingResponder(server, "test");
            server.bindAddresses().forEach(a -> responders.put(a, responder));
        }
        long now = 0;
        List<InetSocketAddress> sentAtStart = new ArrayList<>();
        PriorityQueue<Delivery> wire = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
        for (int steps = 0; steps < 10_000 && client.outcome().isEmpty(); steps++) {
            for (Optional<Transmit> t = client.pollTransmit(); t.isPresent(); t = client.pollTransmit()) {
                Transmit tx = t.get();
                if (now == 0) {
                    sentAtStart.add(tx.destination());
                }
                InetSocketAddress source = nat.outbound(tx.destination());
                if (lose.test(tx) || deadServers.contains(tx.destination())) {
                    continue;
                }
                long arrival = now + 2 * oneWayNanos;
                responders.getOrDefault(tx.destination(), responders.get(S1))
                        .respond(tx.destination(), source, tx.payload())
                        .filter(reply -> nat.inboundAllowed(reply.from()))
                        .ifPresent(reply -> wire.add(new Delivery(arrival, reply.from(), reply.payload())));
            }
            long timeout = client.pollTimeout().orElse(Long.MAX_VALUE);
            Delivery d = wire.peek();
            if (d != null && d.at <= timeout) {
                wire.poll();
                now = d.at;
                // an answer to a test already decided (the other filtering test) is ignored: no assertion here
                client.handleDatagram(now, PRIVATE.getPort(), d.from, d.payload);
            } else if (timeout != Long.MAX_VALUE) {
                now = timeout;
                client.handleTimeout(now);
            }
        }
        assertTrue(now <= config.totalCap().toNanos(), "ended by the cap");
        return new Ended(client.outcome().orElseThrow(), now, sentAtStart);
    }

    static NatProfile profile(Nat nat) {
        DiscoveryOutcome o = run(DiscoveryConfig.defaults(List.of(S1, S2)), nat, t -> false, 5 * MS, List.of());
        return assertInstanceOf(DiscoveryOutcome.Profiled.class, o, o.toString()).profile();
    }

    @Test
    void noNatIsOpen() {
        NatProfile p = profile(new Nat(MappingBehavior.NO_NAT, FilteringBehavior.ENDPOINT_INDEPENDENT,
                PortAllocation.PRESERVING, 0));
        assertEquals(NatType.OPEN, p.type());
        assertEquals(4, p.samples().size(), "two servers and the two crossed RFC 5780 addresses");
        assertEquals(0, p.delta());
    }

    @ParameterizedTest
    @EnumSource(value = FilteringBehavior.class, names = {"ENDPOINT_INDEPENDENT", "ADDRESS_DEPENDENT",
            "ADDRESS_AND_PORT_DEPENDENT"})
    void coneFilteringIsMeasured(FilteringBehavior filtering) {
        NatProfile p = profile(new Nat(MappingBehavior.ENDPOINT_INDEPENDENT, filtering, PortAllocation.SEQUENTIAL, 1));
        assertEquals(MappingBehavior.ENDPOINT_INDEPENDENT, p.mapping());
        assertEquals(filtering, p.filtering());
        NatType expected = switch (filtering) {
            case ENDPOINT_INDEPENDENT -> NatType.FULL_CONE;
            case ADDRESS_DEPENDENT -> NatType.RESTRICTED_CONE;
            default -> NatType.PORT_RESTRICTED_CONE;
        };
        assertEquals(expected, p.type());
    }

    @Test
    void sequentialSymmetricGivesItsDelta() {
        NatProfile p = profile(new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.SEQUENTIAL, 2));
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type());
        assertEquals(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, p.mapping());
        assertEquals(2, p.delta());
        assertEquals(List.of(2, 2, 2), p.deltas());
    }

    @Test
    void secondPriorityKeepsTheFirstPort() {
        NatProfile p = profile(new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.SECOND_PRIORITY, 1));
        assertEquals(NatType.SYMMETRIC_SECOND_PRIORITY, p.type());
        assertEquals(PRIVATE.getPort(), p.samples().get(0).port());
    }

    @Test
    void randomSymmetricIsRandom() {
        NatProfile p = profile(new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.RANDOM, 0));
        assertEquals(NatType.SYMMETRIC_RANDOM, p.type());
    }

    @Test
    void lostRequestsAreRetransmitted() {
        int[] seen = new int[1];
        Nat nat = new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, 1);
        DiscoveryOutcome o = run(DiscoveryConfig.defaults(List.of(S1, S2)), nat,
                t -> seen[0]++ % 2 == 0, 5 * MS, List.of()); // every other request is lost
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, o, o.toString()).profile();
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type());
        assertTrue(o.silentServers().isEmpty());
    }

    @Test
    void aSilentFirstServerDoesNotStopTheOthers() {
        InetSocketAddress s3 = address("198.18.0.41", 3478);
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2, s3));
        Nat nat = new Nat(MappingBehavior.NO_NAT, FilteringBehavior.ENDPOINT_INDEPENDENT, PortAllocation.PRESERVING, 0);
        DiscoveryOutcome o = run(config, nat, t -> false, 5 * MS, List.of(S1));
        assertInstanceOf(DiscoveryOutcome.Profiled.class, o, o.toString());
        assertEquals(List.of(S1), o.silentServers());
    }

    @Test
    void aFirstServerDownLeavesTheAlternatesOfTheSecond() {
        InetSocketAddress t1 = address("198.18.0.22", 3478);
        InetSocketAddress t2 = address("198.18.0.32", 3479);
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, t1));
        Nat nat = new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, 1);
        // the first server's host is down, all four of its addresses; the second is another RFC 5780 server
        List<InetSocketAddress> firstHost = List.of(S1, S2, address("198.18.0.21", 3479), address("198.18.0.31", 3478));
        DiscoveryOutcome o = run(config, nat, t -> false, 5 * MS, firstHost,
                List.of(RFC5780, new ServerAddresses(List.of(t1, t2))));
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, o, o.toString()).profile();
        assertEquals(List.of(S1), o.silentServers());
        assertEquals(List.of(t1, t2, address("198.18.0.22", 3479)),
                p.samples().stream().map(s -> s.server()).toList(), "the second server and its alternates");
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type());
        assertEquals(FilteringBehavior.UNKNOWN, p.filtering(), "another address was contacted first");
    }

    @Test
    void alternatesFromALateFirstAnswerAreAskedWhileTheSecondServerIsSilent() {
        InetSocketAddress t1 = address("198.18.0.22", 3478);
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, t1)).withTotalCap(Duration.ofMillis(2000));
        Nat nat = new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, 1);
        // the first four requests to S1 are lost (sent at 0, 100, 300 and 700 ms): its answer comes at 1.5 s,
        // after the second server's hold ran out with nothing left to ask; the second server never answers
        int[] toFirst = new int[1];
        DiscoveryOutcome o = run(config, nat, t -> t.destination().equals(S1) && toFirst[0]++ < 4, 5 * MS,
                List.of(t1));
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, o, o.toString()).profile();
        assertEquals(List.of(t1), o.silentServers());
        assertEquals(List.of(S1, S2), p.samples().stream().map(s -> s.server()).toList().subList(0, 2));
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type());
    }

    @Test
    void aSlowFirstAnswerStillAddsTheAlternatesButSkipsTheFilteringTests() {
        DiscoveryConfig config = new DiscoveryConfig(List.of(S1, S2), 4, Duration.ofMillis(100), 4,
                Duration.ofMillis(4000), true, Duration.ofMillis(400), 256, "");
        Nat nat = new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, 1);
        // 400 ms each way: the first answer comes after the second server was already asked (hold 600 ms)
        DiscoveryOutcome o = run(config, nat, t -> false, 400 * MS, List.of());
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, o, o.toString()).profile();
        assertEquals(4, p.samples().size());
        assertEquals(FilteringBehavior.UNKNOWN, p.filtering(), "the other address was contacted first");
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type());
    }

    @Test
    void noAnswerIsAFailureNamingTheServers() {
        Nat nat = new Nat(MappingBehavior.NO_NAT, FilteringBehavior.ENDPOINT_INDEPENDENT, PortAllocation.PRESERVING, 0);
        DiscoveryOutcome o = run(DiscoveryConfig.defaults(List.of(S1, S2)), nat, t -> true, 5 * MS, List.of());
        DiscoveryOutcome.Failed f = assertInstanceOf(DiscoveryOutcome.Failed.class, o);
        assertEquals(List.of(S1, S2), f.silentServers());
        assertTrue(f.reason().contains("198.18.0.21"), f.reason());
    }

    @Test
    void withoutRfc5780FilteringStaysUnknown() {
        DiscoveryConfig config = new DiscoveryConfig(List.of(S1, S2), 2, Duration.ofMillis(100), 4,
                Duration.ofMillis(1500), false, Duration.ofMillis(400), 256, "");
        Nat nat = new Nat(MappingBehavior.ENDPOINT_INDEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, 1);
        DiscoveryOutcome o = run(config, nat, t -> false, 5 * MS, List.of());
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, o).profile();
        assertEquals(FilteringBehavior.UNKNOWN, p.filtering());
        assertEquals(NatType.CONE_FILTERING_UNKNOWN, p.type());
    }

    @Test
    void strayDatagramsAreIgnoredAndCounted() {
        DiscoveryClient client = new DiscoveryClient(DiscoveryConfig.defaults(List.of(S1, S2)), PRIVATE,
                PRIVATE.getPort(), new SplittableRandom(1), 0);
        assertFalse(client.handleDatagram(1, PRIVATE.getPort(), S1, new byte[] {1, 2, 3}));
        assertFalse(client.handleDatagram(1, PRIVATE.getPort(), S1, new byte[40]));
        assertEquals(2, client.ignoredDatagrams());
        assertTrue(client.outcome().isEmpty());
    }

    /** The crossed RFC 5780 addresses S1's OTHER-ADDRESS gives, in the order discovery adds them. */
    private static final List<InetSocketAddress> ALTERNATES = List.of(address("198.18.0.21", 3479),
            address("198.18.0.31", 3478));

    private static Nat sequential() {
        return new Nat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, 2);
    }

    /** A run from {@code known}, started at time 0. */
    private static DiscoveryClient warm(DiscoveryConfig config, NatKnowledge known) {
        return DiscoveryClient.withKnowledge(config, PRIVATE, PRIVATE.getPort(), new SplittableRandom(9), known, 0);
    }

    private static NatKnowledge knowledge(List<InetSocketAddress> silent) {
        return new NatKnowledge(PRIVATE.getAddress(), List.of(S1, S2), FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                ALTERNATES, silent, 0);
    }

    @Test
    void aFullRunLearnsTheFilteringAndTheAlternates() {
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2));
        Ended full = drive(new DiscoveryClient(config, PRIVATE, PRIVATE.getPort(), new SplittableRandom(9), 0), config,
                sequential(), 5 * MS, List.of());
        DiscoveryOutcome.Profiled p = assertInstanceOf(DiscoveryOutcome.Profiled.class, full.outcome());
        assertEquals(new NatKnowledge(PRIVATE.getAddress(), List.of(S1, S2),
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, ALTERNATES, List.of(), full.atNanos()), p.knowledge());
        assertTrue(full.atNanos() >= 400 * MS, "the filtering tests waited: " + full.atNanos());
    }

    @Test
    void withKnowledgeEveryRequestLeavesAtOnceAndTheProfileComesOneRoundTripLater() {
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2));
        Ended ended = drive(warm(config, knowledge(List.of())), config, sequential(), 5 * MS, List.of());
        assertEquals(List.of(S1, S2, ALTERNATES.get(0), ALTERNATES.get(1)), ended.sentAtStart(),
                "all at once, in target order");
        assertEquals(10 * MS, ended.atNanos(), "one round trip");
        DiscoveryOutcome.Profiled p = assertInstanceOf(DiscoveryOutcome.Profiled.class, ended.outcome());
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.profile().type());
        assertEquals(List.of(2, 2, 2), p.profile().deltas());
        assertEquals(FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, p.profile().filtering(), "the known filtering");
        assertEquals(knowledge(List.of()).alternates(), p.knowledge().alternates());
        assertEquals(10 * MS, p.knowledge().learnedAtNanos());
    }

    @Test
    void withKnowledgeAServerSilentSinceTheLearningIsWaitedForTwoRetransmissions() {
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2));
        // 5 ms each way: three answers at 10 ms; the fourth could be a lost request or answer, whose mapping
        // would follow the last sample: its retransmissions at 100 and 300 ms get a round trip each
        Ended fast = drive(warm(config, knowledge(List.of())), config, sequential(), 5 * MS, List.of(S2));
        assertEquals(320 * MS, fast.atNanos());
        assertEquals(List.of(S2), fast.outcome().silentServers());
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, fast.outcome()).profile();
        assertEquals(3, p.samples().size());
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type());
        // 50 ms each way: answers at 100 ms, the second retransmission at 300 ms gets its round trip
        Ended slow = drive(warm(config, knowledge(List.of())), config, sequential(), 50 * MS, List.of(S2));
        assertEquals(500 * MS, slow.atNanos(), "two retransmissions, not the cap");
        assertEquals(List.of(S2), slow.outcome().silentServers());
        assertEquals(List.of(S2),
                assertInstanceOf(DiscoveryOutcome.Profiled.class, slow.outcome()).knowledge().silentServers());
    }

    @Test
    void withKnowledgeALostAnswerIsWaitedForSoTheLastSampleIsTheLastMapping() {
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2));
        boolean[] lostOnce = {false};
        Predicate<Transmit> loseTheLastTargetsFirstRequest = t -> {
            if (t.destination().equals(ALTERNATES.get(1)) && !lostOnce[0]) {
                lostOnce[0] = true;
                return true;
            }
            return false;
        };
        Ended ended = drive(warm(config, knowledge(List.of())), config, sequential(), loseTheLastTargetsFirstRequest,
                5 * MS, List.of(), List.of(RFC5780));
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, ended.outcome()).profile();
        assertEquals(4, p.samples().size(), "the retransmission's answer is a sample");
        assertEquals(List.of(2, 2, 2), p.deltas());
        assertEquals(110 * MS, ended.atNanos(), "the retransmission at 100 ms, answered 10 ms later");
    }

    @Test
    void withKnowledgeTargetsKnownSilentLeaveFirst() {
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2));
        Ended ended = drive(warm(config, knowledge(List.of(S2))), config, sequential(), 5 * MS, List.of(S2));
        // the silent target's mapping comes before the sampled ones, not after the last sample
        assertEquals(List.of(S2, S1, ALTERNATES.get(0), ALTERNATES.get(1)), ended.sentAtStart());
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, ended.outcome()).profile();
        assertEquals(List.of(2, 2), p.deltas());
    }

    @Test
    void withKnowledgeAFirstServerDownSinceTheLearningGivesWayToTheOtherServersAlternates() {
        InetSocketAddress s3 = address("198.18.0.22", 3478);
        InetSocketAddress s3other = address("198.18.0.32", 3479);
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, s3));
        // learned while S1 was up: its alternates are the known ones; now S1's host is down
        NatKnowledge known = new NatKnowledge(PRIVATE.getAddress(), List.of(S1, s3),
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, List.of(S2, ALTERNATES.get(0)), List.of(), 0);
        List<InetSocketAddress> down = List.of(S1, S2, ALTERNATES.get(0), ALTERNATES.get(1),
                address("198.18.0.22", 3479), address("198.18.0.32", 3478));
        Ended ended = drive(warm(config, known), config, sequential(), t -> false, 5 * MS, down,
                List.of(RFC5780, new ServerAddresses(List.of(s3, s3other))));
        DiscoveryOutcome.Profiled p = assertInstanceOf(DiscoveryOutcome.Profiled.class, ended.outcome());
        assertEquals(List.of(s3, s3other), p.profile().samples().stream().map(MappedTuple::server).toList());
        assertTrue(p.silentServers().containsAll(List.of(S1, S2)), p.silentServers().toString());
        // S1's addresses get two retransmissions (300 ms), then s3's alternates are asked: one answers at 310 ms,
        // the other two (down as well) get their two retransmissions in turn
        assertEquals(620 * MS, ended.atNanos());
    }

    @Test
    void withKnowledgeTheAlternatesThatAnsweredLastTimeAreAskedBeforeThoseThatDidNot() {
        InetSocketAddress s3 = address("198.18.0.22", 3478);
        InetSocketAddress s3other = address("198.18.0.32", 3479);
        InetSocketAddress s3crossed = address("198.18.0.22", 3479);
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, s3));
        // learned after S1's host went down: its addresses silent, s3's alternates answering
        NatKnowledge known = new NatKnowledge(PRIVATE.getAddress(), List.of(S1, s3),
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, List.of(S2, ALTERNATES.get(0), s3other, s3crossed),
                List.of(S1, S2, ALTERNATES.get(0)), 0);
        Ended ended = drive(warm(config, known), config, sequential(), t -> false, 5 * MS,
                List.of(S1, S2, ALTERNATES.get(0)),
                List.of(RFC5780, new ServerAddresses(List.of(s3, s3other))));
        assertEquals(List.of(S1, s3, s3other, s3crossed), ended.sentAtStart(), "the silent server first");
        DiscoveryOutcome.Profiled p = assertInstanceOf(DiscoveryOutcome.Profiled.class, ended.outcome());
        assertEquals(3, p.profile().samples().size());
        assertEquals(10 * MS, ended.atNanos(), "one round trip: nothing known silent is waited for");
    }

    @Test
    void withKnowledgeAServerKnownSilentIsNotWaitedFor() {
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2));
        Ended ended = drive(warm(config, knowledge(List.of(S2))), config, sequential(), 5 * MS, List.of(S2));
        assertEquals(10 * MS, ended.atNanos(), "no grace for a server known silent");
        assertEquals(List.of(S2), ended.outcome().silentServers());
        assertInstanceOf(DiscoveryOutcome.Profiled.class, ended.outcome());
    }

    @Test
    void withKnowledgeAServerKnownSilentIsWaitedForWhileTooFewAnswered() {
        InetSocketAddress s3 = address("198.18.0.41", 3478);
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, s3));
        NatKnowledge known = new NatKnowledge(PRIVATE.getAddress(), List.of(S1, s3), FilteringBehavior.UNKNOWN,
                List.of(), List.of(s3), 0);
        // s3 was silent when learned, but answers now: with two targets only, its answer is needed
        Ended ended = drive(warm(config, known), config, sequential(), t -> false, 5 * MS, List.of(),
                List.of(RFC5780, new ServerAddresses(List.of(s3))));
        NatProfile p = assertInstanceOf(DiscoveryOutcome.Profiled.class, ended.outcome()).profile();
        assertEquals(2, p.samples().size());
        assertEquals(10 * MS, ended.atNanos());
        assertEquals(List.of(), ended.outcome().silentServers());
    }

    @Test
    void knowledgeOfOtherServersOrAnotherAddressIsRefused() {
        DiscoveryConfig config = DiscoveryConfig.defaults(List.of(S1, S2));
        NatKnowledge otherServers = new NatKnowledge(PRIVATE.getAddress(), List.of(S2, S1),
                FilteringBehavior.UNKNOWN, List.of(), List.of(), 0);
        NatKnowledge otherIp = new NatKnowledge(ip("10.0.9.9"), List.of(S1, S2), FilteringBehavior.UNKNOWN,
                List.of(), List.of(), 0);
        for (NatKnowledge k : List.of(otherServers, otherIp)) {
            assertThrows(IllegalArgumentException.class, () -> DiscoveryClient.withKnowledge(config, PRIVATE,
                    PRIVATE.getPort(), new SplittableRandom(9), k, 0));
        }
    }

    static InetSocketAddress address(String ip, int port) {
        return new InetSocketAddress(ip(ip), port);
    }

    static InetAddress ip(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
