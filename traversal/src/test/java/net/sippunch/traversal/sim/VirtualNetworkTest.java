package net.sippunch.traversal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The virtual network: routing through NATs, port ownership, links, the event loop. */
class VirtualNetworkTest {

    private static final long MS = 1_000_000L;
    private static final byte[] DATA = {1, 2, 3};

    @Test
    void delaysAddUpAlongThePath() {
        VirtualNetwork net = new VirtualNetwork(1).core(LinkModel.delay(Duration.ofMillis(10)));
        Router router = net.addRouter("198.18.1.1", LinkModel.delay(Duration.ofMillis(3)),
                NatPreset.FULL_CONE.behavior().orElseThrow());
        Host inside = router.addHost("10.0.1.2", LinkModel.delay(Duration.ofMillis(1)));
        Host outside = net.addHost("198.18.9.9", LinkModel.delay(Duration.ofMillis(5)));
        ScriptedSession server = new ScriptedSession();
        outside.attach(server, 7000);
        inside.attach(new ScriptedSession().at(2 * MS, 5004, outside.address(7000), DATA));
        net.runUntil(() -> !server.received().isEmpty(), Long.MAX_VALUE);
        assertEquals((2 + 1 + 3 + 10 + 5) * MS, net.now());
        assertEquals(new InetSocketAddress(router.ip(), 5004), server.received().get(0).source(), "translated");
    }

    @Test
    void aPortNobodyOwnsDropsAndOwnershipStartsAtTheFirstTransmit() {
        VirtualNetwork net = new VirtualNetwork(1);
        Host a = net.addHost("198.18.1.2", LinkModel.NONE);
        Host b = net.addHost("198.18.2.2", LinkModel.NONE);
        ScriptedSession sa = new ScriptedSession().at(0, 4000, b.address(6000), DATA);
        ScriptedSession sb = new ScriptedSession().at(5 * MS, 6000, a.address(4000), DATA);
        a.attach(sa);
        b.attach(sb);
        net.runFor(10 * MS);
        assertEquals(1, net.counters().dropped(Drop.NO_LISTENER), "6000 was not bound yet at 0 ms");
        assertEquals(1, sa.received().size(), "4000 was bound by sa's transmit");
        assertEquals(Optional.of(sb), b.owner(6000));
    }

    @Test
    void aSessionMaySendFromManyPortsAndReceivesOnEach() {
        VirtualNetwork net = new VirtualNetwork(1);
        Router router = net.addRouter("198.18.1.1", LinkModel.NONE,
                NatPreset.SYMMETRIC_RANDOM.behavior().orElseThrow());
        Host inside = router.addHost("10.0.1.2", LinkModel.NONE);
        Host outside = net.addHost("198.18.9.9", LinkModel.NONE);
        ScriptedSession birthday = new ScriptedSession();
        for (int i = 0; i < 64; i++) {
            birthday.at(0, 20000 + i, outside.address(7000), DATA);
        }
        Attachment att = inside.attach(birthday);
        EchoSession echo = new EchoSession();
        outside.attach(echo, 7000);
        net.runFor(10 * MS);
        assertEquals(64, att.ports().size());
        assertEquals(64, birthday.received().stream().map(ScriptedSession.Received::localPort).distinct().count());
        assertEquals(64, echo.sources.stream().distinct().count(), "64 different NAT mappings");
        att.detach();
        assertTrue(inside.owner(20000).isEmpty(), "detaching frees the ports");
    }

    @Test
    void aPortOwnedByAnotherSessionIsABindConflict() {
        VirtualNetwork net = new VirtualNetwork(1);
        Host a = net.addHost("198.18.1.2", LinkModel.NONE);
        Host b = net.addHost("198.18.2.2", LinkModel.NONE);
        ScriptedSession first = new ScriptedSession();
        a.attach(first, 5004);
        a.attach(new ScriptedSession().at(0, 5004, b.address(1), DATA));
        net.runFor(MS);
        assertEquals(1, net.counters().dropped(Drop.BIND_CONFLICT));
        assertEquals(0, net.counters().sent());
        assertThrows(IllegalStateException.class, () -> a.attach(new ScriptedSession(), 5004));
    }

