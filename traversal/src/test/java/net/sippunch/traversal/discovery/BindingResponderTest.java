package net.sippunch.traversal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.Test;

class BindingResponderTest {

    private static final InetSocketAddress A = DiscoveryClientTest.address("198.18.0.21", 3478);
    private static final InetSocketAddress B = DiscoveryClientTest.address("198.18.0.31", 3479);
    private static final InetSocketAddress CLIENT = DiscoveryClientTest.address("198.18.1.1", 50000);
    private static final SplittableRandom RANDOM = new SplittableRandom(5);

    private final BindingResponder rfc5780 = new BindingResponder(new ServerAddresses(List.of(A, B)), "t");
    private final BindingResponder plain = new BindingResponder(new ServerAddresses(List.of(A)), "t");

    @Test
    void answersWithTheReflexiveAddressAndRfc5780Attributes() {
        BindingResponder.Reply r = rfc5780.respond(A, CLIENT, request(List.of(), true)).orElseThrow();
        assertEquals(A, r.from());
        assertEquals(CLIENT, r.to());
        StunMessage m = decode(r.payload());
        assertEquals(StunClass.SUCCESS_RESPONSE, m.type());
        assertEquals(CLIENT, m.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address());
        assertEquals(CLIENT, m.attribute(StunAttribute.MappedAddress.class).orElseThrow().address());
        assertEquals(A, m.attribute(StunAttribute.ResponseOrigin.class).orElseThrow().address());
        assertEquals(B, m.attribute(StunAttribute.OtherAddress.class).orElseThrow().address());
        assertTrue(m.attribute(StunAttribute.Fingerprint.class).isPresent(), "fingerprint echoes the request's");
    }

    @Test
    void changeRequestPicksTheSourceSocket() {
        InetSocketAddress crossIpOnly = new InetSocketAddress(B.getAddress(), A.getPort());
        InetSocketAddress crossPortOnly = new InetSocketAddress(A.getAddress(), B.getPort());
        assertEquals(B, rfc5780.respond(A, CLIENT, request(List.of(change(true, true)), false)).orElseThrow().from());
        assertEquals(crossIpOnly,
                rfc5780.respond(A, CLIENT, request(List.of(change(true, false)), false)).orElseThrow().from());
        assertEquals(crossPortOnly,
                rfc5780.respond(A, CLIENT, request(List.of(change(false, true)), false)).orElseThrow().from());
        assertEquals(A, rfc5780.respond(B, CLIENT, request(List.of(change(true, true)), false)).orElseThrow().from());
    }

    @Test
    void responsePortRedirectsToTheSameIp() {
        BindingResponder.Reply r = rfc5780.respond(A, CLIENT,
                request(List.of(new StunAttribute.ResponsePort(40000)), false)).orElseThrow();
        assertEquals(new InetSocketAddress(CLIENT.getAddress(), 40000), r.to());
    }

    @Test
    void responsePortZeroIsDroppedAsMalformed() {
        assertTrue(rfc5780.respond(A, CLIENT, request(List.of(new StunAttribute.ResponsePort(0)), false)).isEmpty());
        assertEquals(1, rfc5780.stats().malformed());
    }

    @Test
    void aPlainServerRefusesChangeRequestWith420() {
        BindingResponder.Reply r = plain.respond(A, CLIENT, request(List.of(change(true, true)), false)).orElseThrow();
        StunMessage m = decode(r.payload());
        assertEquals(StunClass.ERROR_RESPONSE, m.type());
        assertEquals(420, m.attribute(StunAttribute.ErrorCode.class).orElseThrow().code());
        assertEquals(StunAttribute.CHANGE_REQUEST,
                m.attribute(StunAttribute.UnknownAttributes.class).orElseThrow().types()[0]);
        assertEquals(A, r.from());
        assertEquals(1, plain.stats().errors());
    }

    @Test
    void unknownComprehensionRequiredAttributesGet420() {
        BindingResponder.Reply r = rfc5780.respond(A, CLIENT,
                request(List.of(new StunAttribute.UnknownAttribute(0x0031, new byte[4])), false)).orElseThrow();
        assertEquals(0x0031, decode(r.payload()).attribute(StunAttribute.UnknownAttributes.class)
                .orElseThrow().types()[0]);
    }

    @Test
    void rfc3489ClientsGetMappedSourceAndChangedAddress() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        id[0] = 0x55;
        byte[] req = StunCodec.encode(StunMessage.bindingRequest(new TransactionId(id), List.of()));
        StunMessage m = decode(rfc5780.respond(A, CLIENT, req).orElseThrow().payload());
        assertTrue(m.transactionId().legacy());
        assertEquals(CLIENT, m.attribute(StunAttribute.MappedAddress.class).orElseThrow().address());
        assertEquals(A, m.attribute(StunAttribute.SourceAddress.class).orElseThrow().address());
        assertEquals(B, m.attribute(StunAttribute.ChangedAddress.class).orElseThrow().address());
        assertTrue(m.attribute(StunAttribute.XorMappedAddress.class).isEmpty());
    }

    @Test
    void garbageAndNonRequestsAreDroppedAndCounted() {
        assertTrue(rfc5780.respond(A, CLIENT, new byte[] {0, 1, 0}).isEmpty());
        byte[] response = StunCodec.encode(StunMessage.bindingSuccess(TransactionId.random(RANDOM), List.of()));
        assertTrue(rfc5780.respond(A, CLIENT, response).isEmpty());
        assertEquals(1, rfc5780.stats().malformed());
        assertEquals(1, rfc5780.stats().notBindingRequest());
        assertEquals(0, rfc5780.stats().answered());
        assertEquals(2, rfc5780.stats().received());
    }

    private static StunAttribute change(boolean ip, boolean port) {
        return new StunAttribute.ChangeRequest(ip, port);
    }

    private static byte[] request(List<StunAttribute> attributes, boolean fingerprint) {
        return StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(RANDOM), attributes), null,
                fingerprint);
    }

    private static StunMessage decode(byte[] payload) {
        StunDecodeResult r = StunCodec.decode(payload);
        return assertInstanceOf(StunDecodeResult.Decoded.class, r, r.toString()).message();
    }
}
