package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.sim.Scenario;
import org.junit.jupiter.api.Test;

/**
 * One-sided traversal in the simulator: side A runs the engine against side B, a standard ICE agent that knows
 * nothing of the method. B is emulated by the same engine told nothing of either NAT: it checks each of A's
 * candidates at the probe interval and never sweeps, as an ICE agent's check list does (minus its pacing). B
 * advertises what ICE gathers: its host candidate and the reflexive address the servers saw.
 */
class StandardPeerPunchTest {

    private static final PunchConfig CONFIG = PunchConfig.defaults();

    /**
     * How a run went: whether both sides settled, A's plan, A's address as its settled event says the peer saw
     * it, and A's address as B's settled path has it.
     */
    private record Run(boolean settled, Strategy strategyOfA, Optional<InetSocketAddress> seenAsByA,
                       InetSocketAddress aAtB) {
    }

    /**
     * @param predictions whether A advertises its predicted ports (the method) or only its reflexive address
     *                    (what ICE alone does)
     */
    private static Run call(NatPreset a, NatPreset b, boolean predictions) {
        return call(a, b, predictions, true);
    }

    /** @param basesShown whether B's reflexive candidate names its base (raddr/rport), as ICE agents do */
    private static Run call(NatPreset a, NatPreset b, boolean predictions, boolean basesShown) {
        Scenario scenario = Scenario.builder().seed(11).nat(Scenario.Side.A, a).nat(Scenario.Side.B, b)
                .oneWayDelay(Duration.ofMillis(20)).build();
        Scenario.Discovery discovery = scenario.discover();
        PunchEndpoint ownA = discovery.endpoint(Scenario.Side.A);
        PunchEndpoint ownB = discovery.endpoint(Scenario.Side.B);
        List<Candidate> offered = predictions
                ? LocalCandidates.of(ownA.profile(), Optional.empty(), discovery.endNanos(), CONFIG.driftAim())
                        .candidates()
                : standardCandidates(ownA.profile());
        List<Candidate> answered = basesShown ? standardCandidates(ownB.profile())
                : withoutBases(standardCandidates(ownB.profile()));
        List<PunchSession> sessions = new ArrayList<>();
        Scenario.Result<PunchSession> result = scenario.punch(peer -> {
            PunchSession session;
            if (peer.side() == Scenario.Side.A) {
                session = new PunchSession(CONFIG, PunchRole.CONTROLLING, ownA,
                        new StandardPeer(ownB.credentials(), answered, false).punchEndpoint(peer.nowNanos()),
                        new SplittableRandom(1));
            } else {
                // the standard agent: its own NAT unknown to it, A's candidates taken as given
                session = new PunchSession(CONFIG, PunchRole.CONTROLLED, blind(ownB),
                        new StandardPeer(ownA.credentials(), withoutBases(offered), false)
                                .punchEndpoint(peer.nowNanos()),
                        new SplittableRandom(2));
                session.confirm(peer.nowNanos());
            }
            session.start(peer.nowNanos(), List.of());
            sessions.add(session);
            return session;
        }, PunchSession::finished, Duration.ofSeconds(12));
        boolean settled = result.a() != null && result.a().settledPath().isPresent()
                && result.b().settledPath().isPresent();
        Optional<InetSocketAddress> seenAs = result.a() == null ? Optional.empty() : result.a().outcome()
                .filter(o -> o instanceof PunchEvent.Settled).flatMap(o -> ((PunchEvent.Settled) o).seenAs());
        return new Run(settled, result.a() == null ? null : result.a().plan().strategy(), seenAs,
                settled ? result.b().settledPath().get().remote() : null);
    }

    /** What a standard ICE agent gathers: its host candidate and the last reflexive address. */
    private static List<Candidate> standardCandidates(NatProfile profile) {
        InetSocketAddress host = profile.privateTuple();
        InetSocketAddress reflexive = profile.lastMapping().orElseThrow().mapped();
        return List.of(new Candidate("1", 1, Candidate.priority(CandidateType.HOST, 65535, 1), host,
                        CandidateType.HOST, Optional.empty()),
                new Candidate("2", 1, Candidate.priority(CandidateType.SERVER_REFLEXIVE, 65535, 1), reflexive,
                        CandidateType.SERVER_REFLEXIVE, Optional.of(host)));
    }

