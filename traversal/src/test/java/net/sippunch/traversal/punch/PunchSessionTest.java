package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.sim.LinkModel;
import net.sippunch.traversal.sim.Scenario;
import net.sippunch.traversal.sim.ScriptedSession;
import net.sippunch.traversal.sim.SimulatedMediaPort;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.Test;

/** Security and life after settling: RTP Bleed attempts, replays, NAT rebinding, consent loss. */
class PunchSessionTest {

    private static final InetSocketAddress ATTACKER = new InetSocketAddress("198.18.9.9", 4444);

    /** A settled call between two simulated sites; both sessions stay attached afterwards. */
    private static final class Call {
        final Scenario scenario;
        final Scenario.Result<SimulatedMediaPort> result;

        Call(NatPreset a, NatPreset b) {
            scenario = Scenario.builder().seed(3).nat(Scenario.Side.A, a).nat(Scenario.Side.B, b)
                    .oneWayDelay(Duration.ofMillis(20)).build();
            result = scenario.punch(Duration.ofSeconds(5));
            assertTrue(a().settledPath().isPresent() && b().settledPath().isPresent(), "settled first");
        }

        CallTraversal a() {
            return result.a().traversal();
        }

        CallTraversal b() {
            return result.b().traversal();
        }

        InetSocketAddress aPublic() {
            return b().settledPath().orElseThrow().remote();
        }

        void run(Duration d) {
            scenario.network().runFor(d.toNanos());
        }

        /** A's punch events since the last call. */
        List<PunchEvent> eventsOfA() {
            List<PunchEvent> out = new ArrayList<>();
            for (Optional<TraversalEvent> e = result.a().pollEvent(); e.isPresent(); e = result.a().pollEvent()) {
                if (e.get() instanceof TraversalEvent.Punch p) {
                    out.add(p.event());
                }
            }
            return out;
        }

        IceCredentials credentials(Scenario.Side side) {
            return scenario.site(side).credentials();
        }
    }

    @Test
    void probesWithAForeignKeyAreDroppedAndChangeNothing() {
        Call call = new Call(NatPreset.FULL_CONE, NatPreset.PORT_RESTRICTED_CONE);
        PunchPath before = call.a().settledPath().orElseThrow();
        long dropped = call.a().punchStats().dropped();
        PunchStats start = call.a().punchStats();
        IceCredentials forged = IceCredentials.random(new SplittableRandom(9));
        // right USERNAME, keyed with a guessed password instead of A's: the MESSAGE-INTEGRITY cannot match
        ProbeCodec attacker = new ProbeCodec(call.credentials(Scenario.Side.B),
                new IceCredentials(call.credentials(Scenario.Side.A).ufrag(), forged.password()),
                PunchRole.CONTROLLED, 1, false);
        for (int i = 0; i < 5; i++) {
            call.scenario.network().inject(ATTACKER, call.aPublic(),
                    attacker.probe(TransactionId.random(new SplittableRandom(i)), true));
        }
        call.run(Duration.ofSeconds(1));
        assertEquals(before, call.a().settledPath().orElseThrow());
        PunchStats end = call.a().punchStats();
        assertEquals(dropped + 5, end.dropped());
        assertEquals(end.probesReceived() - start.probesReceived(),
                end.acknowledgementsSent() - start.acknowledgementsSent(), "answers only to authenticated probes");
        assertTrue(call.eventsOfA().stream().noneMatch(e -> e instanceof PunchEvent.PathChanged));
    }

    @Test
    void aReplayedAuthenticProbeFromAnotherAddressNeverMovesMedia() {
        Call call = new Call(NatPreset.FULL_CONE, NatPreset.PORT_RESTRICTED_CONE);
        PunchPath before = call.a().settledPath().orElseThrow();
        // what a man in the middle could have captured: a genuine probe of B, replayed from its own address
        ProbeCodec genuine = new ProbeCodec(call.credentials(Scenario.Side.B), call.credentials(Scenario.Side.A),
                PunchRole.CONTROLLED, 1, false);
        byte[] captured = genuine.probe(TransactionId.random(new SplittableRandom(5)), true);
        for (int i = 0; i < 3; i++) {
            call.scenario.network().inject(ATTACKER, call.aPublic(), captured);
        }
        call.run(Duration.ofSeconds(40));
        assertEquals(before, call.a().settledPath().orElseThrow(), "media stays where it was");
        assertTrue(call.eventsOfA().stream().noneMatch(e -> e instanceof PunchEvent.PathChanged
                || e instanceof PunchEvent.ConsentLost));
    }

