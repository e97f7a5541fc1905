package net.sippunch.traversal.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StunCodecTest {

    private static final TransactionId ID = TransactionId.random(new SplittableRandom(7));

    @Test
    void everyAttributeRoundTrips() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.18.0.21"), 3478);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 65535);
        List<StunAttribute> all = List.of(
                new StunAttribute.MappedAddress(v4),
                new StunAttribute.XorMappedAddress(v4),
                new StunAttribute.XorMappedAddress(v6),
                new StunAttribute.SourceAddress(v6),
                new StunAttribute.ChangedAddress(v4),
                new StunAttribute.ResponseOrigin(v4),
                new StunAttribute.OtherAddress(v6),
                new StunAttribute.ChangeRequest(true, false),
                new StunAttribute.ChangeRequest(false, true),
                new StunAttribute.ResponsePort(40000),
                new StunAttribute.Username("abcd:efgh"),
                new StunAttribute.Software("sippunch \u00e9"),
                new StunAttribute.ErrorCode(420, "Unknown Attribute"),
                new StunAttribute.UnknownAttributes(new int[] {0x0031, 0x0032, 0x0033}),
                new StunAttribute.Priority(0x6e0001ff),
                new StunAttribute.UseCandidate(),
                new StunAttribute.IceControlling(0x0123456789abcdefL),
                new StunAttribute.IceControlled(-1L),
                new StunAttribute.Padding(7),
                new StunAttribute.UnknownAttribute(0x7777, new byte[] {1, 2, 3}));
        for (StunClass cls : StunClass.values()) {
            StunMessage m = new StunMessage(cls, StunMethod.BINDING, ID, all);
            byte[] wire = StunCodec.encode(m);
            assertTrue(StunCodec.looksLikeStun(wire));
            assertEquals(m, decode(wire));
        }
    }

    @Test
    void methodAndClassBitsInterleave() {
        StunMessage m = new StunMessage(StunClass.ERROR_RESPONSE, 0xABC, ID, List.of());
        byte[] wire = StunCodec.encode(m);
        assertEquals(m, decode(wire));
        // Binding success response is 0x0101 (RFC 8489 section 5)
        byte[] success = StunCodec.encode(StunMessage.bindingSuccess(ID, List.of()));
        assertEquals(0x01, success[0]);
        assertEquals(0x01, success[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA1", "SHA256"})
    void integrityAndFingerprintAreAppendedAndVerified(String algorithm) {
        MessageIntegrityKey key = MessageIntegrityKey.shortTerm("0123456789012345678901",
                MessageIntegrityKey.Algorithm.valueOf(algorithm));
        StunMessage m = StunMessage.bindingRequest(ID, List.of(new StunAttribute.Username("peer:self")));
        byte[] wire = StunCodec.encode(m, key, true);
        assertTrue(StunCodec.verifyIntegrity(wire, key));
        assertFalse(StunCodec.verifyIntegrity(wire,
                MessageIntegrityKey.shortTerm("0123456789012345678902", key.algorithm())));
        StunMessage back = decode(wire);
        assertEquals(3, back.attributes().size());
        assertTrue(back.attribute(StunAttribute.Fingerprint.class).isPresent());
    }

    @Test
    void aMessageWithoutIntegrityNeverVerifies() {
        byte[] wire = StunCodec.encode(StunMessage.bindingRequest(ID, List.of()));
        assertFalse(StunCodec.verifyIntegrity(wire,
                MessageIntegrityKey.shortTerm("0123456789012345678901", MessageIntegrityKey.Algorithm.SHA1)));
    }

    @Test
    void attributesAfterIntegrityAreIgnoredButFingerprintIsKept() {
        MessageIntegrityKey key = MessageIntegrityKey.shortTerm("pw", MessageIntegrityKey.Algorithm.SHA1);
        byte[] signed = StunCodec.encode(StunMessage.bindingRequest(ID, List.of()), key, false);
        // append a SOFTWARE attribute after MESSAGE-INTEGRITY by hand
        byte[] extra = {(byte) 0x80, 0x22, 0, 4, 'e', 'v', 'i', 'l'};
        byte[] tampered = new byte[signed.length + extra.length];
        System.arraycopy(signed, 0, tampered, 0, signed.length);
        System.arraycopy(extra, 0, tampered, signed.length, extra.length);
        int len = tampered.length - 20;
        tampered[2] = (byte) (len >>> 8);
        tampered[3] = (byte) len;
        StunMessage m = decode(tampered);
        assertTrue(m.attribute(StunAttribute.Software.class).isEmpty());
        assertTrue(StunCodec.verifyIntegrity(tampered, key), "the HMAC covers only what precedes it");
    }

    @Test
    void rfc3489MessagesKeepTheirSixteenByteTransactionId() {
        byte[] legacyId = new byte[16];
        new SplittableRandom(3).nextBytes(legacyId);
        legacyId[0] = 0x11; // not the magic cookie
        StunMessage m = StunMessage.bindingRequest(new TransactionId(legacyId),
                List.of(new StunAttribute.ChangeRequest(true, true)));
        byte[] wire = StunCodec.encode(m);
        assertFalse(StunCodec.looksLikeStun(wire), "RFC 7983 demux wants the cookie");
        StunMessage back = decode(wire);
        assertTrue(back.transactionId().legacy());
        assertEquals(m, back);
    }

    @Test
    void malformedInputsAreNamed() {
        byte[] ok = StunCodec.encode(StunMessage.bindingRequest(ID, List.of(new StunAttribute.Username("abcd"))));
        assertMalformed(new byte[5], "shorter than a STUN header");
        byte[] badTop = ok.clone();
        badTop[0] |= (byte) 0x80;
        assertMalformed(badTop, "first two bits");
        byte[] badLength = ok.clone();
        badLength[3] += 4;
        assertMalformed(badLength, "does not match datagram");
        byte[] oddLength = ok.clone();
        oddLength[3] += 1;
        assertMalformed(oddLength, "not a multiple of 4");
        byte[] overrun = ok.clone();
        overrun[23] = 100; // USERNAME length
        assertMalformed(overrun, "overruns");
        byte[] badFamily = StunCodec.encode(StunMessage.bindingSuccess(ID,
                List.of(new StunAttribute.XorMappedAddress(new InetSocketAddress("127.0.0.1", 1)))));
        badFamily[25] = 9;
        assertMalformed(badFamily, "family 9");
        byte[] badUtf8 = ok.clone();
        badUtf8[24] = (byte) 0xFF;
        assertMalformed(badUtf8, "not valid UTF-8");
    }

    private static void assertMalformed(byte[] datagram, String reasonPart) {
        StunDecodeResult r = StunCodec.decode(datagram);
        StunDecodeResult.Malformed m = assertInstanceOf(StunDecodeResult.Malformed.class, r, r.toString());
        assertTrue(m.reason().contains(reasonPart), m.reason());
    }

    private static StunMessage decode(byte[] wire) {
        StunDecodeResult r = StunCodec.decode(wire);
        return assertInstanceOf(StunDecodeResult.Decoded.class, r, r.toString()).message();
    }
}
