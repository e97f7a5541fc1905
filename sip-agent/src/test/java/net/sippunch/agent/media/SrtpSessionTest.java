package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.media.srtp.CryptoSuite;
import net.sippunch.agent.media.srtp.MasterKey;
import net.sippunch.agent.media.srtp.SrtpKeys;
import net.sippunch.agent.media.srtp.SrtpReceiver;
import net.sippunch.agent.media.srtp.SrtpResult;
import net.sippunch.agent.media.srtp.SrtpSender;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RTP session under SRTP on real loopback sockets, a test socket playing the peer: what leaves is not the
 * tone's plain PCMU but opens to it under our key, RTCP leaves as SRTCP, and what arrives is played only when it
 * authenticates under the peer's key (altered, replayed or foreign packets are dropped and counted by reason).
 */
class SrtpSessionTest {

    private final SecureRandom random = new SecureRandom();
    private EventLoopGroup group;
    private InetAddress lo;

    @BeforeEach
    void start() throws Exception {
        group = NettyTransport.newGroup(1, "test-media");
        lo = InetAddress.getByName("127.0.0.1");
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void whatLeavesIsEncryptedAndOnlyAuthenticPacketsArePlayed(@TempDir Path dir) throws Exception {
        MasterKey ours = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80, random);
        MasterKey theirs = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80, random);
        short[] tone = WavFile.tone(440, 1, 0.3);
        Path recording = dir.resolve("heard.wav");
        try (NettyMediaPort port = new MediaPortRange(group, lo, 26800, 26810).bind();
             DatagramSocket peer = new DatagramSocket(26820, lo)) {
            peer.setSoTimeout(5000);
            MediaPath path = new MediaPath(port.localAddress().getPort(), new InetSocketAddress(lo, 26820), Codec.PCMU,
                    true, "plain", MediaPath.Trust.LEARNED);
            RtpSession session = new RtpSession(port, path, tone, recording, new SplittableRandom(7), "test", 0,
                    reason -> { }, new SrtpKeys(ours, theirs));
            session.start();
            MediaCounters c;
            try {
                // what leaves: not the tone's PCMU, 10 bytes of tag longer, and the tone's PCMU under our key
                SrtpReceiver opener = SrtpReceiver.of(ours);
                byte[] plainFirstFrame = Codec.PCMU.encode(Arrays.copyOf(tone, 160));
                byte[] first = receive(peer);
                assertEquals(PacketKind.RTP, PacketKind.of(first));
                assertEquals(12 + 160 + 10, first.length);
                byte[] wirePayload = Arrays.copyOfRange(first, 12, 172);
                assertFalse(Arrays.equals(plainFirstFrame, wirePayload), "the payload on the wire is not plain PCMU");
                SrtpResult opened = opener.unprotectRtp(first);
                assertTrue(opened.ok(), opened.toString());
                assertArrayEquals(plainFirstFrame, RtpPacket.decode(opened.bytes()).orElseThrow().payload(),
                        "under our key it is the tone's first frame");
                boolean srtcpSeen = false;
                for (int i = 0; i < 100 && !srtcpSeen; i++) {
                    byte[] d = receive(peer);
                    if (PacketKind.of(d) == PacketKind.RTCP) {
                        assertTrue(RtcpPacket.decode(opener.unprotectRtcp(d).bytes()).isPresent(), "SRTCP");
                        srtcpSeen = true;
                    } else {
                        assertTrue(opener.unprotectRtp(d).ok(), "every RTP packet opens under our key");
                    }
                }
                assertTrue(srtcpSeen, "an SRTCP report within 2 s");

                // what arrives: 20 authentic frames, one altered, one replayed, one under another key
                SrtpSender sealer = SrtpSender.of(theirs);
                SrtpSender stranger = SrtpSender.of(MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80, random));
                byte[] kept = null;
                for (int seq = 1; seq <= 20; seq++) {
                    byte[] p = sealer.protectRtp(rtp(seq)).bytes();
                    send(peer, port, p);
                    kept = seq == 5 ? p : kept;
                    Thread.sleep(5); // paced as a sender would, not a burst into the socket buffer
                }
                byte[] altered = sealer.protectRtp(rtp(21)).bytes();
                altered[40] ^= 1;
                send(peer, port, altered);
                send(peer, port, kept);
                send(peer, port, stranger.protectRtp(rtp(22)).bytes());
                awaitHandled(port, session, 20 + 3);
            } finally {
                c = session.stop();
            }
            assertEquals(20, c.rtpReceived(), c.toString());
            assertEquals(Map.of("AUTH_FAILED", 2L, "REPLAYED", 1L), c.srtpDropped(), c.toString());
            assertEquals(20 * 160, WavFile.read(recording).length, "only the authentic frames were played");
        }
    }

    /**
     * Waits (at most 5 s) until the session has handled {@code packets} of the peer's packets, played or dropped:
     * its counters are read on the port's loop, where it updates them.
     */
    private static void awaitHandled(NettyMediaPort port, RtpSession session, long packets) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            MediaCounters now = port.loop().submit(session::counters).get(5, TimeUnit.SECONDS);
            if (now.rtpReceived() + now.srtpDropped().values().stream().mapToLong(Long::longValue).sum() >= packets) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(10); // the next look: the loop has no event for "handled n packets"
        }
    }

    private static byte[] rtp(int seq) {
        byte[] loud = new byte[160];
        Arrays.fill(loud, (byte) 0x10); // a PCMU byte far from silence
        return new RtpPacket(0, false, seq, seq * 160L, 77, loud).encode();
    }

    private static void send(DatagramSocket from, NettyMediaPort to, byte[] bytes) throws Exception {
        from.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"),
                to.localAddress().getPort()));
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }
}
