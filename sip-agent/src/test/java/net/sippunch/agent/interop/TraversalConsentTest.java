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
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.PacketKind;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/**
 * In NAT traversal mode the callee's probes wait for the ACK: a forged INVITE whose SDP names a victim's
 * address, never acknowledged, makes the agent send nothing there (the punch would otherwise probe and spray
 * the victim's ports for its whole give-up time: one INVITE, about 800 probes). The ACK, which only the one who
 * received our 200 OK can send, starts the punch.
 */
class TraversalConsentTest {

    private static final int BOB = 43610;
    private static final int RAW = 43620;
    private static final int VICTIM = 43640;

    @Test
    void probesWaitForTheAck() throws Exception {
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

            victim.setSoTimeout(3000);
            assertThrows(SocketTimeoutException.class, () -> receive(victim), "no probe before the ACK");

            raw.send(raw.ack("forged", ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag()));
            victim.setSoTimeout(5000);
            assertEquals(PacketKind.STUN, PacketKind.of(receive(victim)), "probes once the ACK came");
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
