package net.sippunch.traversal.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;

/**
 * Any datagram to the discovery server's sans-IO core, in both of its modes (one address; RFC 5780 with
 * two). A datagram that is not a well-formed Binding request is never answered, nor is one whose
 * RESPONSE-PORT is 0; an answer is a well-formed Binding response to the same transaction, leaving from an
 * address the server binds and going to the client's IP; a success response reflects the client's address.
 */
class BindingResponderFuzzTest {

    private static final InetSocketAddress A = DiscoveryClientTest.address("198.18.0.21", 3478);
    private static final InetSocketAddress B = DiscoveryClientTest.address("198.18.0.31", 3479);
    private static final InetSocketAddress CLIENT = DiscoveryClientTest.address("203.0.113.9", 50123);

    private static final ServerAddresses PLAIN = new ServerAddresses(List.of(A));
    private static final ServerAddresses RFC5780 = new ServerAddresses(List.of(A, B));

    @FuzzTest
    void onlyWellFormedBindingRequestsAreAnswered(byte[] datagram) {
        check(new BindingResponder(PLAIN, "fuzz"), PLAIN, datagram);
        check(new BindingResponder(RFC5780, "fuzz"), RFC5780, datagram);
    }

    private static void check(BindingResponder responder, ServerAddresses addresses, byte[] datagram) {
        byte[] copy = datagram.clone();
        Optional<BindingResponder.Reply> reply = responder.respond(A, CLIENT, datagram);
        assertArrayEquals(copy, datagram, "the responder wrote into the datagram");
        StunDecodeResult request = StunCodec.decode(datagram);
        if (datagram.length > BindingResponder.MAX_DATAGRAM || request instanceof StunDecodeResult.Malformed) {
            assertTrue(reply.isEmpty(), "answered a malformed datagram");
            return;
        }
        StunMessage req = ((StunDecodeResult.Decoded) request).message();
        if (req.type() != StunClass.REQUEST || req.method() != StunMethod.BINDING) {
            assertTrue(reply.isEmpty(), "answered something other than a Binding request");
            return;
        }
        if (reply.isEmpty()) {
            // RESPONSE-PORT 0 names no socket: such a request is dropped, unless an error answers it first
            assertTrue(addresses.rfc5780() && req.attribute(StunAttribute.ResponsePort.class)
                    .filter(p -> p.port() == 0).isPresent(), "a well-formed Binding request went unanswered");
            return;
        }
        BindingResponder.Reply r = reply.get();
        assertTrue(addresses.bindAddresses().contains(r.from()), () -> "answers from an unbound " + r.from());
        assertEquals(CLIENT.getAddress(), r.to().getAddress(), "answers someone other than the client");
        assertTrue(r.to().getPort() > 0, () -> "answers to port " + r.to().getPort());
        assertTrue(r.payload().length <= BindingResponder.MAX_DATAGRAM);

        StunDecodeResult decoded = StunCodec.decode(r.payload());
        assertTrue(decoded instanceof StunDecodeResult.Decoded, () -> "the answer does not decode: " + decoded);
        StunMessage answer = ((StunDecodeResult.Decoded) decoded).message();
        assertEquals(StunMethod.BINDING, answer.method());
        assertEquals(req.transactionId(), answer.transactionId());
        if (answer.type() == StunClass.ERROR_RESPONSE) {
            // only the 420 for attributes this server cannot honour, naming them
            assertEquals(420, answer.attribute(StunAttribute.ErrorCode.class).orElseThrow().code());
            assertTrue(answer.attribute(StunAttribute.UnknownAttributes.class).isPresent());
            assertEquals(CLIENT, r.to(), "an error goes back where the request came from");
            return;
        }
        assertEquals(StunClass.SUCCESS_RESPONSE, answer.type());
        if (req.transactionId().legacy()) {
            assertEquals(CLIENT, answer.attribute(StunAttribute.MappedAddress.class).orElseThrow().address());
        } else {
            assertEquals(CLIENT, answer.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address());
        }
    }
}
