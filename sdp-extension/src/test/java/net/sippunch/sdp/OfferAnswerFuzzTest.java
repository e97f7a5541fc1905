package net.sippunch.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import javax.sdp.SessionDescription;

/**
 * Any text as a peer's offer or answer: reading never throws and always decides (Extended, Plain or
 * Invalid); offer and answer rules agree; what is accepted writes back into a description that reads
 * to the same attributes and credentials, and the punch engine's views of it can be built.
 */
class OfferAnswerFuzzTest {

    /** The NIST parser prints a stack trace for every malformed line: swallowed, or it dominates the run. */

    @FuzzTest
    void everyDescriptionReadsAsExtendedPlainOrInvalid(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        SdpReading offer = SdpSamples.quietly(() -> OfferAnswer.readOffer(text));
        SdpReading answer = SdpSamples.quietly(() -> OfferAnswer.readAnswer(text, PunchAttributes.CURRENT_VERSION));
        decided(offer);
        decided(answer);

        if (offer instanceof SdpReading.Extended e) {
            assertFalse(e.peer().attributes().peerCorrection().isPresent(), "an offer with a peer correction");
            assertEquals(offer, answer, "an acceptable offer is an acceptable answer");
        }
        if (answer instanceof SdpReading.Extended e && e.peer().attributes().peerCorrection().isEmpty()) {
            assertEquals(answer, offer, "an answer without a correction is an acceptable offer");
        }
        if (answer instanceof SdpReading.Extended e) {
            PeerExtension peer = e.peer();
            // what the punch engine derives from the reading
            assertNotNull(peer.natProfile(0L));
            assertNotNull(peer.punchEndpoint(0L));
            assertNotNull(peer.namedTuples());
            PeerExtension again = writtenAndRead(peer);
            assertEquals(peer.attributes(), again.attributes());
            assertEquals(peer.credentials(), again.credentials());
        }
    }

    private static void decided(SdpReading reading) {
        assertNotNull(reading);
        if (reading instanceof SdpReading.Plain plain) {
            int port = plain.mediaTarget().getPort();
            assertTrue(port >= 1 && port <= 65535, () -> "plain target port " + port);
            assertFalse(plain.mediaTarget().isUnresolved());
            plain.ice().ifPresent(ice -> ice.candidates().forEach(c -> assertEquals(new IceCandidateCodec.Parsed(c),
                    IceCandidateCodec.parse(IceCandidateCodec.format(c)), "an accepted candidate writes back")));
        } else if (reading instanceof SdpReading.Invalid invalid) {
            assertFalse(invalid.message().isBlank());
        } else {
            assertInstanceOf(SdpReading.Extended.class, reading);
        }
    }

    /** The accepted values written into a fresh description as this side would, then read back. */
    private static PeerExtension writtenAndRead(PeerExtension peer) {
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        PunchCodec.write(OfferAnswer.primaryMedia(sd), peer.attributes(), peer.credentials());
        return SdpSamples.extended(OfferAnswer.read(SdpSamples.parse(sd.toString())));
    }
}