    @Test
    void hairpinningTurnsADatagramBackInsideOrDropsIt() {
        for (boolean hairpin : List.of(true, false)) {
            VirtualNetwork net = new VirtualNetwork(1);
            Router router = net.addRouter("198.18.1.1", LinkModel.NONE,
                    NatPreset.FULL_CONE.behavior().orElseThrow().withHairpinning(hairpin));
            Host x = router.addHost("10.0.1.2", LinkModel.NONE);
            Host y = router.addHost("10.0.1.3", LinkModel.NONE);
            Host server = net.addHost("198.18.9.9", LinkModel.NONE);
            ScriptedSession sy = new ScriptedSession().at(0, 6000, server.address(7000), DATA);
            y.attach(sy);
            // y's mapping is 198.18.1.1:6000 (port preserved); x sends to it from inside
            ScriptedSession sx = new ScriptedSession().at(MS, 5004, new InetSocketAddress(router.ip(), 6000), DATA);
            x.attach(sx);
            net.runFor(5 * MS);
            if (hairpin) {
                assertEquals(1, sy.received().size());
                assertEquals(new InetSocketAddress(router.ip(), 5004), sy.received().get(0).source(),
                        "the source is x's external mapping");
            } else {
                assertTrue(sy.received().isEmpty());
                assertEquals(1, net.counters().dropped(Drop.HAIRPIN_OFF));
            }
        }
    }

    /**
     * Two hosts behind one hairpinning NAT, each with a mapping towards a server. Unsolicited: X sends to
     * Y's server mapping. Solicited: Y first sends to X's server mapping, then X answers to the mapping Y's
     * datagram came from; a symmetric X answers from a new mapping, which Y's filter has never seen.
     */
    @ParameterizedTest(name = "{0}: unsolicited {1}, solicited {2}")
    @CsvSource({
            "FULL_CONE,                 true,  true",
            "RESTRICTED_CONE,           false, true",
            "PORT_RESTRICTED_CONE,      false, true",
            "SYMMETRIC_SEQUENTIAL,      false, false",
            "SYMMETRIC_SECOND_PRIORITY, false, false",
            "SYMMETRIC_RANDOM,          false, false",
    })
    void hairpinningTruthTable(NatPreset preset, boolean unsolicited, boolean solicited) {
        VirtualNetwork net = new VirtualNetwork(1);
        Router router = net.addRouter("198.18.1.1", LinkModel.NONE,
                preset.behavior().orElseThrow().withHairpinning(true));
        Host x = router.addHost("10.0.1.2", LinkModel.NONE);
        Host y = router.addHost("10.0.1.3", LinkModel.NONE);
        Host server = net.addHost("198.18.9.9", LinkModel.NONE);
        server.attach(new ScriptedSession(), 7000);
        ScriptedSession sx = new ScriptedSession().at(0, 5004, server.address(7000), DATA);
        ScriptedSession sy = new ScriptedSession().at(0, 6000, server.address(7000), DATA);
        x.attach(sx);
        y.attach(sy);
        net.runFor(MS);
        InetSocketAddress xToServer = new InetSocketAddress(router.ip(),
                router.nat().peek(net.now(), x.address(5004), server.address(7000)).getAsInt());
        InetSocketAddress yToServer = new InetSocketAddress(router.ip(),
                router.nat().peek(net.now(), y.address(6000), server.address(7000)).getAsInt());

        sx.at(2 * MS, 5004, yToServer, new byte[] {1});
        net.runUntil(() -> false, 5 * MS);
        assertEquals(unsolicited, sy.received().size() == 1, "unsolicited: " + sy.received());

        sy.at(10 * MS, 6000, xToServer, new byte[] {2});
        net.runUntil(() -> false, 15 * MS);
        InetSocketAddress yToX = new InetSocketAddress(router.ip(),
                router.nat().peek(net.now(), y.address(6000), xToServer).getAsInt());
        int before = sy.received().size();
        sx.at(20 * MS, 5004, yToX, new byte[] {3});
        net.runUntil(() -> false, 25 * MS);
        assertEquals(solicited, sy.received().size() == before + 1, "solicited: " + sy.received());
    }

    @Test
    void hostsOnOneLanTalkWithoutTranslation() {
        VirtualNetwork net = new VirtualNetwork(1);
        Router router = net.addRouter("198.18.1.1", LinkModel.NONE,
                NatPreset.SYMMETRIC_RANDOM.behavior().orElseThrow());
        Host x = router.addHost("10.0.1.2", LinkModel.NONE);
        Host y = router.addHost("10.0.1.3", LinkModel.NONE);
        ScriptedSession sy = new ScriptedSession();
        y.attach(sy, 6000);
        x.attach(new ScriptedSession().at(0, 5004, y.address(6000), DATA));
        net.runFor(MS);
        assertEquals(x.address(5004), sy.received().get(0).source());
        assertEquals(0, router.nat().mappingsCreated());
    }

    @Test
    void lossFollowsItsProbability() {
        VirtualNetwork net = new VirtualNetwork(9).core(new LinkModel(0, 0, 0.2));
        Host a = net.addHost("198.18.1.2", LinkModel.NONE);
        Host b = net.addHost("198.18.2.2", LinkModel.NONE);
        ScriptedSession sink = new ScriptedSession();
        b.attach(sink, 7000);
        ScriptedSession source = new ScriptedSession();
        for (int i = 0; i < 10_000; i++) {
            source.at(i * MS, 5000, b.address(7000), DATA);
        }
        a.attach(source);
        net.runFor(20 * 1000 * MS);
        long lost = net.counters().dropped(Drop.LOST);
        assertEquals(10_000, lost + sink.received().size());
        // 2000 expected, standard deviation 40
        assertTrue(lost > 1800 && lost < 2200, "lost " + lost);
    }

