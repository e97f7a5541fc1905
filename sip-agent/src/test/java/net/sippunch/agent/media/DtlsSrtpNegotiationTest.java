package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.sippunch.agent.media.dtls.DtlsCertificate;
import org.junit.jupiter.api.Test;

/** DTLS-SRTP offer/answer around plain negotiations, no sockets: the SDP's attributes and who opens the handshake. */
class DtlsSrtpNegotiationTest {

    private static final DtlsCertificate ALICE = DtlsCertificate.generate(new SecureRandom());
    private static final DtlsCertificate BOB = DtlsCertificate.generate(new SecureRandom());

    private static DtlsSrtpNegotiation dtls(int port, DtlsCertificate certificate, boolean required, boolean caller) {
        return new DtlsSrtpNegotiation(new PlainRtpNegotiation("127.0.0.1", port, List.of(Codec.PCMU, Codec.PCMA),
                port), null, caller, new DtlsSrtpNegotiation.Settings(certificate, required, Runnable::run,
                Duration.ofSeconds(5), new SecureRandom()));
    }

    @Test
    void anOfferIsActpassWithOurFingerprintRtpAvpBestEffortAndUdpTlsRtpSavpRequired() throws Exception {
        String offer = dtls(30000, ALICE, false, true).offer();
        assertTrue(offer.contains("m=audio 30000 RTP/AVP 0 8\r\n"), offer);
        assertEquals(List.of("actpass"), SdpAudio.values(offer, "setup"));
        assertEquals(List.of(ALICE.fingerprint().value()), SdpAudio.values(offer, "fingerprint"), "media level");
        String required = dtls(30000, ALICE, true, true).offer();
        assertTrue(required.contains("m=audio 30000 UDP/TLS/RTP/SAVP 0 8\r\n"), required);
        assertEquals(List.of(ALICE.fingerprint().value()), SdpAudio.values(required, "fingerprint"));
    }

    @Test
    void theAnswererIsActiveRepeatsTheTransportAndBothSidesAgreeOnWhoIsClient() throws Exception {
        for (boolean required : List.of(false, true)) {
            DtlsSrtpNegotiation alice = dtls(30000, ALICE, required, true);
            DtlsSrtpNegotiation bob = dtls(30002, BOB, false, false);
            String answer = bob.answer(alice.offer());
            assertTrue(answer.contains("m=audio 30002 " + (required ? "UDP/TLS/RTP/SAVP" : "RTP/AVP") + " 0\r\n"),
                    answer);
            assertEquals(List.of("active"), SdpAudio.values(answer, "setup"));
            assertEquals(List.of(BOB.fingerprint().value()), SdpAudio.values(answer, "fingerprint"));
            alice.acceptAnswer(answer);
            assertEquals(Optional.of(true), bob.dtlsClient(), "bob (active) sends the ClientHello");
            assertEquals(Optional.of(false), alice.dtlsClient());
            assertEquals("none (DTLS handshake not done)", alice.encryption());
            assertEquals(Optional.empty(), alice.srtp(), "no keys before the handshake");
        }
    }

    @Test
    void aPassiveAnswerMakesTheOffererTheClientAndAnActiveOfferMakesUsPassive() throws Exception {
        DtlsSrtpNegotiation alice = dtls(30000, ALICE, false, true);
        String offer = alice.offer();
        DtlsSrtpNegotiation bob = dtls(30002, BOB, false, false);
        String answer = bob.answer(offer).replace("a=setup:active", "a=setup:passive");
        alice.acceptAnswer(answer);
        assertEquals(Optional.of(true), alice.dtlsClient());

        DtlsSrtpNegotiation carol = dtls(30004, BOB, false, false);
        String answerToActive = carol.answer(offer.replace("a=setup:actpass", "a=setup:active"));
        assertEquals(List.of("passive"), SdpAudio.values(answerToActive, "setup"));
        assertEquals(Optional.of(false), carol.dtlsClient());
    }

    @Test
    void aSessionLevelFingerprintAndSetupAreRead() throws Exception {
        String offer = dtls(30000, ALICE, false, true).offer();
        String moved = offer.replace("a=setup:actpass\r\n", "").replace(ALICE.fingerprint().line() + "\r\n", "")
                .replace("t=0 0\r\n", "t=0 0\r\na=setup:actpass\r\n" + ALICE.fingerprint().line() + "\r\n");
        assertTrue(moved.indexOf("a=fingerprint") < moved.indexOf("m=audio"), moved);
        DtlsSrtpNegotiation bob = dtls(30002, BOB, false, false);
        String answer = bob.answer(moved);
        assertEquals(Optional.of(true), bob.dtlsClient(), answer);
    }