    @Test
    void aReplayOfADeliveredProbeFromAnotherAddressIsNeitherAnsweredNorChecked() {
        Call call = new Call(NatPreset.FULL_CONE, NatPreset.PORT_RESTRICTED_CONE);
        InetSocketAddress peer = call.a().settledPath().orElseThrow().remote();
        call.run(Duration.ofNanos(PunchSession.REBINDING_QUIET_NANOS)); // past the quiet time: a new source is checked
        ProbeCodec genuine = new ProbeCodec(call.credentials(Scenario.Side.B), call.credentials(Scenario.Side.A),
                PunchRole.CONTROLLED, 1, false);
        byte[] probe = genuine.probe(TransactionId.random(new SplittableRandom(6)), false);
        PunchStats start = call.a().punchStats();
        call.scenario.network().inject(peer, call.aPublic(), probe);
        call.run(Duration.ofMillis(100));
        PunchStats delivered = call.a().punchStats();
        assertTrue(delivered.acknowledgementsSent() > start.acknowledgementsSent(), "the original is answered");
        assertEquals(start.dropped(), delivered.dropped());
        // the eavesdropper's copy, from its own address: no acknowledgement, no rebinding check towards it
        call.scenario.network().inject(ATTACKER, call.aPublic(), probe);
        call.scenario.network().inject(ATTACKER, call.aPublic(), probe);
        call.run(Duration.ofMillis(100));
        // (the peer's own consent checks may be answered meanwhile; they are not dropped)
        assertEquals(delivered.dropped() + 2, call.a().punchStats().dropped(), "both replays dropped, not answered");
        assertTrue(call.eventsOfA().stream().noneMatch(e -> e instanceof PunchEvent.PathChanged));
    }

    @Test
    void aRelayedRebindingCheckNeverMovesMediaToTheRelay() {
        Call call = new Call(NatPreset.FULL_CONE, NatPreset.FULL_CONE);
        PunchPath before = call.a().settledPath().orElseThrow();
        InetSocketAddress bPublic = before.remote();
        call.run(Duration.ofNanos(PunchSession.REBINDING_QUIET_NANOS)); // past the quiet time: a new source is checked
        call.eventsOfA();
        ScriptedSession relay = new ScriptedSession();
        call.scenario.network().addHost(ATTACKER.getAddress().getHostAddress(), LinkModel.NONE)
                .attach(relay, ATTACKER.getPort());
        // an authentic probe of B that A never received (an eavesdropped shotgun probe), from the relay
        ProbeCodec genuine = new ProbeCodec(call.credentials(Scenario.Side.B), call.credentials(Scenario.Side.A),
                PunchRole.CONTROLLED, 1, false);
        call.scenario.network().inject(ATTACKER, call.aPublic(),
                genuine.probe(TransactionId.random(new SplittableRandom(8)), false));
        call.run(Duration.ofMillis(100));
        // A checks the new source; the relay passes the check on to B, and B's answer back to A
        byte[] check = relay.received().stream().filter(r -> r.source().equals(call.aPublic())
                && bindingType(r.payload()) == 0x0001).map(ScriptedSession.Received::payload).findFirst().orElseThrow();
        relay.received().clear();
        call.scenario.network().inject(ATTACKER, bPublic, check);
        call.run(Duration.ofMillis(100));
        byte[] answer = relay.received().stream().filter(r -> r.source().equals(bPublic)
                && bindingType(r.payload()) == 0x0101).map(ScriptedSession.Received::payload).findFirst().orElseThrow();
        long dropped = call.a().punchStats().dropped();
        call.scenario.network().inject(ATTACKER, call.aPublic(), answer);
        call.run(Duration.ofSeconds(10));

        assertEquals(before, call.a().settledPath().orElseThrow(), "media stays with the peer");
        assertTrue(call.eventsOfA().stream().noneMatch(e -> e instanceof PunchEvent.PathChanged));
        assertTrue(call.a().punchStats().dropped() > dropped, "the relayed answer is dropped");
    }

    /** The STUN message type of a datagram: 0x0001 a Binding request, 0x0101 a success response. */
    private static int bindingType(byte[] datagram) {
        return ((datagram[0] & 0xFF) << 8) | (datagram[1] & 0xFF);
    }

