package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import net.sippunch.agent.media.srtp.CryptoSuite;
import net.sippunch.agent.media.srtp.SdesCrypto;
import net.sippunch.agent.media.srtp.SrtpKeys;
import org.junit.jupiter.api.Test;

/** SDES offer/answer around plain negotiations, no sockets: what goes in the SDP, which keys come out. */
class SdesNegotiationTest {

    private final SecureRandom random = new SecureRandom();

    private MediaNegotiation plain(int port) {
        return new PlainRtpNegotiation("127.0.0.1", port, List.of(Codec.PCMU, Codec.PCMA), port);
    }

    private SdesNegotiation sdes(int port, boolean required) {
        return new SdesNegotiation(plain(port), required, random);
    }

    @Test
    void aBestEffortOfferStaysRtpAvpWithAKeyPerSuiteAndARequiredOneIsRtpSavp() throws Exception {
        String offer = sdes(30000, false).offer();
        assertEquals("RTP/AVP", SdesNegotiation.transport(offer), offer);
        List<String> crypto = SdesNegotiation.cryptoValues(offer);
        assertEquals(3, crypto.size(), offer);
        List<SdesCrypto> parsed = crypto.stream().map(SdesNegotiationTest::parse).toList();
        assertEquals(List.of(1, 2, 3), parsed.stream().map(SdesCrypto::tag).toList());
        assertEquals(SdesNegotiation.OFFERED, parsed.stream().map(SdesCrypto::suite).toList());
        assertNotEquals(parsed.get(0).key(), parsed.get(1).key());
        assertTrue(offer.indexOf("a=crypto:") > offer.indexOf("m=audio"), "media level: " + offer);

        String required = sdes(30000, true).offer();
        assertTrue(required.contains("m=audio 30000 RTP/SAVP 0 8\r\n"), required);
        assertEquals(3, SdesNegotiation.cryptoValues(required).size());
    }

    @Test
    void theAnswerTakesTheFirstSuiteOfferedWithItsTagAndAFreshKeyAndBothSidesAgree() throws Exception {
        for (boolean required : List.of(false, true)) {
            SdesNegotiation alice = sdes(30000, required);
            SdesNegotiation bob = sdes(30002, false);
            String offer = alice.offer();
            String answer = bob.answer(offer);
            assertEquals(required ? "RTP/SAVP" : "RTP/AVP", SdesNegotiation.transport(answer), answer);
            List<String> crypto = SdesNegotiation.cryptoValues(answer);
            assertEquals(1, crypto.size(), answer);
            SdesCrypto answered = parse(crypto.get(0));
            assertEquals(1, answered.tag());
            assertEquals(CryptoSuite.AES_CM_128_HMAC_SHA1_80, answered.suite());
            assertNotEquals(parse(SdesNegotiation.cryptoValues(offer).get(0)).key(), answered.key(), "our own key");
            alice.acceptAnswer(answer);

            SrtpKeys a = alice.srtp().orElseThrow();
            SrtpKeys b = bob.srtp().orElseThrow();
            assertEquals(a.send(), b.receive());
            assertEquals(b.send(), a.receive());
            assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (sdes)", alice.encryption());
            assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (sdes)", bob.encryption());
            assertEquals(30002, alice.start().join().remote().getPort());
            assertEquals(30000, bob.start().join().remote().getPort());
        }
    }

    @Test
    void anOfferWhoseFirstSuitesAreUnknownGetsTheFirstOneWeSpeak() throws Exception {
        SdesCrypto gcm = SdesCrypto.generate(7, CryptoSuite.AEAD_AES_128_GCM, random);
        String offer = plainOffer("RTP/SAVP", "a=crypto:5 AES_256_CM_HMAC_SHA1_80 inline:"
                + "x".repeat(60) + "\r\n" + gcm.line() + "\r\n");
        SdesNegotiation bob = sdes(30002, false);
        String answer = bob.answer(offer);
        SdesCrypto answered = parse(SdesNegotiation.cryptoValues(answer).get(0));
        assertEquals(7, answered.tag());
        assertEquals(CryptoSuite.AEAD_AES_128_GCM, answered.suite());
        assertEquals(gcm.key(), bob.srtp().orElseThrow().receive());
        assertEquals("srtp AEAD_AES_128_GCM (sdes)", bob.encryption());
    }

    @Test
    void aSavpOfferWithoutAUsableCryptoLineIsRefusedSayingWhy() throws Exception {
        SdpProblem none = assertThrows(SdpProblem.class, () -> sdes(30002, false).answer(plainOffer("RTP/SAVP", "")));
        assertEquals("RTP/SAVP offer refused: the offer has no a=crypto", none.getMessage());
        SdpProblem unknown = assertThrows(SdpProblem.class, () -> sdes(30002, false).answer(plainOffer("RTP/SAVP",
                "a=crypto:1 F8_128_HMAC_SHA1_80 inline:AAAA\r\n")));
        assertTrue(unknown.getMessage().contains("a=crypto suite not supported: F8_128_HMAC_SHA1_80"),
                unknown.getMessage());
    }

