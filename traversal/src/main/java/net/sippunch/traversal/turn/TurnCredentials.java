package net.sippunch.traversal.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.sippunch.traversal.stun.MessageIntegrityKey;

/**
 * The long-term credentials (RFC 8489 section 9.2) a TURN client authenticates with. The realm comes from the
 * server's 401 answer; the key is {@code MD5(username ":" realm ":" password)}.
 *
 * @param username the USERNAME sent
 * @param password never sent; only its key is used
 */
public record TurnCredentials(String username, String password) {

    public TurnCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("empty TURN username");
        }
        if (username.getBytes(StandardCharsets.UTF_8).length > 513) {
            throw new IllegalArgumentException("TURN username longer than 513 bytes");
        }
    }

    /**
     * Time-limited credentials of the "TURN REST API" that coturn's {@code use-auth-secret} checks: username
     * {@code "<expiry unix time>:<user>"}, password {@code base64(HMAC-SHA1(secret, username))}. The server
     * refuses them once the expiry time has passed.
     *
     * @param secret            the secret shared with the server ({@code static-auth-secret})
     * @param user              the user part; may be empty, then the username is the expiry time alone
     * @param expiresAtUnixTime when the credentials stop working, in seconds since the epoch (the caller reads
     *                          its clock; this class reads none)
     */
    public static TurnCredentials timeLimited(String secret, String user, long expiresAtUnixTime) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(user, "user");
        if (expiresAtUnixTime <= 0) {
            throw new IllegalArgumentException("expiry time must be positive: " + expiresAtUnixTime);
        }
        String username = user.isEmpty() ? Long.toString(expiresAtUnixTime) : expiresAtUnixTime + ":" + user;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            // HMAC pads its key with zeros, so an empty secret equals one zero byte (SecretKeySpec refuses it)
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            byte[] hmac = mac.doFinal(username.getBytes(StandardCharsets.UTF_8));
            return new TurnCredentials(username, Base64.getEncoder().encodeToString(hmac));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA1", e);
        }
    }

    /** The MESSAGE-INTEGRITY key for the realm the server named. */
    public MessageIntegrityKey key(String realm) {
        return MessageIntegrityKey.longTerm(username, realm, password, MessageIntegrityKey.Algorithm.SHA1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TurnCredentials other && username.equals(other.username)
                && MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                        other.password.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return username.hashCode();
    }

    @Override
    public String toString() {
        return "TurnCredentials[" + username + ", <redacted>]";
    }
}
