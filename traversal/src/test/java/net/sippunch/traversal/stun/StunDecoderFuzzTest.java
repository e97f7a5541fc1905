package net.sippunch.traversal.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Any datagram through {@link StunCodec#decode}: it never throws, and whatever it accepts is a message
 * the encoder writes back into one that decodes to the same value. Saved inputs (RFC 5769 vectors and
 * past findings) replay in every build; {@code bin/fuzz stun} mutates them.
 */
class StunDecoderFuzzTest {

    private static final MessageIntegrityKey SHORT_TERM =
            MessageIntegrityKey.shortTerm("VOkJxbRl1RmTxUk/WvJxBt", MessageIntegrityKey.Algorithm.SHA1);
    private static final MessageIntegrityKey SHORT_TERM_SHA256 =
            MessageIntegrityKey.shortTerm("VOkJxbRl1RmTxUk/WvJxBt", MessageIntegrityKey.Algorithm.SHA256);

    @FuzzTest
    void decodedMessagesSurviveARoundTrip(byte[] datagram) {
        StunDecodeResult result = StunCodec.decode(datagram);
        assertNotNull(result);
        // integrity checks read the same hostile bytes; they answer, never throw
        StunCodec.verifyIntegrity(datagram, SHORT_TERM);
        StunCodec.verifyIntegrity(datagram, SHORT_TERM_SHA256);
        if (result instanceof StunDecodeResult.Malformed malformed) {
            assertNotNull(malformed.reason());
            return;
        }
        StunMessage message = ((StunDecodeResult.Decoded) result).message();
        assertEquals(datagram.length - StunCodec.HEADER_LENGTH, StunDecoder.u16(datagram, 2),
                "accepted despite a length field that disagrees with the datagram");
        assertEquals(!message.transactionId().legacy(), StunCodec.looksLikeStun(datagram),
                "the cookie test and the decoder disagree");
        assertTrue(message.attributes().size() <= StunDecoder.MAX_ATTRIBUTES);

        // FINGERPRINT covers the original bytes, which re-encoding need not reproduce (padding, ignored
        // attributes), so it is recomputed rather than copied.
        boolean fingerprint = message.attribute(StunAttribute.Fingerprint.class).isPresent();
        List<StunAttribute> rest = message.attributes().stream()
                .filter(a -> !(a instanceof StunAttribute.Fingerprint)).toList();
        StunMessage withoutFingerprint =
                new StunMessage(message.type(), message.method(), message.transactionId(), rest);
        byte[] again = StunCodec.encode(withoutFingerprint, null, fingerprint);
        StunDecodeResult reread = StunCodec.decode(again);
        assertTrue(reread instanceof StunDecodeResult.Decoded, () -> "re-encoded message refused: " + reread);
        StunMessage second = ((StunDecodeResult.Decoded) reread).message();
        assertEquals(fingerprint, second.attribute(StunAttribute.Fingerprint.class).isPresent());
        assertEquals(withoutFingerprint, new StunMessage(second.type(), second.method(), second.transactionId(),
                second.attributes().stream().filter(a -> !(a instanceof StunAttribute.Fingerprint)).toList()));
    }
}
