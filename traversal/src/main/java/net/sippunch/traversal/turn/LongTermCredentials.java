package net.sippunch.traversal.turn;

import java.util.List;
import net.sippunch.traversal.stun.MessageIntegrityKey;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunCodec;

/**
 * The client's side of RFC 8489's long-term credential mechanism: the credentials, and the realm and nonce
 * the server named last. Until the server named them, requests go without credentials.
 */
final class LongTermCredentials {

    private final TurnCredentials credentials;
    private String realm;
    private String nonce;
    private MessageIntegrityKey key;

    LongTermCredentials(TurnCredentials credentials) {
        this.credentials = credentials;
    }

    /** True once a realm and nonce are known: requests carry credentials. */
    boolean ready() {
        return key != null;
    }

    String realm() {
        return realm;
    }

    String username() {
        return credentials.username();
    }

    /** Takes the realm and nonce of a 401 or 438; the key changes with the realm only. */
    void use(String newRealm, String newNonce) {
        if (key == null || !newRealm.equals(realm)) {
            realm = newRealm;
            key = credentials.key(newRealm);
        }
        nonce = newNonce;
    }

    /** USERNAME, REALM and NONCE for a request; MESSAGE-INTEGRITY is added by encoding with {@link #key()}. */
    List<StunAttribute> attributes() {
        return List.of(new StunAttribute.Username(credentials.username()), new StunAttribute.Realm(realm),
                new StunAttribute.Nonce(nonce));
    }

    /** The MESSAGE-INTEGRITY key, or null before the server named its realm. */
    MessageIntegrityKey key() {
        return key;
    }

    /** True when the datagram's MESSAGE-INTEGRITY verifies with the key (compared in constant time). */
    boolean verifies(byte[] datagram) {
        return key != null && StunCodec.verifyIntegrity(datagram, key);
    }
}
