package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.Test;

/**
 * The voice-hammer rule for the callee: an INVITE whose SDP names somebody else's address, never acknowledged,
 * gets a bounded number of probes toward it (a few paced ones per fixed target and a short spray), not the 20 s
 * schedule a real call may need; the ACK or the peer's first authenticated packet opens the full schedule.
 */
class PunchConsentTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress VICTIM = new InetSocketAddress("198.18.2.1", 40002);
    private static final IceCredentials OURS = IceCredentials.random(new SplittableRandom(1));
    private static final IceCredentials THEIRS = IceCredentials.random(new SplittableRandom(2));

    /** This side behind a port-restricted cone; the "peer" a sequential NAT: the plan sweeps the peer's ports. */
    private static PunchSession session(PunchRole role) {
        NatProfile theirs = new NatProfile(new InetSocketAddress("10.0.2.2", 5004),
                List.of(new MappedTuple(new InetSocketAddress("198.18.0.21", 3478),
                                new InetSocketAddress(VICTIM.getAddress(), 40000), 0),
                        new MappedTuple(new InetSocketAddress("198.18.0.31", 3479),
                                new InetSocketAddress(VICTIM.getAddress(), 40001), MS),
                        new MappedTuple(new InetSocketAddress("198.18.0.31", 3478), VICTIM, 2 * MS)),
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, NatType.SYMMETRIC_SEQUENTIAL);
        PunchSession s = new PunchSession(PunchConfig.defaults(), role,
                new PunchEndpoint(OURS, ownProfile(), Optional.empty()),
                new PunchEndpoint(THEIRS, theirs, Optional.empty()), new SplittableRandom(7));
        s.start(10 * MS, List.of());
        return s;
    }

    /** This side: a port-restricted cone. */
    private static NatProfile ownProfile() {
        return new NatProfile(new InetSocketAddress("10.0.1.2", 5004),
                List.of(new MappedTuple(new InetSocketAddress("198.18.0.21", 3478),
                                new InetSocketAddress("198.18.1.1", 5004), 0),
                        new MappedTuple(new InetSocketAddress("198.18.0.31", 3479),
                                new InetSocketAddress("198.18.1.1", 5004), 0)),
                MappingBehavior.ENDPOINT_INDEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.PRESERVING, NatType.PORT_RESTRICTED_CONE);
    }

    /** Runs the session's timers until {@code until}; returns the probes sent per destination. */
    private static Map<InetSocketAddress, Integer> runUntil(PunchSession s, long until, Map<InetSocketAddress, Integer> sent) {
        drain(s, sent);
        for (OptionalLong next = s.pollTimeout(); next.isPresent() && next.getAsLong() <= until;
             next = s.pollTimeout()) {
            s.handleTimeout(next.getAsLong());
            drain(s, sent);
        }
        return sent;
    }

    private static void drain(PunchSession s, Map<InetSocketAddress, Integer> sent) {
        for (Optional<Transmit> t = s.pollTransmit(); t.isPresent(); t = s.pollTransmit()) {
            sent.merge(t.get().destination(), 1, Integer::sum);
        }
    }

    @Test
    void anUnconfirmedCalleeSpraysOnlyItsBudgetAndProbesItsFixedTargetsAtABackingOffPace() {
        PunchSession callee = session(PunchRole.CONTROLLED);
        runUntil(callee, 40_000 * MS, new HashMap<>());
        long total = callee.stats().probesSent();
        assertFalse(callee.consented());
        assertEquals(PunchSession.PRE_CONSENT_SHOTGUN_PROBES, callee.stats().shotgunProbes(),
                "the spray stops at its budget before consent");
        // fixed targets (one or two): 8 at the probe interval, then 0.1, 0.2, 0.4, 0.8 s and every 1.6 s until
        // the give-up at 20 s; the sweep's 200 on top
        long fixed = total - callee.stats().shotgunProbes();
        assertTrue(fixed <= 2 * 24, "a few paced probes: " + fixed);
        assertTrue(total <= 250, "bounded, not 20 s of spray (8000 probes): " + total);
        PunchEvent.GaveUp gaveUp = assertInstanceOf(PunchEvent.GaveUp.class, callee.outcome().orElseThrow());
        assertTrue(gaveUp.reason().contains("never confirmed"), gaveUp.reason());
    }

    /**
     * A forged ICE offer listing 64 host candidates (the most a component may carry), never acknowledged: the
     * fixed targets together get {@value PunchSession#PRE_CONSENT_FIXED_PROBES} probes at most, each candidate at
     * least one, instead of the full pace to each (before: the probe cap, 2,048 probes, within the first second);
     * the ACK then opens the full pace.
     */
    @Test
    void anOfferOfManyCandidatesCostsAtMostTheFixedBudgetBeforeConsent() {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            candidates.add(new Candidate("h" + i, Candidate.RTP, 2_000_000_000L - i,
                    new InetSocketAddress(VICTIM.getAddress(), 41000 + i), CandidateType.HOST, Optional.empty()));
        }
        PunchEndpoint forged = new StandardPeer(THEIRS, candidates, false).punchEndpoint(0);
        PunchSession callee = new PunchSession(PunchConfig.defaults(), PunchRole.CONTROLLED,
                new PunchEndpoint(OURS, ownProfile(), Optional.empty()), forged,
                new SplittableRandom(7));
        callee.start(10 * MS, List.of());
        Map<InetSocketAddress, Integer> sent = runUntil(callee, 40_000 * MS, new HashMap<>());
        assertFalse(callee.consented());
        long fixed = callee.stats().probesSent() - callee.stats().shotgunProbes();
        assertTrue(fixed <= 100, "fixed-target probes before consent (RFC 8445's 100 pairs): " + fixed);
        for (Candidate c : candidates) {
            assertTrue(sent.getOrDefault(c.address(), 0) >= 1, "every candidate checked once: " + c.address());
        }
        assertTrue(callee.stats().probesSent() <= PunchSession.PRE_CONSENT_FIXED_PROBES
                + PunchSession.PRE_CONSENT_SHOTGUN_PROBES, "all probes: " + callee.stats().probesSent());

        PunchSession confirmed = new PunchSession(PunchConfig.defaults(), PunchRole.CONTROLLED,
                new PunchEndpoint(OURS, ownProfile(), Optional.empty()), forged,
                new SplittableRandom(7));
        confirmed.start(10 * MS, List.of());
        Map<InetSocketAddress, Integer> after = runUntil(confirmed, 1_000 * MS, new HashMap<>());
        confirmed.confirm(1_000 * MS);
        runUntil(confirmed, 2_000 * MS, after);
        assertTrue(confirmed.stats().probesSent() - confirmed.stats().shotgunProbes()
                > PunchSession.PRE_CONSENT_FIXED_PROBES + 64, "the full pace once confirmed: "
                + confirmed.stats().probesSent());
    }

    @Test
    void theAckOpensTheFullScheduleWithItsWholeGiveUpTime() {
        PunchSession callee = session(PunchRole.CONTROLLED);
        Map<InetSocketAddress, Integer> sent = runUntil(callee, 5_000 * MS, new HashMap<>());
        assertEquals(PunchSession.PRE_CONSENT_SHOTGUN_PROBES, callee.stats().shotgunProbes());
        callee.confirm(5_000 * MS);
        assertTrue(callee.consented());
        runUntil(callee, 6_000 * MS, sent);
        assertTrue(callee.stats().shotgunProbes() >= PunchSession.PRE_CONSENT_SHOTGUN_PROBES + 300,
                "the sweep runs at its rate once confirmed: " + callee.stats().shotgunProbes());
        runUntil(callee, 24_000 * MS, sent);
        assertTrue(callee.outcome().isEmpty(), "the give-up time counts from the confirmation");
        runUntil(callee, 25_100 * MS, sent);
        assertInstanceOf(PunchEvent.GaveUp.class, callee.outcome().orElseThrow());
    }

    @Test
    void anAuthenticatedProbeFromThePeerIsConsent() {
        PunchSession callee = session(PunchRole.CONTROLLED);
        runUntil(callee, 100 * MS, new HashMap<>());
        byte[] probe = new ProbeCodec(THEIRS, OURS, PunchRole.CONTROLLING, 3, false)
                .probe(TransactionId.random(new SplittableRandom(4)), false);
        assertTrue(callee.handleDatagram(100 * MS, 5004, VICTIM, probe));
        assertTrue(callee.consented());
        assertEquals(1, callee.stats().acknowledgementsSent());
    }

    @Test
    void theCallerStartsConsentedAndSpraysAfterT() {
        PunchSession caller = session(PunchRole.CONTROLLING);
        assertTrue(caller.consented());
        runUntil(caller, 1_000 * MS, new HashMap<>());
        assertTrue(caller.stats().shotgunProbes() > 100, "sweep: " + caller.stats().shotgunProbes());
    }
}
