package net.sippunch.traversal;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Short-term credentials of one side of a call, as carried in {@code a=ice-ufrag} / {@code a=ice-pwd}
 * (RFC 8839 grammar: ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4..256 chars, password 22..256).
 * Probes from A to B carry USERNAME "B.ufrag:A.ufrag" and are keyed with B's password.
 */
public record IceCredentials(String ufrag, String password) {

    private static final String ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public IceCredentials {
        Objects.requireNonNull(ufrag, "ufrag");
        Objects.requireNonNull(password, "password");
        String problem = problem(ufrag, password);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why the pair is invalid, or {@code null} when it is valid. */
    public static String problem(String ufrag, String password) {
        if (ufrag.length() < 4 || ufrag.length() > 256) {
            return "ice-ufrag must be 4 to 256 characters, got " + ufrag.length();
        }
        if (password.length() < 22 || password.length() > 256) {
            return "ice-pwd must be 22 to 256 characters, got " + password.length();
        }
        if (!iceChars(ufrag)) {
            return "ice-ufrag has a character outside ALPHA / DIGIT / '+' / '/'";
        }
        if (!iceChars(password)) {
            return "ice-pwd has a character outside ALPHA / DIGIT / '+' / '/'";
        }
        return null;
    }

    /** Fresh random credentials: 8-character ufrag, 24-character password (144 bits). */
    public static IceCredentials random(RandomGenerator random) {
        return new IceCredentials(randomString(random, 8), randomString(random, 24));
    }

    private static String randomString(RandomGenerator random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        }
        return sb.toString();
    }

    /** Whether every character of {@code s} is an RFC 8839 ice-char (ALPHA / DIGIT / "+" / "/"). */
    public static boolean iceChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (ICE_CHARS.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", password=<redacted>]";
    }
}
