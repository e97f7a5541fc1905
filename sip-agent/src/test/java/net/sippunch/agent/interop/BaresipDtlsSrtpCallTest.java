package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with {@code media.encryption: dtls-srtp} and baresip with {@code mediaenc dtls_srtp} (its dtls_srtp
 * module, which offers UDP/TLS/RTP/SAVP with a=setup:actpass and answers active) call each other through Kamailio
 * in both directions: the DTLS handshake runs on the media path, each side checks the other's certificate against
 * its a=fingerprint, and each hears the other's tone through SRTP keyed by the handshake.
 */
class BaresipDtlsSrtpCallTest {

    private static final String REQUIRED = "  encryption: dtls-srtp\n  encryptionRequired: true\n";

    @Test
    void agentCallsBaresipOverDtlsSrtp(@TempDir Path dir) throws Exception {
        agentCallsBaresip(dir, REQUIRED);
    }

    /**
     * Why the README says to require DTLS-SRTP toward baresip: its dtls_srtp module takes only UDP/TLS/RTP/SAVP, and
     * refuses the best-effort offer (RTP/AVP with a=fingerprint) as having no common codec.
     */
    @Test
    void baresipRefusesTheBestEffortOfferRtpAvpWithAFingerprint(@TempDir Path dir) throws Exception {
        ExternalTools.require("baresip", "baresip");
        Path wav = dir.resolve("baresip-1000hz.wav");
        WavFile.write(wav, WavFile.tone(1000, 20, 0.3));
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, BaresipCallTest.PASSWORDS);
             Baresip carol = Baresip.startWithSrtp(dir, "carol", TestAgents.DOMAIN, "carol-pw",
                     KamailioCallTest.PROXY, 26040, 26045, 26400, 26499, wav, "dtls_srtp");
             UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 26010, 26100, 26199, 440,
                     KamailioCallTest.PROXY, null, null, "  encryption: dtls-srtp\n"))) {
            carol.awaitLine("200 OK", 20); // registered
            CallReport r = alice.dial("sip:carol@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(3), null, null)).done().get(30, TimeUnit.SECONDS);
            carol.awaitLine("no common audio codecs - rejected", 10);
            assertEquals("rejected", r.outcome(), r.toJson() + "\n" + carol.output());
        }
    }

    private static void agentCallsBaresip(Path dir, String media) throws Exception {
        ExternalTools.require("baresip", "baresip");
        Path wav = dir.resolve("baresip-1000hz.wav");
        WavFile.write(wav, WavFile.tone(1000, 20, 0.3));
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, BaresipCallTest.PASSWORDS);
             Baresip carol = Baresip.startWithSrtp(dir, "carol", TestAgents.DOMAIN, "carol-pw",
                     KamailioCallTest.PROXY, 26040, 26045, 26400, 26499, wav, "dtls_srtp");
             UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 26010, 26100, 26199, 440,
                     KamailioCallTest.PROXY, null, null, media))) {
            carol.awaitLine("200 OK", 20); // registered
            Path heard = dir.resolve("alice-heard.wav");
            CallReport r = alice.dial("sip:carol@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(3), null, heard)).done().get(30, TimeUnit.SECONDS);
            carol.awaitLine("terminated", 10);

            assertEquals("completed", r.outcome(), r.reason() + "\n" + carol.output());
            assertTrue(r.mediaBothWays(), r.toJson() + "\n" + carol.output());
            assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (dtls-srtp)", r.encryption(), carol.output());
            assertTrue(carol.output().contains("verified sha-256 fingerprint OK"), carol.output());
            assertTrue(r.media().srtpDropped().isEmpty(), r.toJson());
            ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
            ToneCheck.assertTone(WavFile.read(carol.decodedDump()), 440, 1000);
        }
    }

    @Test
    void baresipCallsTheAgentOverDtlsSrtp(@TempDir Path dir) throws Exception {
        ExternalTools.require("baresip", "baresip");
        Path wav = dir.resolve("baresip-1000hz.wav");
        WavFile.write(wav, WavFile.tone(1000, 3, 0.3)); // baresip hangs up when its file ends
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, BaresipCallTest.PASSWORDS);
             Baresip carol = Baresip.startWithSrtp(dir, "carol", TestAgents.DOMAIN, "carol-pw",
                     KamailioCallTest.PROXY, 26040, 26045, 26400, 26499, wav, "dtls_srtp");
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 26020, 26200, 26299, 440,
                     KamailioCallTest.PROXY, dir, null, REQUIRED))) {
            bob.register().get(10, TimeUnit.SECONDS);
            LinkedBlockingQueue<CallReport> calls = new LinkedBlockingQueue<>();
            bob.onCallEnded(calls::add);
            carol.awaitLine("200 OK", 20);
            carol.command("dial", "sip:bob@" + TestAgents.DOMAIN);
            CallReport r = calls.poll(30, TimeUnit.SECONDS);
            carol.awaitLine("terminated", 10);

            assertNotNull(r, "no call reached the agent; baresip said:\n" + carol.output());
            assertEquals("completed", r.outcome(), r.reason() + "\n" + carol.output());
            assertTrue(r.mediaBothWays(), r.toJson() + "\n" + carol.output());
            assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (dtls-srtp)", r.encryption(), carol.output());
            assertTrue(carol.output().contains("verified sha-256 fingerprint OK"), carol.output());
            assertTrue(r.media().srtpDropped().isEmpty(), r.toJson());
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(dir, "in-")), 1000, 440);
            ToneCheck.assertTone(WavFile.read(carol.decodedDump()), 440, 1000);
        }
    }
}