    @Test
    void anUnmatchedAcknowledgementIsDropped() {
        Call call = new Call(NatPreset.FULL_CONE, NatPreset.FULL_CONE);
        long dropped = call.a().punchStats().dropped();
        ProbeCodec peer = new ProbeCodec(call.credentials(Scenario.Side.B), call.credentials(Scenario.Side.A),
                PunchRole.CONTROLLED, 1, false);
        call.scenario.network().inject(ATTACKER, call.aPublic(),
                peer.acknowledgement(TransactionId.random(new SplittableRandom(1)), ATTACKER));
        call.run(Duration.ofMillis(100));
        assertEquals(dropped + 1, call.a().punchStats().dropped());
    }

    @Test
    void nonStunDatagramsAreLeftToTheCaller() {
        Call call = new Call(NatPreset.OPEN, NatPreset.OPEN);
        byte[] rtp = new byte[172];
        rtp[0] = (byte) 0x80;
        SimulatedMediaPort port = call.result.a();
        assertFalse(port.handleDatagram(0, 5004, ATTACKER, rtp));
        assertTrue(port.handleDatagram(0, 5004, ATTACKER, new byte[] {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42,
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), "STUN-looking bytes are judged (and dropped) here");
    }

    @Test
    void aNatRebindingIsFollowedOnlyAfterAnAuthenticatedAnswer() {
        Call call = new Call(NatPreset.FULL_CONE, NatPreset.SYMMETRIC_SEQUENTIAL);
        PunchPath before = call.a().settledPath().orElseThrow();
        call.eventsOfA();
        call.scenario.site(Scenario.Side.B).routers().get(0).nat().reset();
        call.run(Duration.ofSeconds(8));
        List<PunchEvent> events = call.eventsOfA();
        PunchEvent.PathChanged changed = (PunchEvent.PathChanged) events.stream()
                .filter(e -> e instanceof PunchEvent.PathChanged).findFirst().orElseThrow();
        assertEquals(before, changed.from());
        assertEquals(before.remote().getAddress(), changed.to().remote().getAddress());
        assertTrue(changed.to().remote().getPort() != before.remote().getPort(), "the peer's new port");
        assertEquals(changed.to(), call.a().settledPath().orElseThrow());
    }

    @Test
    void theCrossingsOtherPathsDoNotMoveASettledPath() {
        // the two sweeps cross on more than one pair of flows; probes of the later pairs still arrive after both
        // sides settled, and the path that settled keeps answering: nothing moves
        for (int seed = 1; seed <= 20; seed++) {
            Scenario scenario = Scenario.builder().seed(seed).nat(Scenario.Side.A, NatPreset.SYMMETRIC_SEQUENTIAL)
                    .nat(Scenario.Side.B, NatPreset.SYMMETRIC_SEQUENTIAL).oneWayDelay(Duration.ofMillis(seed % 4))
                    .jitter(Duration.ofMillis(seed % 3 * 5)).build();
            Scenario.Result<SimulatedMediaPort> result = scenario.punch(Duration.ofSeconds(5));
            PunchPath a = result.a().traversal().settledPath().orElseThrow();
            PunchPath b = result.b().traversal().settledPath().orElseThrow();
            scenario.network().runFor(Duration.ofSeconds(3).toNanos());
            assertEquals(a, result.a().traversal().settledPath().orElseThrow(), "seed " + seed);
            assertEquals(b, result.b().traversal().settledPath().orElseThrow(), "seed " + seed);
        }
    }

    @Test
    void consentIsLostAfterThirtySecondsOfSilence() {
        Call call = new Call(NatPreset.PORT_RESTRICTED_CONE, NatPreset.PORT_RESTRICTED_CONE);
        call.eventsOfA();
        long cutAt = call.scenario.network().now();
        call.scenario.network().core(new LinkModel(20_000_000L, 0, 1.0));
        call.run(Duration.ofSeconds(29));
        assertTrue(call.eventsOfA().isEmpty(), "still within consent");
        call.run(Duration.ofSeconds(6));
        PunchEvent.ConsentLost lost = assertInstanceOf(PunchEvent.ConsentLost.class, call.eventsOfA().get(0));
        assertTrue(lost.silentNanos() >= 30_000_000_000L);
        assertTrue(call.scenario.network().now() - cutAt <= 35_000_000_000L);
        long sent = call.a().punchStats().probesSent();
        call.run(Duration.ofSeconds(10));
        assertEquals(sent, call.a().punchStats().probesSent(), "nothing is sent after consent is lost");
    }
}
