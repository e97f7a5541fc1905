package net.sippunch.traversal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import net.sippunch.traversal.punch.PunchRole;
import org.junit.jupiter.api.Test;

/**
 * A probe of the caller that reaches the callee before the callee's punch knows the caller (the caller got the
 * answer and probed before the callee's {@code peer} ran): it is kept and answered once the punch starts, and its
 * transaction is remembered from where it really came. An eavesdropper on the caller's address that replays it
 * afterwards from another port gets nothing: before, the early original was dropped, the replay was the first
 * the punch saw, and it was answered and checked back (seen once in MediaAttackTest).
 */
class CallTraversalEarlyProbeTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress S1 = new InetSocketAddress("198.18.0.21", 3478);
    private static final InetSocketAddress S2 = new InetSocketAddress("198.18.0.31", 3479);
    private static final InetSocketAddress ALICE = new InetSocketAddress("127.0.0.1", 28100);
    private static final InetSocketAddress BOB = new InetSocketAddress("127.0.0.1", 28200);
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("127.0.0.1", 38176);

    private final SplittableRandom random = new SplittableRandom(23);
    private final IceCredentials aliceKeys = IceCredentials.random(random);
    private final IceCredentials bobKeys = IceCredentials.random(random);

    /** A host on the open internet: its media port is its own public tuple. */
    private static NatProfile open(InetSocketAddress at) {
        return new NatProfile(at, List.of(new MappedTuple(S1, at, 0), new MappedTuple(S2, at, MS)),
                MappingBehavior.NO_NAT, FilteringBehavior.ENDPOINT_INDEPENDENT, PortAllocation.PRESERVING,
                NatType.OPEN);
    }

    private CallTraversal side(PunchRole role, IceCredentials keys, InetSocketAddress at) {
        CallTraversal side = new CallTraversal(new CallTraversal.Settings(DiscoveryConfig.defaults(List.of(S1, S2)),
                PunchConfig.defaults()), role, keys, at, Optional.empty(), random.split());
        side.start(0, open(at));
        return side;
    }

    private static List<Transmit> transmits(CallTraversal side) {
        List<Transmit> out = new ArrayList<>();
        for (Optional<Transmit> t = side.pollTransmit(); t.isPresent(); t = side.pollTransmit()) {
            out.add(t.get());
        }
        return out;
    }

    @Test
    void aProbeBeforeThePeerIsKnownIsAnsweredAndItsLaterReplayIsNot() {
        CallTraversal alice = side(PunchRole.CONTROLLING, aliceKeys, ALICE);
        CallTraversal bob = side(PunchRole.CONTROLLED, bobKeys, BOB);
        alice.peer(MS, new PunchEndpoint(bobKeys, open(BOB), Optional.empty()));
        Transmit probe = transmits(alice).stream().filter(t -> t.destination().equals(BOB)).findFirst()
                .orElseThrow();

        // the probe comes before bob's punch knows alice: kept, not left to media
        assertTrue(bob.handleDatagram(2 * MS, BOB.getPort(), ALICE, probe.payload()));
        bob.peer(3 * MS, new PunchEndpoint(aliceKeys, open(ALICE), Optional.empty()));
        List<Transmit> fromBob = transmits(bob);
        assertTrue(fromBob.stream().anyMatch(t -> t.destination().equals(ALICE)), "the early probe answered");

        // the eavesdropper's replay from another port of alice's address
        bob.handleDatagram(4 * MS, BOB.getPort(), ATTACKER, probe.payload());
        bob.handleTimeout(5 * MS);
        List<Transmit> after = transmits(bob);
        assertEquals(List.of(), after.stream().filter(t -> t.destination().equals(ATTACKER)).toList(),
                "nothing to the replay's source");
    }
}
