package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.sdp.OfferAnswer;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/**
 * Traversal mode is no amplifier either: an INVITE whose punch description names somebody else's address
 * (here a socket that only counts what arrives), never acknowledged, gets a few paced probes there; the ACK
 * gives the punch its full schedule.
 */
class TraversalConsentTest {

    private static final int BOB = 42820;
    private static final int RAW = 42830;
    private static final int VICTIM = 42840;
    private static final String DISCOVERY =
            "discovery:\n  servers: [\"127.0.0.1:42850\", \"127.0.0.2:42851\"]\n  timeoutMillis: 1500\n";

    @Test
    void anUnacknowledgedInviteGetsAFewPacedProbesAndTheAckTheFullPace() throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 42850),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 42851)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42900, 42999, 1000, 0, null,
                     DISCOVERY));
             RawSipPeer raw = new RawSipPeer(RAW, BOB);
             DatagramSocket victim = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                     VICTIM))) {
            raw.send(raw.invite("forged", offer()));
            assertEquals(Response.OK, raw.finalResponse("forged").getStatusCode());
            int unacknowledged = count(victim, 5_000);
            // 8 probes per target at 50 ms, then 0.1, 0.2, 0.4, 0.8, 1.6 s: about 14 per target in 5 s (one or
            // two targets: the reported tuple, a prediction); the full pace is 20 per second per target
            assertTrue(unacknowledged > 0 && unacknowledged <= 40, "paced probes only: " + unacknowledged);

            raw.send(raw.invite("real", offer()));
            Response ok = raw.finalResponse("real"); // the forged call's 200 OK retransmissions come too
            assertEquals(Response.OK, ok.getStatusCode());
            raw.send(raw.ack("real", ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag()));
            int confirmed = count(victim, 5_000) - 2 * 4; // minus what the first INVITE may still send
            assertTrue(confirmed >= 60, "the full schedule once the ACK came: " + confirmed);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A forged ICE offer (no extension) listing the most candidates a component may carry, 64 for RTP and 64 for
     * RTCP, each a port of the victim's, never acknowledged: the two components together send at most their two
     * pre-consent budgets of fixed-target probes (100 each), not the full pace to each candidate (before: 1,792
     * probes in the 5 s).
     */
    @Test
    void anUnacknowledgedIceOfferOfManyCandidatesGetsTheFixedBudgetOnly() throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 42850),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 42851)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        List<DatagramChannel> victims = new ArrayList<>();
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42900, 42999, 1000, 0, null,
                     DISCOVERY));
             RawSipPeer raw = new RawSipPeer(RAW, BOB);
             Selector selector = Selector.open()) {
            // the victims take ports the kernel hands out: 128 fixed ports collide now and then with a port
            // another socket of the test run holds
            int[][] ports = new int[2][64];
            for (int component = 1; component <= 2; component++) {
                for (int i = 0; i < 64; i++) {
                    DatagramChannel victim = DatagramChannel.open();
                    victim.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                    victim.configureBlocking(false);
                    victim.register(selector, SelectionKey.OP_READ);
                    victims.add(victim);
                    ports[component - 1][i] = ((InetSocketAddress) victim.getLocalAddress()).getPort();
                }
            }
            StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                    + "t=0 0\r\nm=audio " + ports[0][0] + " RTP/AVP 0\r\na=rtcp:" + ports[1][0] + "\r\n"
                    + "a=ice-ufrag:forged\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n");
            for (int component = 1; component <= 2; component++) {
                for (int i = 0; i < 64; i++) {
                    sdp.append("a=candidate:").append(i).append(' ').append(component).append(" UDP ")
                            .append(2130706431 - i).append(" 127.0.0.1 ").append(ports[component - 1][i])
                            .append(" typ host\r\n");
                }
            }
            raw.send(raw.invite("forged-ice", sdp.toString()));
            assertEquals(Response.OK, raw.finalResponse("forged-ice").getStatusCode());
            int probes = count(selector, 5_000);
            assertTrue(probes > 0 && probes <= 2 * 100, "probes toward 128 forged candidates in 5 s: " + probes);
        } finally {
            for (DatagramChannel victim : victims) {
                victim.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Datagrams that reach the channels of {@code selector} within {@code millis}. */
    private static int count(Selector selector, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        int n = 0;
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
            selector.select(left);
            for (SelectionKey key : selector.selectedKeys()) {
                DatagramChannel channel = (DatagramChannel) key.channel();
                while (channel.receive(buffer.clear()) != null) {
                    n++;
                }
            }
            selector.selectedKeys().clear();
        }
        return n;
    }

    /** Datagrams that reach {@code socket} within {@code millis}. */
    private static int count(DatagramSocket socket, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        int n = 0;
        byte[] buffer = new byte[2048];
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                socket.receive(new DatagramPacket(buffer, buffer.length));
                n++;
            } catch (SocketTimeoutException e) {
                break;
            }
        }
        return n;
    }

    /** An offer with the punch extension describing a symmetric sequential NAT whose ports are the victim's. */
    private static String offer() throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        NatProfile profile = new NatProfile(new InetSocketAddress("10.9.9.9", 5004),
                List.of(new MappedTuple(new InetSocketAddress(ip, 42850), new InetSocketAddress(ip, VICTIM - 2), 0),
                        new MappedTuple(new InetSocketAddress("127.0.0.2", 42851),
                                new InetSocketAddress(ip, VICTIM - 1), 1_000_000),
                        new MappedTuple(new InetSocketAddress(ip, 42851), new InetSocketAddress(ip, VICTIM), 2_000_000)),
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, NatType.SYMMETRIC_SEQUENTIAL);
        SessionDescription sd = SdpFactory.getInstance().createSessionDescription(
                "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                        + "m=audio " + VICTIM + " RTP/AVP 0\r\na=rtcp-mux\r\n");
        OfferAnswer.writeOffer(sd, OfferAnswer.attributes(profile, Optional.empty()),
                IceCredentials.random(new SplittableRandom(5)));
        return sd.toString();
    }
}
