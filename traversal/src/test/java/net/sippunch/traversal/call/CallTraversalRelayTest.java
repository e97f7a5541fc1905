package net.sippunch.traversal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.RelayCheck;
import org.junit.jupiter.api.Test;

/**
 * The relay checks of a call side, sans-IO on a hand-moved clock. After the punch gave up (two symmetric-random
 * sides, infeasible at once) the peer's relayed address is checked from the media port; an answer moves the path
 * there, silence ends in a give-up that names the relay. While the punch still runs (two port-restricted cones
 * whose probes get no answer yet) the checks run beside it: their outcome is its own event and the punch goes on.
 */
class CallTraversalRelayTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress S1 = new InetSocketAddress("198.18.0.21", 3478);
    private static final InetSocketAddress S2 = new InetSocketAddress("198.18.0.31", 3479);
    private static final InetSocketAddress RELAYED = new InetSocketAddress("198.18.0.40", 49160);
    private static final int MEDIA_PORT = 30000;

    private final SplittableRandom random = new SplittableRandom(17);
    private final IceCredentials own = IceCredentials.random(random);
    private final IceCredentials peer = IceCredentials.random(random);

    private static NatProfile random(String privateIp, String publicIp, int port1, int port2) {
        return profile(privateIp, publicIp, port1, port2, MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.RANDOM, NatType.SYMMETRIC_RANDOM);
    }

    private static NatProfile portRestricted(String privateIp, String publicIp, int port) {
        return profile(privateIp, publicIp, port, port, MappingBehavior.ENDPOINT_INDEPENDENT,
                PortAllocation.PRESERVING, NatType.PORT_RESTRICTED_CONE);
    }

    /** Two samples of the media port, from the two servers, by a NAT filtering on address and port. */
    private static NatProfile profile(String privateIp, String publicIp, int port1, int port2, MappingBehavior mapping,
                                      PortAllocation allocation, NatType type) {
        return new NatProfile(new InetSocketAddress(privateIp, MEDIA_PORT),
                List.of(new MappedTuple(S1, new InetSocketAddress(publicIp, port1), 0),
                        new MappedTuple(S2, new InetSocketAddress(publicIp, port2), MS)),
                mapping, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, allocation, type);
    }

    /** The callee's side, its punch given up against a symmetric-random caller. */
    private CallTraversal gaveUp() {
        CallTraversal side = callee(random("10.0.2.1", "198.18.2.1", 51234, 7321));
        assertThrows(IllegalStateException.class, () -> side.checkRelay(0, RELAYED, 200 * MS, 3),
                "no relay before the punch started");
        side.peer(MS, new PunchEndpoint(peer, random("10.0.1.1", "198.18.1.1", 40001, 12077), Optional.empty()));
        probeIntoTheVoid(side, 120_000 * MS);
        assertInstanceOf(PunchEvent.GaveUp.class, side.punchOutcome().orElseThrow());
        drain(side);
        return side;
    }

    /** The callee's side punching toward a port-restricted caller whose probes have not come through yet. */
    private CallTraversal punching() {
        CallTraversal side = callee(portRestricted("10.0.2.1", "198.18.2.1", MEDIA_PORT));
        side.peer(MS, new PunchEndpoint(peer, portRestricted("10.0.1.1", "198.18.1.1", 40000), Optional.empty()));
        side.confirmed(MS);
        probeIntoTheVoid(side, 3000 * MS);
        assertTrue(side.punchOutcome().isEmpty(), "still punching");
        drain(side);
        return side;
    }

    private CallTraversal callee(NatProfile discovered) {
        return side(PunchRole.CONTROLLED, OptionalLong.empty(), discovered);
    }

    private CallTraversal side(PunchRole role, OptionalLong relayAfterNanos, NatProfile discovered) {
        CallTraversal side = new CallTraversal(new CallTraversal.Settings(DiscoveryConfig.defaults(List.of(S1, S2)),
                PunchConfig.defaults(), relayAfterNanos), role, own, new InetSocketAddress("10.0.2.1", MEDIA_PORT),
                Optional.empty(), random.split());
        side.start(0, discovered);
        return side;
    }

    /** Runs the side's clock to {@code until} (or its punch's outcome): its probes get no answer. */
    private static void probeIntoTheVoid(CallTraversal side, long until) {
        for (long t = MS; side.punchOutcome().isEmpty() && t < until; t += 10 * MS) {
            while (side.pollTransmit().isPresent()) {
                // lost on the way
            }
            side.handleTimeout(t);
        }
    }

    private static List<TraversalEvent> drain(CallTraversal side) {
        List<TraversalEvent> events = new ArrayList<>();
        for (Optional<TraversalEvent> e = side.pollEvent(); e.isPresent(); e = side.pollEvent()) {
            events.add(e.get());
        }
        return events;
    }

    @Test
    void anAnsweredCheckMovesThePathToTheRelayedAddress() {
        CallTraversal side = gaveUp();
        long now = 200_000 * MS;
        side.checkRelay(now, RELAYED, 200 * MS, 3);
        Transmit check = side.pollTransmit().orElseThrow();
        assertEquals(MEDIA_PORT, check.localPort());
        assertEquals(RELAYED, check.destination());
        // the allocating side, keyed the other way round, answers it as its TURN server saw it
        byte[] answer = ((RelayCheck.Responder.Verdict.Check) new RelayCheck.Responder(peer, own,
                PunchRole.CONTROLLING, random).read(new InetSocketAddress("198.18.2.1", 61000), check.payload()))
                .answer();
        assertTrue(side.handleDatagram(now + 5 * MS, MEDIA_PORT, RELAYED, answer));
        List<TraversalEvent> events = drain(side);
        assertEquals(1, events.size(), events.toString());
        PunchEvent.PathChanged moved = assertInstanceOf(PunchEvent.PathChanged.class,
                ((TraversalEvent.Punch) events.get(0)).event());
        assertEquals(new PunchPath(MEDIA_PORT, RELAYED), moved.to());
        assertEquals(new InetSocketAddress("198.18.1.1", 12077), moved.from().remote(), "from the reported tuple");
        assertEquals(Optional.of(RelayCheck.Outcome.ANSWERED), side.relayCheck().orElseThrow().outcome());
        // RTP from the relay is left to media
        assertEquals(false, side.handleDatagram(now + 6 * MS, MEDIA_PORT, RELAYED, new byte[] {(byte) 0x80, 0, 0, 1}));
    }

    @Test
    void whileThePunchRunsAnAnsweredCheckIsItsOwnEventAndThePunchGoesOn() {
        CallTraversal side = punching();
        long now = 3000 * MS;
        assertTrue(side.checkRelay(now, RELAYED, 200 * MS, 3));
        Transmit check = null;
        for (Optional<Transmit> t = side.pollTransmit(); t.isPresent(); t = side.pollTransmit()) {
            if (t.get().destination().equals(RELAYED)) {
                check = t.get();
            }
        }
        assertTrue(check != null, "a check to the relayed address beside the probes");
        byte[] answer = ((RelayCheck.Responder.Verdict.Check) new RelayCheck.Responder(peer, own,
                PunchRole.CONTROLLING, random).read(new InetSocketAddress("198.18.2.1", 61000), check.payload()))
                .answer();
        assertTrue(side.handleDatagram(now + 5 * MS, MEDIA_PORT, RELAYED, answer));
        List<TraversalEvent> events = drain(side);
        assertEquals(List.of(new TraversalEvent.RelayChecked(new PunchPath(MEDIA_PORT, RELAYED), true, null)), events);
        assertTrue(side.punchOutcome().isEmpty(), "the punch goes on");
        // it still probes the peer's direct tuple
        boolean probed = false;
        for (long t = now + 10 * MS; t < now + 500 * MS && !probed; t += 10 * MS) {
            side.handleTimeout(t);
            for (Optional<Transmit> next = side.pollTransmit(); next.isPresent(); next = side.pollTransmit()) {
                probed |= next.get().destination().getAddress().equals(new InetSocketAddress("198.18.1.1", 1)
                        .getAddress());
            }
        }
        assertTrue(probed, "probes toward the peer's NAT after the relay answered");
        assertTrue(!side.checkRelay(now, RELAYED, 200 * MS, 3), "asked again: nothing");
    }

    @Test
    void whileThePunchRunsUnansweredChecksAreNoGiveUp() {
        CallTraversal side = punching();
        long now = 3000 * MS;
        side.checkRelay(now, RELAYED, 200 * MS, 2);
        for (long t = now; t <= now + 1000 * MS; t += 50 * MS) {
            side.handleTimeout(t);
            while (side.pollTransmit().isPresent()) {
                // checks and probes unanswered
            }
        }
        List<TraversalEvent> events = drain(side);
        assertEquals(List.of(new TraversalEvent.RelayChecked(new PunchPath(MEDIA_PORT, RELAYED), false,
                "relay: no answer from " + RELAYED + " to 2 checks")), events);
        assertTrue(side.punchOutcome().isEmpty(), "the punch goes on");
    }

    @Test
    void aPunchWithoutAPathAtTheDeadlineWantsARelayOnceAndGoesOn() {
        CallTraversal side = side(PunchRole.CONTROLLING, OptionalLong.of(1000 * MS),
                portRestricted("10.0.2.1", "198.18.2.1", MEDIA_PORT));
        side.peer(MS, new PunchEndpoint(peer, portRestricted("10.0.1.1", "198.18.1.1", 40000), Optional.empty()));
        List<TraversalEvent> wanted = new ArrayList<>();
        for (long t = MS; t < 3000 * MS; t += 10 * MS) {
            while (side.pollTransmit().isPresent()) {
                // lost on the way
            }
            side.handleTimeout(t);
            drain(side).stream().filter(e -> e instanceof TraversalEvent.RelayWanted).forEach(wanted::add);
            if (t < 1001 * MS) {
                assertTrue(wanted.isEmpty(), "nothing before the deadline: " + wanted);
            }
        }
        assertEquals(List.of(new TraversalEvent.RelayWanted("no direct path within 1000 ms; the punch goes on")),
                wanted);
        assertTrue(side.punchOutcome().isEmpty(), "the punch goes on");
    }

    @Test
    void anInfeasiblePunchGivesUpAndWantsNoRelayBesideIt() {
        CallTraversal side = side(PunchRole.CONTROLLING, OptionalLong.of(1000 * MS),
                random("10.0.2.1", "198.18.2.1", 51234, 7321));
        side.peer(MS, new PunchEndpoint(peer, random("10.0.1.1", "198.18.1.1", 40001, 12077), Optional.empty()));
        probeIntoTheVoid(side, 3000 * MS);
        List<TraversalEvent> events = drain(side);
        assertInstanceOf(PunchEvent.GaveUp.class, side.punchOutcome().orElseThrow());
        assertTrue(events.stream().noneMatch(e -> e instanceof TraversalEvent.RelayWanted), events.toString());
    }

    @Test
    void unansweredChecksEndInAGiveUpNamingTheRelay() {
        CallTraversal side = gaveUp();
        long now = 200_000 * MS;
        side.checkRelay(now, RELAYED, 200 * MS, 3);
        int sent = 0;
        for (long t = now; t <= now + 1000 * MS; t += 50 * MS) {
            side.handleTimeout(t);
            while (side.pollTransmit().isPresent()) {
                sent++;
            }
        }
        assertEquals(3, sent);
        List<TraversalEvent> events = drain(side);
        assertEquals(1, events.size(), events.toString());
        PunchEvent.GaveUp gaveUp = assertInstanceOf(PunchEvent.GaveUp.class,
                ((TraversalEvent.Punch) events.get(0)).event());
        assertEquals("relay: no answer from " + RELAYED + " to 3 checks", gaveUp.reason());
        assertTrue(side.pollTimeout().isEmpty(), "nothing more to do");
    }
}
