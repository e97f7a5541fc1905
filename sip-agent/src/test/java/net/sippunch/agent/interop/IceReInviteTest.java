package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/**
 * A standard ICE peer's re-INVITE (RFC 8839 section 4.4: the controlling agent's updated offer once a pair is
 * selected) is answered 200 with the session as it is; one that restarts ICE (new credentials) gets 488 and
 * the session stays as it is; one with the call's Call-ID but not its dialog's tags gets 481.
 */
class IceReInviteTest {

    private static final int BOB = 27720;
    private static final int CAROL = 27730;
    private static final int DISCOVERY = 27740;

    private static String offer(String ufrag, int version) {
        return "v=0\r\no=- 1 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 42990 RTP/AVP 0\r\na=rtcp-mux\r\na=ice-ufrag:" + ufrag + "\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=candidate:1 1 UDP 2130706431 127.0.0.1 42990 typ host\r\n";
    }

    private static String reInvite(RawSipPeer carol, String callId, String toTag, int cseq, String sdp) {
        return carol.headers("INVITE", callId, callId + "-" + cseq, toTag, cseq)
                + "Contact: <sip:carol@127.0.0.1:" + CAROL + ">\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    /** The next final response to the INVITE of {@code cseq} (provisional ones, retransmissions skipped). */
    private static Response finalToInvite(RawSipPeer carol, long cseq) throws Exception {
        Response r = carol.receiveResponse("INVITE");
        while (r.getStatusCode() < 200 || ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber() != cseq) {
            r = carol.receiveResponse("INVITE");
        }
        return r;
    }

    private static String body(Response r) {
        return new String(r.getRawContent(), StandardCharsets.UTF_8);
    }

    @Test
    void anUpdatedOfferKeepsTheSessionAnIceRestartIsRefused() throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), DISCOVERY),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), DISCOVERY + 1)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        String discovery = "discovery:\n  servers: [\"127.0.0.1:" + DISCOVERY + "\", \"127.0.0.2:" + (DISCOVERY + 1)
                + "\"]\n  timeoutMillis: 1500\n";
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 27750, 27799, 1000, 0, null,
                     discovery));
             RawSipPeer carol = new RawSipPeer(CAROL, BOB)) {
            carol.send(carol.invite("ice-reinvite", offer("carolUfrag", 1)));
            Response ok = finalToInvite(carol, 1);
            assertEquals(Response.OK, ok.getStatusCode(), ok.toString());
            String answer = body(ok);
            assertTrue(answer.contains("a=ice-ufrag:") && answer.contains("a=candidate:"), answer);
            String toTag = ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag();
            // the re-INVITE before the ACK (UDP may reorder them, or the stack take them on two threads)
            carol.send(reInvite(carol, "ice-reinvite", toTag, 2, offer("carolUfrag", 2)));
            carol.send(carol.ack("ice-reinvite", toTag));
            Response kept = finalToInvite(carol, 2);
            assertEquals(Response.OK, kept.getStatusCode(), kept.toString());
            assertEquals(answer, body(kept), "the session as it is: the same answer, the same version");

            carol.send(reInvite(carol, "ice-reinvite", toTag, 3, offer("otherUfrag", 3)));
            Response restart = finalToInvite(carol, 3);
            assertEquals(Response.NOT_ACCEPTABLE_HERE, restart.getStatusCode(), restart.toString());

            // the Call-ID without the dialog's tags (a third party): no answer with the session's SDP
            carol.send(reInvite(carol, "ice-reinvite", "not-" + toTag, 4, offer("carolUfrag", 4)));
            Response stranger = finalToInvite(carol, 4);
            assertEquals(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, stranger.getStatusCode(), stranger.toString());
            assertTrue(stranger.getRawContent() == null || stranger.getRawContent().length == 0, stranger.toString());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
