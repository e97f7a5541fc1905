package net.sippunch.traversal.stun;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The key of a MESSAGE-INTEGRITY (HMAC-SHA1) or MESSAGE-INTEGRITY-SHA256 attribute.
 *
 * @param key       the HMAC key
 * @param algorithm which attribute it keys
 */
public record MessageIntegrityKey(byte[] key, Algorithm algorithm) {

    /** The HMAC of a key: MESSAGE-INTEGRITY (RFC 8489, SHA-1) or MESSAGE-INTEGRITY-SHA256. */
    public enum Algorithm {
        SHA1("HmacSHA1", 20, StunAttribute.MESSAGE_INTEGRITY),
        SHA256("HmacSHA256", 32, StunAttribute.MESSAGE_INTEGRITY_SHA256);

        final String jcaName;
        final int length;
        final int attributeType;

        Algorithm(String jcaName, int length, int attributeType) {
            this.jcaName = jcaName;
            this.length = length;
            this.attributeType = attributeType;
        }
    }

    public MessageIntegrityKey {
        Objects.requireNonNull(algorithm, "algorithm");
        key = key.clone();
    }

    /**
     * The short-term credential key (RFC 8489 section 9.1.1): the password's bytes. The OpaqueString
     * profile of the password is the identity for ICE passwords, whose characters are ASCII.
     */
    public static MessageIntegrityKey shortTerm(String password, Algorithm algorithm) {
        return new MessageIntegrityKey(password.getBytes(StandardCharsets.UTF_8), algorithm);
    }

    /**
     * The long-term credential key (RFC 8489 section 9.2.2, password algorithm MD5, the default and the only
     * one coturn offers): {@code MD5(username ":" realm ":" password)}. The strings are taken as given: a
     * caller with non-ASCII credentials passes them already prepared (OpaqueString, UsernameCasePreserved).
     *
     * @param algorithm which integrity attribute the key is for; RFC 8489 keys both with the same MD5 digest
     */
    public static MessageIntegrityKey longTerm(String username, String realm, String password, Algorithm algorithm) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
            return new MessageIntegrityKey(digest, algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks MD5", e);
        }
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    byte[] keyNoCopy() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageIntegrityKey other && algorithm == other.algorithm
                && java.security.MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode();
    }

    @Override
    public String toString() {
        return "MessageIntegrityKey[" + algorithm + ", <redacted>]";
    }
}
