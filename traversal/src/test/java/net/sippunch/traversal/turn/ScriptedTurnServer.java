package net.sippunch.traversal.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.stun.MessageIntegrityKey;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;

/**
 * The server side of a TURN exchange, written by hand: a test reads the client's requests with
 * {@link #request} and answers with what its script says, signed with the long-term key like a real server.
 */
final class ScriptedTurnServer {

    final InetSocketAddress address;
    final String realm;
    final MessageIntegrityKey key;
    String nonce;

    ScriptedTurnServer(InetSocketAddress address, String realm, TurnCredentials credentials, String nonce) {
        this.address = address;
        this.realm = realm;
        this.key = credentials.key(realm);
        this.nonce = nonce;
    }

    /** Decodes a transmit of the client: it must go to this server, be STUN, and have the method given. */
    StunMessage request(Transmit t, int method) {
        assertEquals(address, t.destination());
        StunDecodeResult r = StunCodec.decode(t.payload());
        StunMessage m = assertInstanceOf(StunDecodeResult.Decoded.class, r, r.toString()).message();
        assertEquals(StunClass.REQUEST, m.type());
        assertEquals(method, m.method(), "method");
        return m;
    }

    /** Like {@link #request}, and checks the long-term authentication with the current nonce. */
    StunMessage authenticatedRequest(Transmit t, int method) {
        StunMessage m = request(t, method);
        assertTrue(StunCodec.verifyIntegrity(t.payload(), key), "MESSAGE-INTEGRITY with the long-term key");
        assertEquals(realm, m.attribute(StunAttribute.Realm.class).orElseThrow().value());
        assertEquals(nonce, m.attribute(StunAttribute.Nonce.class).orElseThrow().value());
        return m;
    }

    /** 401 with REALM and NONCE, unsigned, as an answer to a request without credentials. */
    byte[] unauthorized(StunMessage request) {
        return StunCodec.encode(new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(),
                List.of(new StunAttribute.ErrorCode(401, "Unauthorized"), new StunAttribute.Realm(realm),
                        new StunAttribute.Nonce(nonce))), null, true);
    }

    /** 438 with a fresh NONCE (and the REALM), unsigned. */
    byte[] staleNonce(StunMessage request, String newNonce) {
        nonce = newNonce;
        return StunCodec.encode(new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(),
                List.of(new StunAttribute.ErrorCode(438, "Stale Nonce"), new StunAttribute.Realm(realm),
                        new StunAttribute.Nonce(newNonce))), null, true);
    }

    byte[] allocated(StunMessage request, InetSocketAddress relayed, InetSocketAddress mapped, long lifetime) {
        return success(request, new StunAttribute.XorRelayedAddress(relayed), new StunAttribute.XorMappedAddress(mapped),
                new StunAttribute.Lifetime(lifetime));
    }

    /** A success response with the attributes given, signed with the long-term key. */
    byte[] success(StunMessage request, StunAttribute... attributes) {
        return StunCodec.encode(new StunMessage(StunClass.SUCCESS_RESPONSE, request.method(), request.transactionId(),
                List.of(attributes)), key, true);
    }

    /** An error response, signed when {@code signed}. */
    byte[] error(StunMessage request, int code, String reason, boolean signed, StunAttribute... more) {
        List<StunAttribute> attributes = new ArrayList<>();
        attributes.add(new StunAttribute.ErrorCode(code, reason));
        attributes.addAll(List.of(more));
        return StunCodec.encode(new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(),
                attributes), signed ? key : null, true);
    }

    /** A Data indication from {@code peer}. */
    byte[] dataIndication(InetSocketAddress peer, byte[] data, RandomGenerator random) {
        return StunCodec.encode(new StunMessage(StunClass.INDICATION, StunMethod.DATA, TransactionId.random(random),
                List.of(new StunAttribute.XorPeerAddress(peer), new StunAttribute.Data(data))), null, true);
    }
}
