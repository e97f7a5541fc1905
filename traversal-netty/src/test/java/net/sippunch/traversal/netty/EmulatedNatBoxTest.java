package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.emulated.NatBehavior;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.nat.emulated.TunnelFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A NAT box on loopback sockets: a host behind it talks through its tunnel, the outside sees the box's public
 * address, the filter refuses what the model refuses, and discovery through the box classifies every preset
 * as the simulator does.
 */
class EmulatedNatBoxTest {

    private static final InetAddress PUBLIC = ip("127.0.0.31");
    private static final InetAddress HOST = ip("127.0.31.1");
    private static final InetSocketAddress INSIDE = new InetSocketAddress(ip("127.0.31.254"), 0);
    private static final InetAddress OUTSIDE = ip("127.0.0.1");

    private EventLoopGroup group;
    private EmulatedNatBox box;

    @BeforeEach
    void group() {
        group = NettyTransport.newGroup(1, "nat-box-test");
    }

    @AfterEach
    void stop() {
        if (box != null) {
            box.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private EmulatedNatBox start(NatBehavior behavior) throws Exception {
        box = EmulatedNatBox.start(group.next(), behavior, PUBLIC, INSIDE, new SplittableRandom(7))
                .get(5, TimeUnit.SECONDS);
        return box;
    }

    @Test
    void aDatagramGoesOutFromThePublicAddressAndTheReplyComesBackWithItsRealSource() throws Exception {
        start(NatPreset.PORT_RESTRICTED_CONE.behavior().orElseThrow());
        try (DatagramSocket host = socket(HOST); DatagramSocket remote = socket(OUTSIDE)) {
            send(host, box.inside(), new TunnelFrame(address(remote), bytes("hello")).encode());

            DatagramPacket out = receive(remote);
            assertEquals("hello", text(out));
            // port-preserving: the mapping keeps the host's port, on the box's public address
            assertEquals(new InetSocketAddress(PUBLIC, host.getLocalPort()), out.getSocketAddress());

            send(remote, (InetSocketAddress) out.getSocketAddress(), bytes("reply"));
            DatagramPacket in = receive(host);
            assertEquals(box.inside(), in.getSocketAddress());
            TunnelFrame frame = TunnelFrame.decode(Arrays.copyOf(in.getData(), in.getLength())).orElseThrow();
            assertEquals(address(remote), frame.peer());
            assertArrayEquals(bytes("reply"), frame.payload());
        }
        EmulatedNatBox.Stats stats = box.stats().get(5, TimeUnit.SECONDS);
        assertEquals(1, stats.outbound());
        assertEquals(1, stats.inbound());
        assertEquals(1, stats.mappings());
    }

    @Test
    void anUnsolicitedDatagramIsFiltered() throws Exception {
        start(NatPreset.PORT_RESTRICTED_CONE.behavior().orElseThrow());
        try (DatagramSocket host = socket(HOST); DatagramSocket remote = socket(OUTSIDE);
             DatagramSocket stranger = socket(OUTSIDE)) {
            send(host, box.inside(), new TunnelFrame(address(remote), bytes("hello")).encode());
            InetSocketAddress mapped = (InetSocketAddress) receive(remote).getSocketAddress();

            send(stranger, mapped, bytes("unsolicited"));
            await(s -> s.filtered() == 1);
            send(remote, mapped, bytes("permitted"));

            DatagramPacket in = receive(host);
            TunnelFrame frame = TunnelFrame.decode(Arrays.copyOf(in.getData(), in.getLength())).orElseThrow();
            assertEquals("permitted", new String(frame.payload(), StandardCharsets.US_ASCII));
        }
        EmulatedNatBox.Stats stats = box.stats().get(5, TimeUnit.SECONDS);
        assertEquals(1, stats.filtered());
        assertEquals(1, stats.inbound());
    }

    @Test
    void aSymmetricSequentialBoxGivesEachDestinationTheNextPort() throws Exception {
        int base = freeBase();
        start(NatPreset.SYMMETRIC_SEQUENTIAL.behavior().orElseThrow().withSequenceBase(base));
        try (DatagramSocket host = socket(HOST); DatagramSocket one = socket(OUTSIDE);
             DatagramSocket two = socket(OUTSIDE)) {
            send(host, box.inside(), new TunnelFrame(address(one), bytes("a")).encode());
            send(host, box.inside(), new TunnelFrame(address(two), bytes("b")).encode());
            assertEquals(new InetSocketAddress(PUBLIC, base), receive(one).getSocketAddress());
            assertEquals(new InetSocketAddress(PUBLIC, base + 1), receive(two).getSocketAddress());
        }
    }

    @Test
    void anAddressIsRoutedThroughOneBoxAtATime() throws Exception {
        start(NatPreset.FULL_CONE.behavior().orElseThrow());
        try (EmulatedNatRoutes.Route route = box.route(HOST)) {
            assertEquals(box.inside(), EmulatedNatRoutes.insideFor(HOST).orElseThrow());
            assertThrows(IllegalStateException.class, () -> box.route(HOST));
        }
        assertTrue(EmulatedNatRoutes.insideFor(HOST).isEmpty());
    }

    /** Discovery from a port on the routed address, through the tunnel of the Netty adapter, against RFC 5780. */
    @ParameterizedTest
    @EnumSource(value = NatPreset.class, names = "OPEN", mode = EnumSource.Mode.EXCLUDE)
    void discoveryThroughTheBoxClassifiesThePreset(NatPreset preset) throws Exception {
        int base = freeBase();
        start(preset.behavior().orElseThrow().withSequenceBase(base));
        int port = ExternalTools.freePortPair();
        ServerAddresses addresses = new ServerAddresses(List.of(new InetSocketAddress(OUTSIDE, port),
                new InetSocketAddress(ip("127.0.0.2"), port + 1)));
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                new BindingResponder(addresses, "test"), group);
             EmulatedNatRoutes.Route route = box.route(HOST)) {
            DiscoveryOutcome outcome = NettyDiscovery.run(group.next(), new InetSocketAddress(HOST, 0),
                    DiscoveryConfig.defaults(addresses.listen()), new SplittableRandom(3)).get(10, TimeUnit.SECONDS);
            NatProfile profile = assertInstanceOf(DiscoveryOutcome.Profiled.class, outcome, outcome.toString())
                    .profile();
            assertEquals(preset.expectedType(), profile.type(), profile.toString());
            assertEquals(HOST, profile.privateTuple().getAddress());
            assertTrue(profile.samples().stream().allMatch(s -> s.mapped().getAddress().equals(PUBLIC)),
                    profile.toString());
        }
    }

    /** Waits for the box's counters to reach a state (bounded; the datagram may still be on its way). */
    private void await(Predicate<EmulatedNatBox.Stats> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.test(box.stats().get(5, TimeUnit.SECONDS))) {
            assertTrue(System.nanoTime() < deadline, "the box never reached the expected counters");
            Thread.onSpinWait();
        }
    }

    /** A port free on the public address now, for a sequence to start at (the next ones are likely free too). */
    private static int freeBase() throws Exception {
        try (DatagramSocket probe = socket(PUBLIC)) {
            return Math.min(probe.getLocalPort(), 65000);
        }
    }

    private static DatagramSocket socket(InetAddress ip) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0));
        s.setSoTimeout(5000);
        return s;
    }

    private static void send(DatagramSocket from, InetSocketAddress to, byte[] payload) throws Exception {
        from.send(new DatagramPacket(payload, payload.length, to));
    }

    private static DatagramPacket receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return p;
    }

    private static InetSocketAddress address(DatagramSocket s) {
        return (InetSocketAddress) s.getLocalSocketAddress();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
