package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallEnvironment;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.Codec;
import net.sippunch.agent.media.DtlsSrtpNegotiation;
import net.sippunch.agent.media.ForwardingNegotiation;
import net.sippunch.agent.media.MediaNegotiation;
import net.sippunch.agent.media.PacketKind;
import net.sippunch.agent.media.PlainRtpNegotiation;
import net.sippunch.agent.media.SdpProblem;
import net.sippunch.agent.media.WavFile;
import net.sippunch.agent.media.dtls.DtlsCertificate;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents with {@code media.encryption: dtls-srtp} call each other on loopback, in plain and in traversal mode: the
 * DTLS handshake runs on the media path, each side's tone reaches the other's recording through SRTP keyed by it,
 * and the reports name the suite; on the wire (tcpdump on lo) the media port carries DTLS records and SRTP, never
 * the tone's PCMU. A peer whose certificate is not the one its {@code a=fingerprint} names is refused: the call ends
 * with a BYE saying so and no RTP leaves. Best effort against an agent without encryption goes on plain saying why.
 */
class DtlsSrtpCallTest {

    private static final String DTLS = "  encryption: dtls-srtp\n";
    private static final String REQUIRED = "  encryption: dtls-srtp\n  encryptionRequired: true\n";
    private static final String SUITE = "srtp AES_CM_128_HMAC_SHA1_80 (dtls-srtp)";

