package net.sippunch.traversal.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 5769, decoded, verified and re-encoded byte for byte. */
class Rfc5769VectorsTest {

    private static final String SHORT_TERM_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    static final byte[] SAMPLE_REQUEST = hex("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff
            80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf
            """);

    static final byte[] IPV4_RESPONSE = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96
            """);

    static final byte[] IPV6_RESPONSE = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c
            """);

    static final byte[] LONG_TERM_REQUEST = hex("""
            00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
            00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66
            """);

    private static final MessageIntegrityKey SHORT_TERM =
            MessageIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, MessageIntegrityKey.Algorithm.SHA1);

    @Test
    void sampleRequestDecodesAndVerifies() {
        StunMessage m = decoded(SAMPLE_REQUEST);
        assertEquals(StunClass.REQUEST, m.type());
        assertEquals(StunMethod.BINDING, m.method());
        assertEquals("b7e7a701bc34d686fa87dfae", m.transactionId().toString());
        assertEquals("STUN test client", m.attribute(StunAttribute.Software.class).orElseThrow().value());
        assertEquals(0x6e0001ff, m.attribute(StunAttribute.Priority.class).orElseThrow().priority());
        assertEquals(0x932ff9b151263b36L, m.attribute(StunAttribute.IceControlled.class).orElseThrow().tieBreaker());
        assertEquals("evtj:h6vY", m.attribute(StunAttribute.Username.class).orElseThrow().value());
        assertTrue(StunCodec.verifyIntegrity(SAMPLE_REQUEST, SHORT_TERM));
        assertFalse(StunCodec.verifyIntegrity(SAMPLE_REQUEST,
                MessageIntegrityKey.shortTerm("wrong password", MessageIntegrityKey.Algorithm.SHA1)));
    }

    @Test
    void sampleRequestReEncodesByteForByte() {
        assertArrayEquals(SAMPLE_REQUEST, reEncode(SAMPLE_REQUEST, SHORT_TERM, true, (byte) 0x20));
    }

    @Test
    void ipv4ResponseDecodesAndReEncodes() throws Exception {
        StunMessage m = decoded(IPV4_RESPONSE);
        assertEquals(StunClass.SUCCESS_RESPONSE, m.type());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853),
                m.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address());
        assertEquals("test vector", m.attribute(StunAttribute.Software.class).orElseThrow().value().trim());
        assertTrue(StunCodec.verifyIntegrity(IPV4_RESPONSE, SHORT_TERM));
        assertArrayEquals(IPV4_RESPONSE, reEncode(IPV4_RESPONSE, SHORT_TERM, true, (byte) 0x20));
    }

    @Test
    void ipv6ResponseDecodesAndReEncodes() throws Exception {
        StunMessage m = decoded(IPV6_RESPONSE);
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                m.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address());
        assertTrue(StunCodec.verifyIntegrity(IPV6_RESPONSE, SHORT_TERM));
        assertArrayEquals(IPV6_RESPONSE, reEncode(IPV6_RESPONSE, SHORT_TERM, true, (byte) 0x20));
    }

    @Test
    void longTermRequestVerifiesWithItsMd5Key() throws Exception {
        StunMessage m = decoded(LONG_TERM_REQUEST);
        assertEquals("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9",
                m.attribute(StunAttribute.Username.class).orElseThrow().value());
        // key = MD5(username ":" realm ":" SASLprep(password)); SASLprep("The\u00ADM\u00AAtr\u2168") = "TheMatrIX"
        byte[] key = MessageDigest.getInstance("MD5").digest(
                ("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9:example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
        MessageIntegrityKey longTerm = new MessageIntegrityKey(key, MessageIntegrityKey.Algorithm.SHA1);
        assertTrue(StunCodec.verifyIntegrity(LONG_TERM_REQUEST, longTerm));
        assertArrayEquals(LONG_TERM_REQUEST, reEncode(LONG_TERM_REQUEST, longTerm, false, (byte) 0));
    }

    @Test
    void aFlippedBitBreaksTheFingerprint() {
        byte[] copy = SAMPLE_REQUEST.clone();
        copy[30] ^= 0x01; // inside SOFTWARE
        StunDecodeResult r = StunCodec.decode(copy);
        assertEquals(new StunDecodeResult.Malformed("FINGERPRINT does not match"), r);
    }

    private static StunMessage decoded(byte[] datagram) {
        StunDecodeResult r = StunCodec.decode(datagram);
        return assertInstanceOf(StunDecodeResult.Decoded.class, r, r.toString()).message();
    }

    /** Decodes, strips integrity and fingerprint, and encodes again letting the codec compute them. */
    private static byte[] reEncode(byte[] datagram, MessageIntegrityKey key, boolean fingerprint, byte padding) {
        StunMessage m = decoded(datagram);
        List<StunAttribute> plain = m.attributes().stream()
                .filter(a -> !(a instanceof StunAttribute.MessageIntegrity || a instanceof StunAttribute.Fingerprint))
                .toList();
        StunMessage stripped = new StunMessage(m.type(), m.method(), m.transactionId(), plain);
        return StunEncoder.encode(stripped, key, fingerprint, padding);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }
}