    @Test
    void requiredRefusesAnOfferWithoutCryptoAndBestEffortAnswersPlainSayingWhy() throws Exception {
        SdpProblem p = assertThrows(SdpProblem.class, () -> sdes(30002, true).answer(plainOffer("RTP/AVP", "")));
        assertEquals("encryption required: the offer has no a=crypto", p.getMessage());

        SdesNegotiation bob = sdes(30002, false);
        String answer = bob.answer(plainOffer("RTP/AVP", ""));
        assertTrue(SdesNegotiation.cryptoValues(answer).isEmpty(), answer);
        assertEquals("RTP/AVP", SdesNegotiation.transport(answer));
        assertTrue(bob.srtp().isEmpty());
        assertEquals("none (peer offered no a=crypto)", bob.encryption());
    }

    @Test
    void anAnswerWithoutCryptoFallsBackToPlainUnlessRequired() throws Exception {
        SdesNegotiation alice = sdes(30000, false);
        MediaNegotiation bob = plain(30002);
        alice.acceptAnswer(bob.answer(alice.offer()));
        assertTrue(alice.srtp().isEmpty());
        assertEquals("none (peer answered without a=crypto)", alice.encryption());
        assertEquals(30002, alice.start().join().remote().getPort());

        SdesNegotiation strict = sdes(30000, true);
        strict.offer();
        SdpProblem p = assertThrows(SdpProblem.class, () -> strict.acceptAnswer(plainOffer("RTP/AVP", "")));
        assertEquals("encryption required: the answer has no a=crypto", p.getMessage());
        assertTrue(strict.srtp().isEmpty());
    }

    @Test
    void anAnswerNamingATagOrSuiteWeDidNotOfferIsRefused() throws Exception {
        SdesNegotiation alice = sdes(30000, false);
        alice.offer();
        SdpProblem tag = assertThrows(SdpProblem.class, () -> alice.acceptAnswer(plainOffer("RTP/AVP",
                SdesCrypto.generate(9, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random).line() + "\r\n")));
        assertEquals("a=crypto answer tag 9 was not offered", tag.getMessage());
        SdpProblem suite = assertThrows(SdpProblem.class, () -> alice.acceptAnswer(plainOffer("RTP/AVP",
                SdesCrypto.generate(1, CryptoSuite.AEAD_AES_128_GCM, random).line() + "\r\n")));
        assertTrue(suite.getMessage().startsWith("a=crypto answer tag 1 names AEAD_AES_128_GCM"), suite.getMessage());
        assertFalse(alice.srtp().isPresent());
    }

    @Test
    void aKeptSessionNeedsThePeersKeyUnderTheTagInUseAndAnswersWithOurs() throws Exception {
        SdesNegotiation alice = sdes(30000, false);
        SdesNegotiation bob = new SdesNegotiation(new Keeping(plain(30002)), false, random);
        String offer = alice.offer();
        alice.acceptAnswer(bob.answer(offer));
        SdesCrypto bobs = new SdesCrypto(1, bob.srtp().orElseThrow().send());

        // the same offer again (a session refresh): kept, our key repeated under its tag
        String kept = bob.keepSession(offer).orElseThrow();
        assertEquals(List.of(bobs.value()), SdesNegotiation.cryptoValues(kept), kept);
        // a new key from the peer would need new receivers: not kept (488, the session stays as it is)
        String rekeyed = offer.replace(SdesNegotiation.cryptoValues(offer).get(0),
                SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random).value());
        assertTrue(bob.keepSession(rekeyed).isEmpty());
        assertTrue(bob.keepSession(plainOffer("RTP/AVP", "")).isEmpty(), "SRTP does not turn into plain RTP");
    }

    /** A plain negotiation that keeps the session for any offer, as an ICE negotiation does for a refresh. */
    private static final class Keeping extends ForwardingNegotiation {
        Keeping(MediaNegotiation plain) {
            super(plain);
        }

        @Override
        public Optional<String> keepSession(String offer) {
            return Optional.of(plainOffer("RTP/AVP", ""));
        }
    }

    @Test
    void withoutTheWrapperTheReportSaysNotConfigured() {
        assertEquals("none (not configured)", plain(30000).encryption());
        assertTrue(plain(30000).srtp().isEmpty());
    }

    /** An offer of the plain kind with this transport and these extra audio lines. */
    private static String plainOffer(String transport, String extra) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30000 " + transport + " 0\r\na=rtpmap:0 PCMU/8000\r\n" + extra + "a=sendrecv\r\n";
    }

    private static SdesCrypto parse(String value) {
        try {
            return SdesCrypto.parse(value);
        } catch (SdpProblem e) {
            throw new AssertionError(e);
        }
    }
}
