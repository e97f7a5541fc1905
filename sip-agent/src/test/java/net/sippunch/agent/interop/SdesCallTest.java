package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sip.header.ToHeader;
import javax.sip.header.WarningHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallEnvironment;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.Codec;
import net.sippunch.agent.media.ForwardingNegotiation;
import net.sippunch.agent.media.MediaNegotiation;
import net.sippunch.agent.media.PacketKind;
import net.sippunch.agent.media.PlainRtpNegotiation;
import net.sippunch.agent.media.RtpPacket;
import net.sippunch.agent.media.SdpProblem;
import net.sippunch.agent.media.WavFile;
import net.sippunch.agent.media.srtp.CryptoSuite;
import net.sippunch.agent.media.srtp.SdesCrypto;
import net.sippunch.agent.media.srtp.SrtpReceiver;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents with {@code media.encryption: sdes} call each other on loopback, in plain and in traversal mode: each
 * side's tone reaches the other's recording through SRTP and the reports name the suite; against an agent
 * without encryption a best-effort offer falls back to plain RTP saying why, a required one gets 488; an RTP/SAVP
 * offer without a usable key gets 488 with a Warning, and a required offer answered without one ends with a BYE.
 */
class SdesCallTest {

    private static final String SDES = "  encryption: sdes\n";
    private static final String REQUIRED = "  encryption: sdes\n  encryptionRequired: true\n";
    private static final String SUITE = "srtp AES_CM_128_HMAC_SHA1_80 (sdes)";

