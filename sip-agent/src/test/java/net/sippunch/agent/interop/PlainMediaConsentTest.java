package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.PacketKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plain mode sends media only with consent: RTP toward an INVITE's {@code c=}/{@code m=} starts with the ACK
 * (an INVITE that is never acknowledged gets no RTP: the agent is no amplifier for a forged offer), and only
 * to a unicast address of the media socket's family (488 otherwise).
 */
class PlainMediaConsentTest {

    private static final int BOB = 42620;
    private static final int RAW = 42630;
    private static final int MEDIA = 42640;

    @Test
    void rtpWaitsForTheAck() throws Exception {
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42700, 42799, 1000, 0, null, null));
             RawSipPeer raw = new RawSipPeer(RAW, BOB);
             DatagramSocket media = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                     MEDIA))) {
            raw.send(raw.invite("consent", offer("IN IP4 127.0.0.1")));
            Response ok = raw.receiveResponse("INVITE");
            assertEquals(Response.OK, ok.getStatusCode());

            media.setSoTimeout(1000);
            assertThrows(SocketTimeoutException.class, () -> receive(media), "no RTP before the ACK");

            raw.send(raw.ack("consent", ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag()));
            media.setSoTimeout(5000);
            assertEquals(PacketKind.RTP, PacketKind.of(receive(media)), "RTP once the ACK came");
        }
    }

    @ParameterizedTest(name = "c={0}")
    @ValueSource(strings = {"IN IP4 224.0.0.1", "IN IP4 255.255.255.255", "IN IP4 0.0.0.0", "IN IP6 ::1"})
    void anOfferTowardAnAddressRtpMustNotGoToIsRefusedWith488(String connection) throws Exception {
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42700, 42799, 1000, 0, null, null));
             RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
            raw.send(raw.invite("refused", offer(connection)));
            assertEquals(Response.NOT_ACCEPTABLE_HERE, raw.receiveResponse("INVITE").getStatusCode());
        }
    }

    private static String offer(String connection) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=" + connection + "\r\nt=0 0\r\n"
                + "m=audio " + MEDIA + " RTP/AVP 0\r\na=rtcp-mux\r\n";
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }
}
