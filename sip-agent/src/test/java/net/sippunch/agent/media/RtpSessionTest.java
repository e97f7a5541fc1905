package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RTP on real loopback sockets: which sources may move the media and what reaches the recording. */
class RtpSessionTest {

    private static final byte LOUD = (byte) 0xAA; // a PCMA byte far from silence

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
    void aPlainPathLatchesOnceToThePeersAddressThenLocksAndSendsRtcpMuxed() throws Exception {
        try (NettyMediaPort port = new MediaPortRange(group, lo, 26700, 26710).bind();
             DatagramSocket signalled = new DatagramSocket(26720, lo);
             DatagramSocket actual = new DatagramSocket(26722, lo);
             DatagramSocket later = new DatagramSocket(26726, lo);
             DatagramSocket stranger = new DatagramSocket(26724, InetAddress.getByName("127.0.0.2"))) {
            signalled.setSoTimeout(5000);
            actual.setSoTimeout(5000);
            stranger.setSoTimeout(500);
            later.setSoTimeout(500);
            MediaPath path = new MediaPath(port.localAddress().getPort(), new InetSocketAddress(lo, 26720), Codec.PCMA,
                    true, "plain",
                    MediaPath.Trust.LEARNED);
            RtpSession session = session(port, path, null, 0, reason -> { });
            try {
                // frames go to the address from the SDP first
                RtpPacket first = RtpPacket.decode(receive(signalled)).orElseThrow();
                assertEquals(Codec.PCMA.payloadType(), first.payloadType());
                assertEquals(160, first.payload().length);

                // RTP from another address: dropped, the destination stays
                send(stranger, port, rtp(1));
                // RTP from the peer's address but another port (its NAT): latch there, once
                send(actual, port, rtp(2));
                boolean rtcpSeen = false;
                for (int i = 0; i < 60 && !rtcpSeen; i++) {
                    byte[] d = receive(actual);
                    rtcpSeen = PacketKind.of(d) == PacketKind.RTCP;
                }
                assertTrue(rtcpSeen, "an RTCP sender report on the RTP port (rtcp-mux)");
                // locked: a further source of the same address moves nothing
                send(later, port, rtp(3));
                receive(actual);
                receive(actual);
                assertThrows(SocketTimeoutException.class, () -> receive(stranger), "nothing goes to the stranger");
                assertThrows(SocketTimeoutException.class, () -> receive(later), "nothing goes to a second source");
            } finally {
                MediaCounters c = session.stop();
                assertEquals(1, c.latches());
                assertEquals(1, c.rtpReceived());
                assertTrue(c.rtpDropped() >= 2, "the stranger's and the second source's packets are dropped " + c);
                assertEquals("127.0.0.1:26722", c.remote());
                assertTrue(c.rtpSent() > 0 && c.rtcpSent() > 0, c.toString());
                // the peer answered our first frame: from its first packet on, media went both ways
                assertEquals(c.firstRtpReceivedMillis(), c.firstTwoWayRtpMillis(), c.toString());
                assertTrue(c.firstTwoWayRtpMillis() >= c.firstRtpSentMillis(), c.toString());
            }
        }
    }

    @Test
    void aPunchedPathMovesOnlyByTheAuthenticatedRetargetAndRecordsOnlyThePeer(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("in.wav");
        try (NettyMediaPort port = new MediaPortRange(group, lo, 26730, 26740).bind();
             DatagramSocket peer = new DatagramSocket(26750, lo);
             DatagramSocket attacker = new DatagramSocket(26752, lo);
             DatagramSocket moved = new DatagramSocket(26754, lo)) {
            peer.setSoTimeout(5000);
            attacker.setSoTimeout(300);
            moved.setSoTimeout(5000);
            MediaPath path = new MediaPath(port.localAddress().getPort(), new InetSocketAddress(lo, 26750), Codec.PCMA,
                    true, "DIRECT: settled",
                    MediaPath.Trust.PUNCHED);
            RtpSession session = session(port, path, recording, 0, reason -> { });
            MediaCounters c;
            try {
                receive(peer);
                // the RTP-bleed attack: the right payload type from the peer's own address, another port
                for (int i = 0; i < 20; i++) {
                    byte[] forged = new RtpPacket(8, false, 100 + i, i * 160L, 7, loud()).encode();
                    send(attacker, port, forged);
                }
                send(peer, port, rtp(1));
                for (int i = 0; i < 5; i++) {
                    receive(peer); // media still goes to the settled path
                }
                assertThrows(SocketTimeoutException.class, () -> receive(attacker), "nothing goes to the attacker");

                session.retarget(port.localAddress().getPort(), new InetSocketAddress(lo, 26754)); // what an authenticated PathChanged does
                RtpPacket there = RtpPacket.decode(receive(moved)).orElseThrow();
                assertEquals(Codec.PCMA.payloadType(), there.payloadType());
            } finally {
                c = session.stop();
            }
            assertEquals(0, c.latches(), "RTP never moves a punched path");
            assertEquals(1, c.rtpReceived());
            assertTrue(c.rtpDropped() >= 20, c.toString());
            short[] heard = WavFile.read(recording);
            assertEquals(160, heard.length, "only the peer's one frame is recorded");
            for (short sample : heard) {
                assertTrue(Math.abs(sample) < 100, "the peer's frame is silence; the attacker's loud audio is absent");
            }
        }
    }

