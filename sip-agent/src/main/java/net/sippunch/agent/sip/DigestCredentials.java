package net.sippunch.agent.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * HTTP digest authentication as SIP uses it (RFC 2617 with RFC 3261 section 22): computes the
 * {@code response} for a challenge. MD5 and SHA-256 (RFC 7616/8760), qop absent or "auth".
 */
public record DigestCredentials(String user, String password) {

    /** A challenge from a WWW-Authenticate or Proxy-Authenticate header. */
    public record Challenge(String realm, String nonce, String algorithm, String qop, String opaque) {
    }

    /** What goes into the Authorization header: the chosen qop (or null), the cnonce and the response. */
    public record Answer(String response, String qop, String cnonce, int nonceCount, String algorithm) {

        /** The nc parameter: 8 hex digits. */
        public String nc() {
            return String.format("%08x", nonceCount);
        }
    }

    /** Answers a challenge for {@code method} on {@code uri}; {@code cnonce} comes from the caller. */
    public Answer answer(Challenge c, String method, String uri, String cnonce, int nonceCount) {
        String algorithm = c.algorithm() == null || c.algorithm().isBlank() ? "MD5" : c.algorithm();
        String hashName = switch (algorithm.toUpperCase()) {
            case "MD5" -> "MD5";
            case "SHA-256" -> "SHA-256";
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        };
        String qop = chooseQop(c.qop());
        String ha1 = hash(hashName, user + ":" + c.realm() + ":" + password);
        String ha2 = hash(hashName, method + ":" + uri);
        String response = qop == null
                ? hash(hashName, ha1 + ":" + c.nonce() + ":" + ha2)
                : hash(hashName, ha1 + ":" + c.nonce() + ":" + String.format("%08x", nonceCount) + ":" + cnonce
                        + ":" + qop + ":" + ha2);
        return new Answer(response, qop, qop == null ? null : cnonce, nonceCount, algorithm);
    }

    private static String chooseQop(String offered) {
        if (offered == null || offered.isBlank()) {
            return null;
        }
        for (String q : offered.split(",")) {
            if (q.trim().equalsIgnoreCase("auth")) {
                return "auth";
            }
        }
        throw new IllegalArgumentException("no supported qop in \"" + offered + "\" (only auth)");
    }

    static String hash(String algorithm, String text) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }

    @Override
    public String toString() {
        return "DigestCredentials[user=" + user + "]";
    }
}
