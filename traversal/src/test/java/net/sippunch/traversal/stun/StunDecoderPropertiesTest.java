package net.sippunch.traversal.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Hostile bytes never make the decoder throw; well-formed messages survive a round trip. */
class StunDecoderPropertiesTest {

    @Property(tries = 3000)
    void randomBytesNeverThrow(@ForAll @Size(max = 600) byte[] datagram) {
        assertNotNull(StunCodec.decode(datagram));
        StunCodec.verifyIntegrity(datagram,
                MessageIntegrityKey.shortTerm("k", MessageIntegrityKey.Algorithm.SHA256));
    }

    @Property(tries = 3000)
    void mutatedValidMessagesNeverThrow(@ForAll("messages") StunMessage message,
                                        @ForAll @IntRange(min = 0, max = 10_000) int where,
                                        @ForAll byte value) {
        byte[] wire = StunCodec.encode(message,
                MessageIntegrityKey.shortTerm("pw", MessageIntegrityKey.Algorithm.SHA1), true);
        wire[where % wire.length] = value;
        assertNotNull(StunCodec.decode(wire));
        StunCodec.verifyIntegrity(wire, MessageIntegrityKey.shortTerm("pw", MessageIntegrityKey.Algorithm.SHA1));
    }

    @Property(tries = 1000)
    void wellFormedMessagesRoundTrip(@ForAll("messages") StunMessage message) {
        StunDecodeResult r = StunCodec.decode(StunCodec.encode(message));
        assertEquals(new StunDecodeResult.Decoded(message), r);
    }

    @Provide
    Arbitrary<StunMessage> messages() {
        Arbitrary<StunClass> classes = Arbitraries.of(StunClass.class);
        Arbitrary<Integer> methods = Arbitraries.integers().between(0, 0xFFF);
        Arbitrary<TransactionId> ids = Arbitraries.bytes().array(byte[].class).ofSize(12).map(TransactionId::new);
        Arbitrary<List<StunAttribute>> attrs = attribute().list().ofMaxSize(8).map(ArrayList::new);
        return Combinators.combine(classes, methods, ids, attrs).as(StunMessage::new);
    }

    private Arbitrary<StunAttribute> attribute() {
        Arbitrary<InetSocketAddress> addresses = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(4),
                        Arbitraries.bytes().array(byte[].class).ofSize(16)),
                Arbitraries.integers().between(0, 65535)).as(StunDecoderPropertiesTest::address);
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40).filter(s -> s.codePoints()
                .noneMatch(c -> Character.isSurrogate((char) c)));
        return Arbitraries.oneOf(
                addresses.map(StunAttribute.XorMappedAddress::new),
                addresses.map(StunAttribute.MappedAddress::new),
                addresses.map(StunAttribute.OtherAddress::new),
                text.map(StunAttribute.Username::new),
                text.map(StunAttribute.Software::new),
                Combinators.combine(Arbitraries.integers().between(300, 699), text).as(StunAttribute.ErrorCode::new),
                Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as(StunAttribute.ChangeRequest::new),
                Arbitraries.integers().between(0, 65535).map(StunAttribute.ResponsePort::new),
                Arbitraries.integers().map(StunAttribute.Priority::new),
                Arbitraries.longs().map(StunAttribute.IceControlling::new),
                addresses.map(StunAttribute.XorPeerAddress::new),
                addresses.map(StunAttribute.XorRelayedAddress::new),
                text.map(StunAttribute.Realm::new),
                text.map(StunAttribute.Nonce::new),
                Arbitraries.integers().between(0, 0xFFFF).map(StunAttribute.ChannelNumber::new),
                Arbitraries.longs().between(0, 0xFFFFFFFFL).map(StunAttribute.Lifetime::new),
                Arbitraries.integers().between(0, 0xFF).map(StunAttribute.RequestedTransport::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(StunAttribute.Data::new),
                Combinators.combine(Arbitraries.integers().between(0xC000, 0xFFFF),
                                Arbitraries.bytes().array(byte[].class).ofMaxSize(30))
                        .as(StunAttribute.UnknownAttribute::new));
    }

    private static InetSocketAddress address(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