    @Test
    void withoutAFingerprintBestEffortGoesPlainSayingWhyAndRequiredRefuses() throws Exception {
        String plainOffer = new PlainRtpNegotiation("127.0.0.1", 30000, List.of(Codec.PCMU), 1).offer();
        DtlsSrtpNegotiation bob = dtls(30002, BOB, false, false);
        String answer = bob.answer(plainOffer);
        assertTrue(SdpAudio.values(answer, "fingerprint").isEmpty(), answer);
        assertTrue(SdpAudio.values(answer, "setup").isEmpty(), answer);
        assertEquals("none (peer offered no a=fingerprint)", bob.encryption());
        assertEquals(Optional.empty(), bob.dtlsClient());

        SdpProblem refused = assertThrows(SdpProblem.class, () -> dtls(30002, BOB, true, false).answer(plainOffer));
        assertEquals("encryption required: the offer has no a=fingerprint", refused.getMessage());

        DtlsSrtpNegotiation alice = dtls(30000, ALICE, true, true);
        alice.offer();
        String plainAnswer = new PlainRtpNegotiation("127.0.0.1", 30002, List.of(Codec.PCMU), 1).answer(plainOffer);
        SdpProblem unanswered = assertThrows(SdpProblem.class, () -> alice.acceptAnswer(plainAnswer));
        assertEquals("encryption required: the answer has no a=fingerprint", unanswered.getMessage());
    }

    @Test
    void badAttributesAreRefusedSayingWhat() throws Exception {
        String offer = dtls(30000, ALICE, true, true).offer();
        String md5 = offer.replace(ALICE.fingerprint().line(), "a=fingerprint:md5 4A:AD:B9:B1");
        SdpProblem p = assertThrows(SdpProblem.class, () -> dtls(30002, BOB, false, false).answer(md5));
        assertTrue(p.getMessage().startsWith("UDP/TLS/RTP/SAVP offer refused: no usable a=fingerprint in the offer")
                && p.getMessage().contains("unsupported hash function md5"), p.getMessage());
        String hold = offer.replace("a=setup:actpass", "a=setup:holdconn");
        assertThrows(SdpProblem.class, () -> dtls(30002, BOB, false, false).answer(hold));
        String junk = offer.replace("a=setup:actpass", "a=setup:sometimes");
        SdpProblem q = assertThrows(SdpProblem.class, () -> dtls(30002, BOB, false, false).answer(junk));
        assertTrue(q.getMessage().contains("a=setup: unknown value"), q.getMessage());

        DtlsSrtpNegotiation alice = dtls(30000, ALICE, true, true);
        String answer = dtls(30002, BOB, false, false).answer(alice.offer()).replace("a=setup:active",
                "a=setup:actpass");
        SdpProblem r = assertThrows(SdpProblem.class, () -> alice.acceptAnswer(answer));
        assertTrue(r.getMessage().contains("a=setup:actpass in an answer"), r.getMessage());
    }

    @Test
    void aKeptSessionNeedsThePeersFingerprintAndKeepsOurRole() throws Exception {
        DtlsSrtpNegotiation alice = dtls(30000, ALICE, false, true);
        // a mode that keeps any session: what the wrapper adds is under test
        PlainRtpNegotiation plain = new PlainRtpNegotiation("127.0.0.1", 30002, List.of(Codec.PCMU), 1);
        MediaNegotiation keeping = new MediaNegotiation() {
            @Override
            public String offer() throws SdpProblem {
                return plain.offer();
            }

            @Override
            public String answer(String offer) throws SdpProblem {
                return plain.answer(offer);
            }

            @Override
            public void acceptAnswer(String answer) throws SdpProblem {
                plain.acceptAnswer(answer);
            }

            @Override
            public Optional<String> keepSession(String offer) {
                return Optional.of(plain.offer());
            }

            @Override
            public java.util.concurrent.CompletableFuture<MediaPath> start() {
                return plain.start();
            }

            @Override
            public void stop() {
                plain.stop();
            }

            @Override
            public TraversalSummary summary() {
                return plain.summary();
            }
        };
        DtlsSrtpNegotiation bob = new DtlsSrtpNegotiation(keeping, null, false, new DtlsSrtpNegotiation.Settings(BOB,
                false, Runnable::run, Duration.ofSeconds(5), new SecureRandom()));
        String offer = alice.offer();
        alice.acceptAnswer(bob.answer(offer));
        Optional<String> kept = bob.keepSession(offer);
        assertTrue(kept.isPresent());
        assertEquals(List.of("active"), SdpAudio.values(kept.get(), "setup"));
        assertEquals(List.of(BOB.fingerprint().value()), SdpAudio.values(kept.get(), "fingerprint"));
        String otherCertificate = offer.replace(ALICE.fingerprint().line(), BOB.fingerprint().line());
        assertFalse(bob.keepSession(otherCertificate).isPresent());
    }
}
