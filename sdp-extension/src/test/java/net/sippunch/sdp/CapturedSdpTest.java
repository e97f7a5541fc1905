package net.sippunch.sdp;

import static net.sippunch.sdp.SdpSamples.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SDP captured from baresip and sipp (see resources/captured/README.md) reads as "no extension". */
class CapturedSdpTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "baresip-offer.sdp, offer, 25082",
        "baresip-answer.sdp, answer, 25088",
        "baresip-answer-to-punch-offer.sdp, answer, 25088",
        "sipp-uac-offer.sdp, offer, 25090",
        "sipp-uas-answer.sdp, answer, 25092",
    })
    void plainUserAgentHasNoExtension(String file, String role, int port) {
        String text = SdpSamples.resource("/captured/" + file);
        SdpReading reading = role.equals("offer")
                ? OfferAnswer.readOffer(text)
                : OfferAnswer.readAnswer(text, PunchAttributes.CURRENT_VERSION);
        assertEquals(new SdpReading.Plain(tuple("127.0.0.1", port), OptionalInt.empty(), Optional.empty()), reading);
    }

    @Test
    void extensionOfferSentBySippReadsAsExtended() {
        PeerExtension peer = SdpSamples.extended(OfferAnswer.readOffer(SdpSamples.resource("/captured/sipp-punch-offer.sdp")));
        PunchAttributes a = peer.attributes();
        assertEquals(tuple("127.0.0.1", 25090), peer.mediaTarget());
        assertEquals(tuple("10.0.0.5", 25090), a.privateTuple().orElseThrow());
        assertEquals(2, a.mapped().size());
        assertEquals(new MappedSample(tuple("203.0.113.7", 40002), tuple("198.51.100.2", 3478), 41), a.mapped().get(1));
        assertEquals(OptionalInt.of(1), a.delta());
        assertEquals("symmetric-sequential", NatClassification.token(a.nat().orElseThrow().type()));
        assertEquals(SdpSamples.CREDENTIALS, peer.credentials());
    }

    @Test
    void baresipAnswerToAnExtensionOfferMeansFallBackToItsAddress() {
        // The captured exchange: sipp offered the extension, baresip ignored it and answered plain SDP.
        String offer = SdpSamples.resource("/captured/sipp-punch-offer.sdp");
        String answer = SdpSamples.resource("/captured/baresip-answer-to-punch-offer.sdp");
        assertTrue(offer.contains("a=punch-version:1\r\n"));
        int offered = SdpSamples.extended(OfferAnswer.readOffer(offer)).attributes().version();
        SdpReading reading = OfferAnswer.readAnswer(answer, offered);
        assertEquals(new SdpReading.Plain(tuple("127.0.0.1", 25088), OptionalInt.empty(), Optional.empty()), reading);
    }
}
