package net.sippunch.traversal.stun;

import static net.sippunch.traversal.stun.Rfc5769VectorsTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TURN methods and attributes (RFC 8656) and the long-term credential key (RFC 8489, RFC 5769). */
class TurnAttributesTest {

    /** RFC 5769's transaction ID, so XORed addresses can be checked against its vectors. */
    private static final TransactionId RFC5769_ID = new TransactionId(hex("b7e7a701bc34d686fa87dfae"));

    @Test
    void messageTypesInterleaveTurnMethodsWithClasses() {
        assertEquals(0x0003, type(StunClass.REQUEST, StunMethod.ALLOCATE));
        assertEquals(0x0103, type(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE));
        assertEquals(0x0113, type(StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE));
        assertEquals(0x0004, type(StunClass.REQUEST, StunMethod.REFRESH));
        assertEquals(0x0016, type(StunClass.INDICATION, StunMethod.SEND));
        assertEquals(0x0017, type(StunClass.INDICATION, StunMethod.DATA));
        assertEquals(0x0008, type(StunClass.REQUEST, StunMethod.CREATE_PERMISSION));
        assertEquals(0x0108, type(StunClass.SUCCESS_RESPONSE, StunMethod.CREATE_PERMISSION));
        assertEquals(0x0009, type(StunClass.REQUEST, StunMethod.CHANNEL_BIND));
        assertEquals(0x0119, type(StunClass.ERROR_RESPONSE, StunMethod.CHANNEL_BIND));
    }

    @Test
    void anAllocateRequestIsWrittenByteForByte() {
        StunMessage allocate = new StunMessage(StunClass.REQUEST, StunMethod.ALLOCATE, RFC5769_ID, List.of(
                new StunAttribute.RequestedTransport(StunAttribute.TRANSPORT_UDP),
                new StunAttribute.Lifetime(600),
                new StunAttribute.DontFragment()));
        byte[] expected = hex("""
                00 03 00 14 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
                00 19 00 04 11 00 00 00
                00 0d 00 04 00 00 02 58
                00 1a 00 00
                """);
        assertArrayEquals(expected, StunCodec.encode(allocate));
        assertEquals(allocate, decode(expected));
    }

    @Test
    void xorPeerAndRelayedAddressesAreXoredLikeXorMappedAddress() throws Exception {
        // RFC 5769 section 2.2: 192.0.2.1:32853 with this transaction ID is 00 01 a1 47 e1 12 a6 43
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        byte[] wire = StunCodec.encode(new StunMessage(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE, RFC5769_ID,
                List.of(new StunAttribute.XorRelayedAddress(address), new StunAttribute.XorPeerAddress(address),
                        new StunAttribute.AlternateServer(address))));
        assertArrayEquals(hex("00 16 00 08 00 01 a1 47 e1 12 a6 43"), Arrays.copyOfRange(wire, 20, 32));
        assertArrayEquals(hex("00 12 00 08 00 01 a1 47 e1 12 a6 43"), Arrays.copyOfRange(wire, 32, 44));
        assertArrayEquals(hex("80 23 00 08 00 01 80 55 c0 00 02 01"), Arrays.copyOfRange(wire, 44, 56));
    }

    @Test
    void channelNumberAndDataAreWrittenByteForByte() {
        byte[] wire = StunCodec.encode(new StunMessage(StunClass.REQUEST, StunMethod.CHANNEL_BIND, RFC5769_ID,
                List.of(new StunAttribute.ChannelNumber(0x4001), new StunAttribute.Data(new byte[] {1, 2, 3, 4, 5}))));
        assertArrayEquals(hex("00 0c 00 04 40 01 00 00  00 13 00 05 01 02 03 04 05 00 00 00"),
                Arrays.copyOfRange(wire, 20, wire.length));
    }

