package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import net.sippunch.traversal.stun.MessageIntegrityKey;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import org.junit.jupiter.api.Test;

/**
 * RFC 8839's updated offer: the agent, controlling against an ICE-lite offerer, selects a pair whose local side the
 * peer saw at another port than the default candidate the agent's answer named (as a NAT that moved the port
 * makes it), and sends a re-INVITE whose {@code c=}/{@code m=} name that port, with that candidate only and
 * {@code a=remote-candidates}; the peer's 200 is acknowledged and media goes on. The scripted ICE-lite peer
 * answers the agent's checks with the XOR-MAPPED-ADDRESS it chooses, keyed with its password.
 */
class UpdatedOfferTest {

    private static final int BOB = 46620;
    private static final int RAW = 46630;
    private static final int DISCOVERY = 46650;
    private static final int LITE = 46660;
    private static final String LITE_UFRAG = "liteUfrag";
    private static final String LITE_PWD = "liteLitePasswordOf24Chars";
    private static final String DISCOVERY_YAML = "discovery:\n  servers: [\"127.0.0.1:" + DISCOVERY
            + "\", \"127.0.0.2:" + (DISCOVERY + 1) + "\"]\n  timeoutMillis: 1500\n";

    @Test
    void theControllingAgentSendsAnUpdatedOfferWhenThePeerSawItElsewhere() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ServerAddresses addresses = new ServerAddresses(List.of(new InetSocketAddress(loopback, DISCOVERY),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), DISCOVERY + 1)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        InetSocketAddress seenAs = new InetSocketAddress(loopback, 46777); // where "a NAT" took our checks
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 46700, 46799, 440, 0, null,
                     DISCOVERY_YAML));
             RawSipPeer raw = new RawSipPeer(RAW, BOB);
             DatagramSocket lite = new DatagramSocket(new InetSocketAddress(loopback, LITE))) {
            LinkedBlockingQueue<CallReport> calls = new LinkedBlockingQueue<>();
            bob.onCallEnded(calls::add);
            AtomicInteger nominations = new AtomicInteger();
            Thread responder = new Thread(() -> answerChecks(lite, seenAs, nominations), "ice-lite");
            responder.start();

            raw.send(raw.invite("updated", liteOffer(1)));
            Response ok = raw.finalResponse("updated");
            assertEquals(Response.OK, ok.getStatusCode());
            String toTag = ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag();
            String answer = new String(ok.getRawContent());
            raw.send(raw.ack("updated", toTag));
            assertTrue(!answer.contains("m=audio " + seenAs.getPort() + " "), "the answer's default is elsewhere");

            String reInvite = nextRequest(raw, "INVITE");
            assertTrue(reInvite.contains("m=audio " + seenAs.getPort() + " "), reInvite);
            assertTrue(reInvite.contains("c=IN IP4 127.0.0.1"), reInvite);
            assertTrue(reInvite.contains("a=remote-candidates:1 127.0.0.1 " + LITE), reInvite);
            assertTrue(reInvite.contains("127.0.0.1 " + seenAs.getPort() + " typ prflx"), reInvite);
            assertEquals(1, count(reInvite, "a=candidate:"), "the selected local candidate only: " + reInvite);
            raw.socket().send(datagram(ok(reInvite, liteOffer(2)), BOB));
            String ack = nextRequest(raw, "ACK");
            assertEquals(header(reInvite, "CSeq").split(" ")[0], header(ack, "CSeq").split(" ")[0], ack);
            assertTrue(nominations.get() > 0, "the agent nominated the pair");

            raw.send(raw.headers("BYE", "updated", "updated-bye", toTag, 2) + "Content-Length: 0\r\n\r\n");
            CallReport r = calls.poll(15, TimeUnit.SECONDS);
            lite.close();
            responder.join(5000);
            assertNotNull(r, "the call did not end");
            assertTrue(r.reason().contains("updated offer (RFC 8839) answered 200"), r.toJson());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** An ICE-lite offer: its host candidate is the scripted peer's socket. */
    private static String liteOffer(int version) {
        return "v=0\r\no=- 7 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\na=ice-lite\r\n"
                + "m=audio " + LITE + " RTP/AVP 0\r\na=rtcp-mux\r\na=ice-ufrag:" + LITE_UFRAG + "\r\n"
                + "a=ice-pwd:" + LITE_PWD + "\r\n"
                + "a=candidate:1 1 UDP 2130706431 127.0.0.1 " + LITE + " typ host\r\n";
    }

    /**
     * The ICE-lite side: every authenticated Binding request is answered with {@code seenAs} as the address it
     * came from; nominations are counted. RTP is ignored. Ends when the socket closes.
     */
    private static void answerChecks(DatagramSocket socket, InetSocketAddress seenAs, AtomicInteger nominations) {
        MessageIntegrityKey key = MessageIntegrityKey.shortTerm(LITE_PWD, MessageIntegrityKey.Algorithm.SHA1);
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
                byte[] datagram = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (!StunCodec.looksLikeStun(datagram) || !StunCodec.verifyIntegrity(datagram, key)
                        || !(StunCodec.decode(datagram) instanceof StunDecodeResult.Decoded decoded)
                        || decoded.message().type() != StunClass.REQUEST) {
                    continue;
                }
                StunMessage request = decoded.message();
                if (request.attributes().stream().anyMatch(a -> a instanceof StunAttribute.UseCandidate)) {
                    nominations.incrementAndGet();
                }
                byte[] answer = StunCodec.encode(StunMessage.bindingSuccess(request.transactionId(),
                        List.of(new StunAttribute.XorMappedAddress(seenAs))), key, true);
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (java.io.IOException e) {
                return;
            }
        }
    }

    /** The next request {@code method} the agent sends to the raw peer (responses and other requests skipped). */
    private static String nextRequest(RawSipPeer raw, String method) throws Exception {
        while (true) {
            String text = RawSip.receive(raw.socket());
            if (text.startsWith(method + " ")) {
                return text;
            }
        }
    }

    /** A 200 OK to {@code request} carrying {@code sdp}. */
    private static String ok(String request, String sdp) {
        StringBuilder b = new StringBuilder("SIP/2.0 200 OK\r\n");
        Matcher vias = Pattern.compile("(?im)^Via\\s*:.*\\r?$").matcher(request);
        while (vias.find()) {
            b.append(vias.group().trim()).append("\r\n");
        }
        for (String name : List.of("From", "To", "Call-ID", "CSeq")) {
            b.append(name).append(": ").append(header(request, name)).append("\r\n");
        }
        return b.append("Contact: <sip:carol@127.0.0.1:").append(RAW).append(">\r\n")
                .append("Content-Type: application/sdp\r\nContent-Length: ").append(sdp.length()).append("\r\n\r\n")
                .append(sdp).toString();
    }

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + name + "\\s*:\\s*(.*?)\\r?$").matcher(message);
        return m.find() ? m.group(1) : null;
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    private static DatagramPacket datagram(String text, int port) throws Exception {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), port);
    }
}
