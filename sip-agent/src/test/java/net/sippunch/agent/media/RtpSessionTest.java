package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Symmetric RTP on real loopback sockets: latch to the negotiated peer's address only. */
class RtpSessionTest {

    @Test
    void latchesToTheSourcePortOfTheNegotiatedPeerOnlyAndSendsRtcpMuxed() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (MediaLoop loop = new MediaLoop(1, "test-media");
             MediaPort port = new MediaPort.Range(lo, 26700, 26710).bind();
             DatagramSocket signalled = new DatagramSocket(26720, lo);
             DatagramSocket actual = new DatagramSocket(26722, lo);
             DatagramSocket stranger = new DatagramSocket(26724, InetAddress.getByName("127.0.0.2"))) {
            signalled.setSoTimeout(5000);
            actual.setSoTimeout(5000);
            stranger.setSoTimeout(500);
            PlainRtpNegotiation plain = new PlainRtpNegotiation("127.0.0.1", port.port(), java.util.List.of(Codec.PCMA), 1);
            MediaPath path = new MediaPath(new InetSocketAddress(lo, 26720), Codec.PCMA, true, "plain");
            RtpSession session = new RtpSession(loop, port, path, WavFile.tone(440, 1, 0.3), null, plain,
                    new SplittableRandom(7), "test");
            try {
                // frames go to the address from the SDP first
                RtpPacket first = RtpPacket.decode(receive(signalled)).orElseThrow();
                assertEquals(Codec.PCMA.payloadType(), first.payloadType());
                assertEquals(160, first.payload().length);

                // RTP from another address: dropped, the destination stays
                send(stranger, port, rtp(1));
                // RTP from the peer's address but another port (its NAT): latch there
                send(actual, port, rtp(2));
                boolean rtcpSeen = false;
                for (int i = 0; i < 60 && !rtcpSeen; i++) {
                    byte[] d = receive(actual);
                    rtcpSeen = PacketKind.of(d) == PacketKind.RTCP;
                }
                assertTrue(rtcpSeen, "an RTCP sender report on the RTP port (rtcp-mux)");
                assertThrows(SocketTimeoutException.class, () -> receive(stranger), "nothing goes to the stranger");
            } finally {
                MediaCounters c = session.stop();
                assertEquals(1, c.latches());
                assertEquals(1, c.rtpReceived());
                assertTrue(c.rtpDropped() >= 1, "the stranger's packet is counted as dropped");
                assertEquals("127.0.0.1:26722", c.remote());
                assertTrue(c.rtpSent() > 0 && c.rtcpSent() > 0, c.toString());
            }
        }
    }

    private static byte[] rtp(int seq) {
        return new RtpPacket(8, false, seq, seq * 160L, 99, new byte[160]).encode();
    }

    private static void send(DatagramSocket from, MediaPort to, byte[] bytes) throws Exception {
        from.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), to.port()));
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }
}