    @Test
    void everyTurnAttributeRoundTripsInEveryClass() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.18.0.21"), 49152);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 3478);
        List<StunAttribute> all = List.of(
                new StunAttribute.XorPeerAddress(v4),
                new StunAttribute.XorPeerAddress(v6),
                new StunAttribute.XorRelayedAddress(v6),
                new StunAttribute.AlternateServer(v4),
                new StunAttribute.Realm("sippunch.test"),
                new StunAttribute.Nonce("obMatJos2AAABadc0ffee"),
                new StunAttribute.ChannelNumber(0x4FFF),
                new StunAttribute.Lifetime(0xFFFFFFFFL),
                new StunAttribute.Lifetime(0),
                new StunAttribute.RequestedTransport(StunAttribute.TRANSPORT_UDP),
                new StunAttribute.DontFragment(),
                new StunAttribute.Data(new byte[0]),
                new StunAttribute.Data(new byte[] {(byte) 0x80, 0, 1}));
        for (StunClass cls : StunClass.values()) {
            StunMessage m = new StunMessage(cls, StunMethod.ALLOCATE, RFC5769_ID, all);
            assertEquals(m, decode(StunCodec.encode(m)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "000d 0003 000002 00", // LIFETIME of 3 bytes
        "000c 0002 4000 0000", // CHANNEL-NUMBER without its reserved bytes
        "0019 0008 11000000 00000000", // REQUESTED-TRANSPORT of 8 bytes
        "001a 0004 00000000", // DONT-FRAGMENT with a value
        "0012 0006 0001 1234 0102 0000", // XOR-PEER-ADDRESS cut short
        "0014 0002 c328 0000", // REALM that is not UTF-8
    })
    void malformedTurnAttributesAreRefused(String attribute) {
        byte[] body = hex(attribute);
        byte[] wire = new byte[20 + body.length];
        System.arraycopy(hex("0003 0000 2112a442 b7e7a701bc34d686fa87dfae"), 0, wire, 0, 20);
        System.arraycopy(body, 0, wire, 20, body.length);
        wire[3] = (byte) body.length;
        assertInstanceOf(StunDecodeResult.Malformed.class, StunCodec.decode(wire));
    }

    @Test
    void aNonceOfMoreThan763BytesIsRefused() {
        StunMessage m = new StunMessage(StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE, RFC5769_ID,
                List.of(new StunAttribute.Nonce("n".repeat(764))));
        assertInstanceOf(StunDecodeResult.Malformed.class, StunCodec.decode(StunCodec.encode(m)));
    }

    @Test
    void rfc5769LongTermRequestCarriesRealmAndNonceAndVerifiesWithTheLongTermKey() throws Exception {
        byte[] vector = Rfc5769VectorsTest.LONG_TERM_REQUEST;
        StunMessage m = decode(vector);
        assertEquals("example.org", m.attribute(StunAttribute.Realm.class).orElseThrow().value());
        assertEquals("f//499k954d6OL34oL9FSTvy64sA", m.attribute(StunAttribute.Nonce.class).orElseThrow().value());
        String username = m.attribute(StunAttribute.Username.class).orElseThrow().value();
        // the vector's password "The\u00ADM\u00AAtr\u2168" is "TheMatrIX" after SASLprep
        MessageIntegrityKey key = MessageIntegrityKey.longTerm(username, "example.org", "TheMatrIX",
                MessageIntegrityKey.Algorithm.SHA1);
        assertArrayEquals(MessageDigest.getInstance("MD5").digest(
                (username + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8)), key.key());
        assertTrue(StunCodec.verifyIntegrity(vector, key));
        // re-encoded from its decoded attributes, the message and its MESSAGE-INTEGRITY come out identical
        List<StunAttribute> plain = m.attributes().stream()
                .filter(a -> !(a instanceof StunAttribute.MessageIntegrity)).toList();
        assertArrayEquals(vector, StunCodec.encode(new StunMessage(m.type(), m.method(), m.transactionId(), plain),
                key, false));
    }

    @Test
    void theLongTermKeyIsTheMd5OfUserRealmAndPassword() {
        MessageIntegrityKey key = MessageIntegrityKey.longTerm("bob", "sippunch.test", "pass",
                MessageIntegrityKey.Algorithm.SHA1);
        // echo -n "bob:sippunch.test:pass" | md5sum
        assertArrayEquals(hex("b96e5556fe9799d596b5cb8a1d765a21"), key.key());
    }

    private static int type(StunClass cls, int method) {
        byte[] wire = StunCodec.encode(new StunMessage(cls, method, RFC5769_ID, List.of()));
        StunMessage back = decode(wire);
        assertEquals(cls, back.type());
        assertEquals(method, back.method());
        return ((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF);
    }

    private static StunMessage decode(byte[] wire) {
        StunDecodeResult r = StunCodec.decode(wire);
        return assertInstanceOf(StunDecodeResult.Decoded.class, r, r.toString()).message();
    }
}