    @Test
    void jitterReordersAndNoJitterKeepsOrder() {
        for (long jitter : new long[] {0, 20 * MS}) {
            VirtualNetwork net = new VirtualNetwork(3).core(new LinkModel(10 * MS, jitter, 0));
            Host a = net.addHost("198.18.1.2", LinkModel.NONE);
            Host b = net.addHost("198.18.2.2", LinkModel.NONE);
            ScriptedSession sink = new ScriptedSession();
            b.attach(sink, 7000);
            ScriptedSession source = new ScriptedSession();
            for (int i = 0; i < 100; i++) {
                source.at(i * MS, 5000, b.address(7000), new byte[] {(byte) i});
            }
            a.attach(source);
            net.runFor(200 * MS);
            assertEquals(100, sink.received().size());
            int inversions = 0;
            for (int i = 1; i < 100; i++) {
                inversions += sink.received().get(i).payload()[0] < sink.received().get(i - 1).payload()[0] ? 1 : 0;
            }
            assertEquals(jitter == 0, inversions == 0, "inversions: " + inversions);
            for (ScriptedSession.Received r : sink.received()) {
                long sentAt = r.payload()[0] * MS;
                assertTrue(r.atNanos() - sentAt >= 10 * MS && r.atNanos() - sentAt < 10 * MS + Math.max(jitter, 1));
            }
        }
    }

    @Test
    void anInjectedDatagramMayCarryAnySource() {
        VirtualNetwork net = new VirtualNetwork(1).core(LinkModel.delay(Duration.ofMillis(4)));
        Router router = net.addRouter("198.18.1.1", LinkModel.NONE, NatPreset.FULL_CONE.behavior().orElseThrow());
        Host inside = router.addHost("10.0.1.2", LinkModel.NONE);
        ScriptedSession s = new ScriptedSession()
                .at(0, 5004, new InetSocketAddress(VirtualNetwork.ip("198.18.9.9"), 1), DATA);
        inside.attach(s);
        net.runFor(MS);
        InetSocketAddress spoofed = new InetSocketAddress(VirtualNetwork.ip("198.18.66.6"), 4444);
        net.inject(spoofed, new InetSocketAddress(router.ip(), 5004), DATA);
        net.runFor(10 * MS);
        assertEquals(1, s.received().size(), "a full cone lets anyone in");
        assertEquals(spoofed, s.received().get(0).source());
        assertEquals(5 * MS, s.received().get(0).atNanos(), "injected at 1 ms, 4 ms across the core");
    }

    @Test
    void runUntilStopsAtTheDeadline() {
        VirtualNetwork net = new VirtualNetwork(1);
        Host a = net.addHost("198.18.1.2", LinkModel.NONE);
        ScriptedSession s = new ScriptedSession().at(50 * MS, 1, a.address(2), DATA);
        a.attach(s);
        assertFalse(net.runUntil(() -> false, 20 * MS));
        assertEquals(20 * MS, net.now());
        assertTrue(net.runUntil(() -> net.counters().sent() == 1, 100 * MS));
        assertEquals(50 * MS, net.now(), "jumped straight to the session's timeout");
    }

    @Test
    void aSessionThatNeverLetsTimeMoveIsReported() {
        VirtualNetwork net = new VirtualNetwork(1);
        net.addHost("198.18.1.2", LinkModel.NONE).attach(new StuckSession());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.runFor(MS));
        assertTrue(e.getMessage().contains("StuckSession"), e.getMessage());
    }

    /** Answers every datagram to its source and remembers the sources. */
    static final class EchoSession implements DatagramSession {
        final List<InetSocketAddress> sources = new ArrayList<>();
        private final ArrayDeque<Transmit> outbox = new ArrayDeque<>();

        @Override
        public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
            sources.add(source);
            outbox.add(new Transmit(localPort, source, payload));
            return true;
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }

        @Override
        public Optional<Transmit> pollTransmit() {
            return Optional.ofNullable(outbox.poll());
        }

        @Override
        public OptionalLong pollTimeout() {
            return OptionalLong.empty();
        }
    }

    /** Always due, never done. */
    static final class StuckSession implements DatagramSession {
        @Override
        public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
            return false;
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }

        @Override
        public Optional<Transmit> pollTransmit() {
            return Optional.empty();
        }

        @Override
        public OptionalLong pollTimeout() {
            return OptionalLong.of(0);
        }

        @Override
        public String toString() {
            return "StuckSession";
        }
    }
}