    /** The candidates without raddr/rport: the emulated standard agent draws no conclusion from them. */
    private static List<Candidate> withoutBases(List<Candidate> candidates) {
        return candidates.stream().map(c -> new Candidate(c.foundation(), c.component(), c.priority(), c.address(),
                c.type(), Optional.empty())).toList();
    }

    /** The endpoint with its NAT unknown: the standard agent's plan is to check the candidates. */
    private static PunchEndpoint blind(PunchEndpoint endpoint) {
        NatProfile p = endpoint.profile();
        return new PunchEndpoint(endpoint.credentials(), new NatProfile(p.privateTuple(), p.samples(),
                MappingBehavior.UNKNOWN, FilteringBehavior.UNKNOWN, PortAllocation.UNKNOWN, NatType.UNKNOWN),
                Optional.empty());
    }

    @Test
    void betweenConesTheCandidatesAreCheckedDirectly() {
        Run run = call(NatPreset.PORT_RESTRICTED_CONE, NatPreset.PORT_RESTRICTED_CONE, true);
        assertTrue(run.settled(), "direct as with ICE alone");
        assertEquals(Strategy.DIRECT, run.strategyOfA());
    }

    /**
     * The controlling side's settled event names its side of the selected pair as the peer saw it (what an
     * updated offer puts in {@code c=}/{@code m=}, RFC 8839): behind a sequential NAT, the port its first check
     * really left from.
     */
    @Test
    void theSettledEventNamesOurAddressAsThePeerSawIt() {
        for (NatPreset a : List.of(NatPreset.PORT_RESTRICTED_CONE, NatPreset.SYMMETRIC_SEQUENTIAL)) {
            Run run = call(a, NatPreset.PORT_RESTRICTED_CONE, true);
            assertTrue(run.settled(), a.name());
            assertEquals(Optional.of(run.aAtB()), run.seenAsByA(), a.name());
        }
    }

    @Test
    void behindASequentialNatThePredictedCandidatesLetTheStandardPeerIn() {
        assertFalse(call(NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.PORT_RESTRICTED_CONE, false).settled(),
                "ICE alone: the standard peer checks the mapping made for the discovery server, which refuses it");
        Run run = call(NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.PORT_RESTRICTED_CONE, true);
        assertTrue(run.settled(), "the peer's checks to our predicted ports open its NAT to our real one");
        assertEquals(Strategy.HOLD, run.strategyOfA());
    }

    @Test
    void aPeerBehindASequentialNatIsSweptFromOurSide() {
        assertFalse(call(NatPreset.PORT_RESTRICTED_CONE, NatPreset.SYMMETRIC_SEQUENTIAL, true, false).settled(),
                "without the sweep our NAT refuses the peer's checks, which come from ports it never saw");
        Run run = call(NatPreset.PORT_RESTRICTED_CONE, NatPreset.SYMMETRIC_SEQUENTIAL, true);
        assertEquals(Strategy.SWEEP, run.strategyOfA(), "the peer's reflexive port differs from its base's");
        assertTrue(run.settled(), "our sweep opens our NAT to the port the peer's checks come from");
    }

    @Test
    void thePeerIsSuspectedSequentialOnlyWhenItsNatMovedThePort() {
        InetSocketAddress base = new InetSocketAddress("10.0.0.2", 5000);
        Candidate kept = new Candidate("2", 1, 1_694_498_815L, new InetSocketAddress("198.51.100.7", 5000),
                CandidateType.SERVER_REFLEXIVE, Optional.of(base));
        Candidate moved = new Candidate("2", 1, 1_694_498_815L, new InetSocketAddress("198.51.100.7", 40211),
                CandidateType.SERVER_REFLEXIVE, Optional.of(base));
        Candidate host = new Candidate("1", 1, 2_130_706_431L, base, CandidateType.HOST, Optional.empty());
        IceCredentials credentials = IceCredentials.random(new SplittableRandom(3));
        assertFalse(new StandardPeer(credentials, List.of(host, kept), false).suspectedSequential());
        StandardPeer sequential = new StandardPeer(credentials, List.of(host, moved), false);
        assertTrue(sequential.suspectedSequential());
        assertEquals(moved, sequential.primary(), "the reflexive candidate stands for the peer, not the host");
        assertEquals(List.of(host, moved), sequential.punchEndpoint(0).candidates(), "priority order");
    }
}