    @Test
    void plainModeCallCarriesEachSidesToneThroughSrtp(@TempDir Path dir) throws Exception {
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 29010, 29100, 29199, 440, 0, null,
                     null, REQUIRED));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 29020, 29200, 29299, 1000, 0, dir, null,
                     SDES))) {
            CallReport[] reports = call(alice, bob, 29020, dir);
            CallReport caller = reports[0];
            CallReport callee = reports[1];
            assertEquals("completed", caller.outcome(), caller.reason());
            assertEquals("plain", caller.traversal().mode());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertTrue(callee.mediaBothWays(), callee.toJson());
            assertEquals(SUITE, caller.encryption(), caller.toJson());
            assertEquals(SUITE, callee.encryption(), callee.toJson());
            assertTrue(caller.toJson().contains("\"encryption\" : \"" + SUITE + "\""), caller.toJson());
            assertEquals(0, caller.media().rtpDropped() + callee.media().rtpDropped(), caller.toJson());
            assertTrue(caller.media().srtpDropped().isEmpty() && callee.media().srtpDropped().isEmpty(),
                    caller.toJson() + callee.toJson());
            ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard.wav")), 1000, 440);
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(dir, "in-")), 440, 1000);
        }
    }

    @Test
    void traversalModeCallCarriesEachSidesToneThroughSrtp(@TempDir Path dir) throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 29400),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 29401)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        String discovery = "discovery:\n  servers: [\"127.0.0.1:29400\", \"127.0.0.2:29401\"]\n  timeoutMillis: 1500\n";
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 29030, 29300, 29399, 440, 0, null,
                     discovery, SDES));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 29040, 29500, 29599, 1000, 0, dir,
                     discovery, REQUIRED))) {
            CallReport[] reports = call(alice, bob, 29040, dir);
            CallReport caller = reports[0];
            CallReport callee = reports[1];
            assertEquals("completed", caller.outcome(), caller.reason());
            assertEquals("traversal", caller.traversal().mode(), caller.toJson());
            assertEquals("traversal", callee.traversal().mode(), callee.toJson());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertTrue(callee.mediaBothWays(), callee.toJson());
            assertEquals(SUITE, caller.encryption(), caller.toJson());
            assertEquals(SUITE, callee.encryption(), callee.toJson());
            ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard.wav")), 1000, 440);
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(dir, "in-")), 440, 1000);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBestEffortOfferToAPeerWithoutCryptoFallsBackToPlainRtpSayingWhy(@TempDir Path dir) throws Exception {
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 29050, 29600, 29699, 440, 0, null,
                     null, SDES));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 29060, 29700, 29799, 1000, 0, dir,
                     null))) {
            CallReport[] reports = call(alice, bob, 29060, dir);
            assertEquals("completed", reports[0].outcome(), reports[0].reason());
            assertTrue(reports[0].mediaBothWays(), reports[0].toJson());
            assertTrue(reports[1].mediaBothWays(), reports[1].toJson());
            assertEquals("none (peer answered without a=crypto)", reports[0].encryption());
            assertEquals("none (not configured)", reports[1].encryption());
            ToneCheck.assertTone(WavFile.read(dir.resolve("alice-heard.wav")), 1000, 440);
        }
    }

    @Test
    void encryptionRequiredAgainstAPeerWithoutCryptoIs488EitherWay(@TempDir Path dir) throws Exception {
        try (UserAgent plain = UserAgent.start(TestAgents.config("alice", null, 29070, 29800, 29899, 440, 0, null,
                     null));
             UserAgent strict = UserAgent.start(TestAgents.config("bob", null, 29080, 29900, 29999, 1000, 0, dir,
                     null, REQUIRED))) {
            LinkedBlockingQueue<CallReport> atStrict = new LinkedBlockingQueue<>();
            strict.onCallEnded(atStrict::add);
            CallReport caller = plain.dial("sip:bob@127.0.0.1:29080", new Call.Options(Duration.ofSeconds(1), null,
                    null)).done().get(30, TimeUnit.SECONDS);
            assertEquals("rejected", caller.outcome(), caller.reason());
            assertEquals(488, caller.sipStatus());
            CallReport callee = atStrict.poll(10, TimeUnit.SECONDS);
            assertEquals("offer not acceptable: encryption required: the offer has no a=crypto", callee.reason());

            LinkedBlockingQueue<CallReport> atPlain = new LinkedBlockingQueue<>();
            plain.onCallEnded(atPlain::add);
            CallReport offered = strict.dial("sip:alice@127.0.0.1:29070", new Call.Options(Duration.ofSeconds(1),
                    null, null)).done().get(30, TimeUnit.SECONDS);
            assertEquals(488, offered.sipStatus(), offered.reason());
            CallReport refused = atPlain.poll(10, TimeUnit.SECONDS);
            assertTrue(refused.reason().contains("RTP/SAVP"), refused.reason());
        }
    }

    @Test
    void whatTheAgentSendsOnTheWireIsNotItsTonesPcmuButOpensToItUnderTheAnswersKey() throws Exception {
        SdesCrypto offered = SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        String offer = RawSipPeer.SDP.replace("42990 RTP/AVP", "29034 RTP/AVP") + offered.line() + "\r\n";
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 29021, 29200, 29299, 1000, 0, null, null,
                     SDES));
             RawSipPeer raw = new RawSipPeer(29032, 29021);
             DatagramSocket media = new DatagramSocket(29034, InetAddress.getByName("127.0.0.1"))) {
            media.setSoTimeout(5000);
            raw.send(raw.invite("on-the-wire", offer));
            Response ok = raw.receiveResponse("INVITE");
            assertEquals(Response.OK, ok.getStatusCode());
            String answer = new String(ok.getRawContent(), StandardCharsets.UTF_8);
            assertTrue(answer.contains("m=audio ") && answer.contains(" RTP/AVP 0"), answer);
            SdesCrypto answered = SdesCrypto.parse(answer.lines().filter(l -> l.startsWith("a=crypto:")).findFirst()
                    .orElseThrow());
            assertEquals(1, answered.tag());
            raw.send(raw.ack("on-the-wire", ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag()));

            byte[] firstFrame = Codec.PCMU.encode(Arrays.copyOf(WavFile.tone(1000, 1.0, 0.3), 160));
            SrtpReceiver opener = SrtpReceiver.of(answered.key());
            int rtp = 0;
            while (rtp < 10) {
                DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
                media.receive(d);
                byte[] bytes = Arrays.copyOf(d.getData(), d.getLength());
                if (PacketKind.of(bytes) != PacketKind.RTP) {
                    continue;
                }
                rtp++;
                assertEquals(12 + 160 + 10, bytes.length, "PCMU and an 80-bit tag");
                RtpPacket plain = RtpPacket.decode(opener.unprotectRtp(bytes).bytes()).orElseThrow();
                byte[] wire = Arrays.copyOfRange(bytes, 12, 172);
                assertFalse(Arrays.equals(plain.payload(), wire), "packet " + rtp + " is encrypted");
                if (plain.marker()) {
                    assertArrayEquals(firstFrame, plain.payload(), "the first frame is the tone's PCMU");
                    assertFalse(Arrays.equals(firstFrame, wire));
                }
            }
        }
    }

    @Test
    void anRtpSavpOfferWithoutAUsableCryptoLineGets488SayingWhyInAWarning() throws Exception {
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 29021, 29200, 29299, 1000, 0, null, null,
                     SDES));
             RawSipPeer raw = new RawSipPeer(29031, 29021)) {
            raw.send(raw.invite("savp-no-crypto", RawSipPeer.SDP.replace("RTP/AVP", "RTP/SAVP")));
            Response response = raw.receiveResponse("INVITE");
            assertEquals(Response.NOT_ACCEPTABLE_HERE, response.getStatusCode());
            WarningHeader warning = (WarningHeader) response.getHeader(WarningHeader.NAME);
            assertEquals("offer not acceptable: RTP/SAVP offer refused: the offer has no a=crypto",
                    warning.getText(), response.toString());
            raw.send(raw.ack("savp-no-crypto", ((ToHeader) response.getHeader(ToHeader.NAME)).getTag()));
        }
    }

    @Test
    void aRequiredOfferAnsweredWithoutCryptoEndsTheCallWithAByeSayingWhy() throws Exception {
        // bob answers RTP/SAVP as if it were RTP/AVP, without a=crypto: what a peer that ignores the profile does
        CallEnvironment.Negotiations ignoring = (port, caller) -> new SavpIgnoring(
                new PlainRtpNegotiation("127.0.0.1", port.localAddress().getPort(), List.of(Codec.PCMU), 1));
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 29011, 29100, 29199, 440, 0, null,
                     null, REQUIRED));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 29021, 29200, 29299, 1000, 0, null,
                     null), ignoring)) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            CallReport caller = alice.dial("sip:bob@127.0.0.1:29021", new Call.Options(Duration.ofSeconds(2), null,
                    null)).done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertTrue(caller.reason().startsWith("unusable SDP answer: encryption required: the answer has no "
                    + "a=crypto"), caller.reason());
            assertEquals(0, caller.media() == null ? 0 : caller.media().rtpSent(), "no RTP left in the clear");
            assertTrue(callee.reason().startsWith("BYE from the peer"), callee.toJson());
        }
    }

    /** A plain negotiation that takes an RTP/SAVP offer as RTP/AVP and answers it without crypto. */
    private static final class SavpIgnoring extends ForwardingNegotiation {
        SavpIgnoring(MediaNegotiation plain) {
            super(plain);
        }

        @Override
        public String answer(String offer) throws SdpProblem {
            return inner.answer(offer.replace("RTP/SAVP", "RTP/AVP"));
        }
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