    @Test
    void plainModeCallCarriesEachSidesToneThroughDtlsKeyedSrtp(@TempDir Path dir) throws Exception {
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 33010, 33100, 33199, 440, 0, null,
                     null, REQUIRED));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 33020, 33200, 33299, 1000, 0, dir, null,
                     DTLS))) {
            CallReport[] reports = call(alice, bob, 33020, dir);
            assertEncryptedBothWays(reports, "plain", dir);
        }
    }

    @Test
    void traversalModeCallCarriesEachSidesToneThroughDtlsKeyedSrtp(@TempDir Path dir) throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 33400),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 33401)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        String discovery = "discovery:\n  servers: [\"127.0.0.1:33400\", \"127.0.0.2:33401\"]\n  timeoutMillis: 1500\n";
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 33030, 33300, 33399, 440, 0, null,
                     discovery, DTLS));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 33040, 33500, 33599, 1000, 0, dir,
                     discovery, REQUIRED))) {
            CallReport[] reports = call(alice, bob, 33040, dir);
            assertEncryptedBothWays(reports, "traversal", dir);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static void assertEncryptedBothWays(CallReport[] reports, String mode, Path dir) throws IOException {
        CallReport caller = reports[0];
        CallReport callee = reports[1];
        assertNotNull(callee, "the callee reported no call");
        assertEquals("completed", caller.outcome(), caller.reason());
        assertEquals(mode, caller.traversal().mode(), caller.toJson());
        assertEquals(mode, callee.traversal().mode(), callee.toJson());
        assertTrue(caller.mediaBothWays(), caller.toJson());
        assertTrue(callee.mediaBothWays(), callee.toJson());
        assertEquals(SUITE, caller.encryption(), caller.toJson());
        assertEquals(SUITE, callee.encryption(), callee.toJson());
        assertTrue(caller.media().srtpDropped().isEmpty() && callee.media().srtpDropped().isEmpty(),
                caller.toJson() + callee.toJson());
        ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard.wav")), 1000, 440);
        ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(dir, "in-")), 440, 1000);
    }

    @Test
    void onTheWireTheMediaPortCarriesDtlsAndSrtpButNeverTheTonesPcmu(@TempDir Path dir) throws Exception {
        Set<ByteBuffer> toneFrames = new HashSet<>();
        for (double hz : new double[] {440, 1000}) {
            short[] tone = WavFile.tone(hz, 1.0, 0.3); // what each agent loops: 50 frames of 160 samples
            for (int i = 0; i + 160 <= tone.length; i += 160) {
                toneFrames.add(ByteBuffer.wrap(Codec.PCMU.encode(Arrays.copyOfRange(tone, i, i + 160))));
            }
        }
        AtomicLong dtls = new AtomicLong();
        AtomicLong rtp = new AtomicLong();
        AtomicLong clear = new AtomicLong();
        AtomicLong other = new AtomicLong();
        try (LoopbackCapture capture = capture(33600, 33799, (from, to, payload) -> {
                 switch (PacketKind.of(payload)) {
                     case DTLS -> dtls.incrementAndGet();
                     case RTP -> {
                         rtp.incrementAndGet();
                         // the payload as a plain RTP packet would carry it; SRTP adds its 10-byte tag after
                         if (payload.length == 12 + 160 + 10 && toneFrames.contains(
                                 ByteBuffer.wrap(Arrays.copyOfRange(payload, 12, 172)))) {
                             clear.incrementAndGet();
                         } else if (payload.length != 12 + 160 + 10) {
                             other.incrementAndGet();
                         }
                     }
                     default -> { }
                 }
             });
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 33050, 33600, 33699, 440, 0, null,
                     null, DTLS));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 33060, 33700, 33799, 1000, 0, dir, null,
                     DTLS))) {
            CallReport[] reports = call(alice, bob, 33060, dir);
            assertEquals(SUITE, reports[0].encryption(), reports[0].toJson());
            assertTrue(reports[0].mediaBothWays(), reports[0].toJson());
            long sent = reports[0].media().rtpSent() + reports[1].media().rtpSent();
            awaitAtLeast(rtp, sent / 2);
            assertTrue(dtls.get() >= 4, "DTLS records seen: " + dtls.get()); // two flights each way at least
            assertEquals(0, clear.get(), "RTP payloads that are the tone's PCMU, of " + rtp.get());
            assertEquals(0, other.get(), "RTP packets not 12 + 160 + 10 bytes long, of " + rtp.get());
        }
    }

    @Test
    void aPeerWhoseCertificateIsNotItsFingerprintIsRefusedWithAByeSayingSo(@TempDir Path dir) throws Exception {
        // bob's SDP names a certificate that is not the one its handshake presents
        DtlsCertificate presented = DtlsCertificate.generate(new SecureRandom());
        DtlsCertificate named = DtlsCertificate.generate(new SecureRandom());
        ExecutorService handshakes = Executors.newSingleThreadExecutor();
        // best effort: bob, refused by alice's alert, goes on without SRTP and leaves the BYE to alice
        DtlsSrtpNegotiation.Settings settings = new DtlsSrtpNegotiation.Settings(presented, false, handshakes,
                Duration.ofSeconds(5), new SecureRandom());
        String lie = named.fingerprint().line();
        CallEnvironment.Negotiations lying = (port, caller) -> new FingerprintSwap(new DtlsSrtpNegotiation(
                new PlainRtpNegotiation("127.0.0.1", port.localAddress().getPort(), List.of(Codec.PCMU), 1), port,
                caller, settings), presented.fingerprint().line(), lie);
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 33070, 33800, 33899, 440, 0, null,
                     null, DTLS));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 33080, 33900, 33999, 1000, 0, dir,
                     null), lying)) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            CallReport caller = alice.dial("sip:bob@127.0.0.1:33080", new Call.Options(Duration.ofSeconds(5), null,
                    null)).done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertEquals("completed", caller.outcome(), caller.toJson());
            assertTrue(caller.reason().startsWith("DTLS-SRTP refused: the peer's DTLS certificate ("
                    + presented.fingerprint().value() + ") does not match its a=fingerprint ("
                    + named.fingerprint().value() + ")"), caller.reason());
            assertEquals(0, caller.media() == null ? 0 : caller.media().rtpSent(), "no RTP left");
            assertFalse(caller.encryption().startsWith("srtp"), caller.encryption());
            assertNotNull(callee, "bob reported no call");
            assertTrue(callee.reason().startsWith("BYE from the peer"), callee.toJson());
        } finally {
            handshakes.shutdownNow();
        }
    }

    @Test
    void aBestEffortOfferToAPeerWithoutEncryptionGoesOnPlainSayingWhy(@TempDir Path dir) throws Exception {
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 33090, 34000, 34099, 440, 0, null,
                     null, DTLS));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 33091, 34100, 34199, 1000, 0, dir,
                     null))) {
            CallReport[] reports = call(alice, bob, 33091, dir);
            assertEquals("completed", reports[0].outcome(), reports[0].reason());
            assertTrue(reports[0].mediaBothWays(), reports[0].toJson());
            assertEquals("none (peer answered without a=fingerprint)", reports[0].encryption());
            ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard.wav")), 1000, 440);
        }
    }

    @Test
    void aPeerThatNeverHandshakesTimesOutRequiredEndsTheCallBestEffortGoesPlain(@TempDir Path dir) throws Exception {
        // bob's SDP claims DTLS-SRTP (active, some certificate) but bob never sends a ClientHello
        String claim = "a=setup:active\r\n" + DtlsCertificate.generate(new SecureRandom()).fingerprint().line()
                + "\r\n";
        CallEnvironment.Negotiations silent = (port, caller) -> new ClaimsDtls(
                new PlainRtpNegotiation("127.0.0.1", port.localAddress().getPort(), List.of(Codec.PCMU), 1), claim);
        String timeout = "  dtlsTimeoutMillis: 1000\n";
        try (UserAgent strict = UserAgent.start(TestAgents.config("alice", null, 33092, 34200, 34299, 440, 0, null,
                     null, REQUIRED + timeout));
             UserAgent lenient = UserAgent.start(TestAgents.config("carol", null, 33093, 34300, 34399, 440, 0, null,
                     null, DTLS + timeout));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 33094, 34400, 34499, 1000, 0, dir,
                     null), silent)) {
            CallReport ended = strict.dial("sip:bob@127.0.0.1:33094", new Call.Options(Duration.ofSeconds(4), null,
                    null)).done().get(30, TimeUnit.SECONDS);
            assertTrue(ended.reason().startsWith("DTLS handshake timed out after 1000 ms"), ended.toJson());
            assertEquals(0, ended.media() == null ? 0 : ended.media().rtpSent(), "no RTP in the clear");

            CallReport plain = lenient.dial("sip:bob@127.0.0.1:33094", new Call.Options(Duration.ofSeconds(3), null,
                    dir.resolve("carol-heard.wav"))).done().get(30, TimeUnit.SECONDS);
            assertEquals("completed", plain.outcome(), plain.toJson());
            assertEquals("none (DTLS handshake timed out after 1000 ms)", plain.encryption(), plain.toJson());
            assertTrue(plain.mediaBothWays(), plain.toJson());
        }
    }

    /** A plain negotiation whose answers claim DTLS-SRTP (in the offer's transport) that it never speaks. */
    private static final class ClaimsDtls extends ForwardingNegotiation {
        private final String claim;

        ClaimsDtls(MediaNegotiation plain, String claim) {
            super(plain);
            this.claim = claim;
        }

        @Override
        public String answer(String offer) throws SdpProblem {
            boolean savp = offer.contains(" UDP/TLS/RTP/SAVP ");
            String answer = inner.answer(offer.replace(" UDP/TLS/RTP/SAVP ", " RTP/AVP "))
                    .replace("a=sendrecv\r\n", "a=sendrecv\r\n" + claim);
            return savp ? answer.replace(" RTP/AVP ", " UDP/TLS/RTP/SAVP ") : answer;
        }
    }

    /** A negotiation whose SDP swaps one fingerprint line for another: what a man in the middle would do. */
    private static final class FingerprintSwap extends ForwardingNegotiation {
        private final String from;
        private final String to;

        FingerprintSwap(MediaNegotiation inner, String from, String to) {
            super(inner);
            this.from = from;
            this.to = to;
        }

        @Override
        public String offer() throws SdpProblem {
            return inner.offer().replace(from, to);
        }

        @Override
        public String answer(String offer) throws SdpProblem {
            return inner.answer(offer).replace(from, to);
        }
    }

    private static LoopbackCapture capture(int portMin, int portMax, LoopbackCapture.Handler handler)
            throws InterruptedException {
        String missing = "tcpdump not found (Debian package tcpdump)";
        Optional<String> tcpdump = ExternalTools.find("tcpdump");
        if (tcpdump.isPresent()) {
            try {
                return LoopbackCapture.start(tcpdump.get(), portMin, portMax, handler);
            } catch (IOException e) {
                missing = e.getMessage();
            }
        }
        if (ExternalTools.inCi()) {
            fail("no capture: " + missing);
        }
        Assumptions.abort("no capture: " + missing);
        return null;
    }

    /** Waits (bounded) for the capture to hand over {@code n} RTP packets: tcpdump's pipe lags the wire. */
    private static void awaitAtLeast(AtomicLong counter, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (counter.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(counter.get() >= n, "RTP captured: " + counter.get() + ", at least " + n + " expected");
    }

    /** Alice calls Bob for 2 s: the caller's and the callee's report; Alice records to alice-heard.wav. */
    private static CallReport[] call(UserAgent alice, UserAgent bob, int bobPort, Path dir) throws Exception {
        LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
        bob.onCallEnded(bobsCalls::add);
        Call call = alice.dial("sip:bob@127.0.0.1:" + bobPort, new Call.Options(Duration.ofSeconds(2), null,
                dir.resolve("alice-heard.wav")));
        CallReport caller = call.done().get(30, TimeUnit.SECONDS);
        CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
        return new CallReport[] {caller, callee};
    }
}