    @Test
    void afterAnAuthenticatedMoveWhatStillComesFromTheOldTupleIsHeardWithoutMovingMediaBack() throws Exception {
        try (NettyMediaPort port = new MediaPortRange(group, lo, 26840, 26844).bind();
             DatagramSocket relayed = new DatagramSocket(26846, lo);
             DatagramSocket direct = new DatagramSocket(26848, lo);
             DatagramSocket attacker = new DatagramSocket(26850, lo)) {
            relayed.setSoTimeout(5000);
            direct.setSoTimeout(5000);
            MediaPath path = new MediaPath(port.localAddress().getPort(), new InetSocketAddress(lo, 26846), Codec.PCMA,
                    true, "relayed", MediaPath.Trust.SIGNALLED);
            RtpSession session = session(port, path, null, 0, reason -> { });
            MediaCounters c;
            try {
                receive(relayed);
                send(relayed, port, rtp(1));
                session.retarget(port.localAddress().getPort(), new InetSocketAddress(lo, 26848)); // a direct path took over
                receive(direct);
                // the peer has not moved yet, or its packets were in flight: still its media
                send(relayed, port, rtp(2));
                send(relayed, port, rtp(3));
                send(attacker, port, rtp(4)); // anyone else is not
                send(direct, port, rtp(5));
                for (int i = 0; i < 5; i++) {
                    receive(direct); // and media keeps going to the new tuple
                }
            } finally {
                c = session.stop();
            }
            assertEquals(4, c.rtpReceived(), c.toString());
            assertEquals(0, c.latches(), "nothing moved media back");
            assertEquals(1, c.rtpDropped(), c.toString());
        }
    }

    @Test
    void aPeerThatFallsSilentEndsThePathWithAMediaTimeout() throws Exception {
        try (NettyMediaPort port = new MediaPortRange(group, lo, 26760, 26770).bind();
             DatagramSocket peer = new DatagramSocket(26780, lo)) {
            peer.setSoTimeout(5000);
            MediaPath path = new MediaPath(port.localAddress().getPort(), new InetSocketAddress(lo, 26780), Codec.PCMA,
                    true, "plain",
                    MediaPath.Trust.LEARNED);
            CompletableFuture<String> timedOut = new CompletableFuture<>();
            RtpSession session = session(port, path, null, TimeUnit.MILLISECONDS.toNanos(300), timedOut::complete);
            try {
                receive(peer); // the session runs
                send(peer, port, rtp(1));
                String reason = timedOut.get(10, TimeUnit.SECONDS);
                assertTrue(reason.startsWith("media-timeout: no RTP from /127.0.0.1:26780"), reason);
            } finally {
                assertEquals(1, session.stop().rtpReceived());
            }
        }
    }

    @Test
    void aDestinationOfAnotherFamilyCostsNothingButUnsentFrames() throws Exception {
        try (NettyMediaPort port = new MediaPortRange(group, lo, 26790, 26800).bind();
             DatagramSocket witness = new DatagramSocket(26810, lo)) {
            witness.setSoTimeout(5000);
            MediaPath path = new MediaPath(port.localAddress().getPort(),
                    new InetSocketAddress(InetAddress.getByName("::1"), 26810), Codec.PCMA,
                    true, "plain", MediaPath.Trust.LEARNED);
            RtpSession session = session(port, path, null, 0, reason -> { });
            MediaCounters c;
            try {
                // the loop is not stuck on the failing sends: another session on it still works
                try (NettyMediaPort second = new MediaPortRange(group, lo, 26802, 26808).bind()) {
                    MediaPath other = new MediaPath(second.localAddress().getPort(), new InetSocketAddress(lo, 26810),
                            Codec.PCMA, true, "plain", MediaPath.Trust.LEARNED);
                    RtpSession working = session(second, other, null, 0, reason -> { });
                    try {
                        for (int i = 0; i < 10; i++) {
                            assertEquals(Codec.PCMA.payloadType(),
                                    RtpPacket.decode(receive(witness)).orElseThrow().payloadType());
                        }
                    } finally {
                        working.stop();
                    }
                }
            } finally {
                c = session.stop();
            }
            assertTrue(c.rtpSent() >= 10, "frames went on being paced, not re-sent in a loop: " + c);
        }
    }

    private static RtpSession session(NettyMediaPort port, MediaPath path, Path recording, long timeoutNanos,
                                      java.util.function.Consumer<String> onTimeout) {
        RtpSession session = new RtpSession(port, path, WavFile.tone(440, 1, 0.3), recording, new SplittableRandom(7),
                "test", timeoutNanos, onTimeout);
        session.start();
        return session;
    }

    private static byte[] loud() {
        byte[] payload = new byte[160];
        Arrays.fill(payload, LOUD);
        return payload;
    }

    private static byte[] rtp(int seq) {
        byte[] silence = new byte[160];
        Arrays.fill(silence, (byte) 0xD5); // PCMA silence
        return new RtpPacket(8, false, seq, seq * 160L, 99, silence).encode();
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
