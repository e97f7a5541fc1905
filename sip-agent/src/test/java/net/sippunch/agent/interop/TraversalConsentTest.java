package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.PacketKind;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/**
 * In NAT traversal mode the callee's probes toward an offer's addresses stop when, 4 s after the 200 OK,
 * neither the ACK nor an answer to a probe has come: a forged INVITE whose SDP names a victim's address, never
 * acknowledged, would otherwise have the punch probe the victim for its whole give-up time (about 800 probes
 * for one INVITE). A call whose ACK comes in time goes on.
 */
class TraversalConsentTest {

    private static final int BOB = 43610;
    private static final int RAW = 43620;
    private static final int VICTIM = 43640;
    /** The callee's window for the ACK or an answered probe ({@code IncomingCall.ACK_WAIT_SECONDS}). */
    private static final long ACK_WAIT_SECONDS = 4;

    @Test
    void probesToAnUnacknowledgedOffersAddressStop() throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 43650),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 43651)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        String discovery = "discovery:\n  servers: [\"127.0.0.1:43650\", \"127.0.0.2:43651\"]\n  timeoutMillis: 1500\n";
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 43660, 43699, 1000, 0, null,
                     discovery));
             RawSipPeer raw = new RawSipPeer(RAW, BOB);
             DatagramSocket victim = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                     VICTIM))) {
            raw.send(raw.invite("forged", offer()));
            Response ok = raw.receiveFinals(1).get(0); // after 180 Ringing while discovery runs
            assertEquals(Response.OK, ok.getStatusCode());
            long answered = System.nanoTime();

            // probes during the window, as ICE's checks start with the answer ...
            victim.setSoTimeout(3000);
            assertEquals(PacketKind.STUN, PacketKind.of(receive(victim)), "the punch probes at first");
            long windowEnd = answered + TimeUnit.SECONDS.toNanos(ACK_WAIT_SECONDS + 1);
            int probes = 1;
            while (System.nanoTime() < windowEnd) {
                victim.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(windowEnd - System.nanoTime())));
                try {
                    receive(victim);
                    probes++;
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
            // ... and none once the window is over without an ACK
            victim.setSoTimeout(3000);
            String during = probes + " during it";
            assertThrows(SocketTimeoutException.class, () -> receive(victim), "no probe after the window; " + during);
        } finally {
            group.shutdownGracefully().awaitUninterruptibly();
        }
    }

    /** An offer of the SDP extension from an open NAT whose mapped address is the victim's socket. */
    private static String offer() {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + VICTIM + " RTP/AVP 0\r\na=rtcp-mux\r\n"
                + "a=punch-version:1\r\n"
                + "a=punch-mapped:127.0.0.1 " + VICTIM + " 127.0.0.1 43650 0\r\n"
                + "a=punch-mapped:127.0.0.1 " + VICTIM + " 127.0.0.2 43651 40\r\n"
                + "a=punch-delta:0\r\n"
                + "a=punch-nat:open endpoint-independent endpoint-independent preserving\r\n"
                + "a=ice-ufrag:Xk3vR9pQ\r\na=ice-pwd:tJ6m2wQ9bN4cLz8rH1sD5fYa\r\n";
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }
}
