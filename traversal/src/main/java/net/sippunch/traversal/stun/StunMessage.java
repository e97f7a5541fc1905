package net.sippunch.traversal.stun;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A STUN message: type, transaction and attributes in wire order.
 *
 * @param type          the message class
 * @param method        the method number, 0..0xFFF ({@link StunMethod#BINDING})
 * @param transactionId the transaction ID
 * @param attributes    the attributes in order; MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT present here
 *                      after decoding, but added by {@link StunCodec#encode(StunMessage, MessageIntegrityKey, boolean)}
 *                      when encoding
 */
public record StunMessage(StunClass type, int method, TransactionId transactionId, List<StunAttribute> attributes) {

    public StunMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(transactionId, "transactionId");
        if (method < 0 || method > 0xFFF) {
            throw new IllegalArgumentException("method out of range: " + method);
        }
        attributes = List.copyOf(attributes);
    }

    public static StunMessage bindingRequest(TransactionId id, List<StunAttribute> attributes) {
        return new StunMessage(StunClass.REQUEST, StunMethod.BINDING, id, attributes);
    }

    public static StunMessage bindingSuccess(TransactionId id, List<StunAttribute> attributes) {
        return new StunMessage(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING, id, attributes);
    }

    /** The first attribute of the given kind. */
    public <A extends StunAttribute> Optional<A> attribute(Class<A> kind) {
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                return Optional.of(kind.cast(a));
            }
        }
        return Optional.empty();
    }

    public boolean isBinding() {
        return method == StunMethod.BINDING;
    }
}
