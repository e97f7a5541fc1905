package net.sippunch.agent.media.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import net.sippunch.agent.media.SdpProblem;

/**
 * The SDP {@code a=fingerprint} attribute (RFC 8122 section 5, RFC 5763): a hash function and the digest of a
 * certificate's DER encoding, in upper-case hex pairs joined by colons. We write {@code sha-256}; we read the
 * hash functions of RFC 8122 that are still sound, SHA-1 included for older peers (RFC 5763 section 5).
 *
 * @param hash   the hash function's name, lower case ({@code sha-256})
 * @param digest the certificate's digest
 */
public record Fingerprint(String hash, byte[] digest) {

    /** The hash this agent writes. */
    public static final String SHA_256 = "sha-256";

    private static final Map<String, String> DIGESTS = Map.of("sha-1", "SHA-1", "sha-224", "SHA-224",
            "sha-256", "SHA-256", "sha-384", "SHA-384", "sha-512", "SHA-512");
    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    public Fingerprint {
        Objects.requireNonNull(hash, "hash");
        hash = hash.toLowerCase(Locale.ROOT);
        String algorithm = DIGESTS.get(hash);
        if (algorithm == null) {
            throw new IllegalArgumentException("unknown hash function " + hash);
        }
        if (digest.length != digestLength(algorithm)) {
            throw new IllegalArgumentException(hash + " digests are " + digestLength(algorithm) + " bytes, not "
                    + digest.length);
        }
        digest = digest.clone();
    }

    /** The fingerprint of a certificate's DER encoding under {@code hash}. */
    public static Fingerprint of(String hash, byte[] der) {
        String algorithm = DIGESTS.get(hash.toLowerCase(Locale.ROOT));
        if (algorithm == null) {
            throw new IllegalArgumentException("unknown hash function " + hash);
        }
        return new Fingerprint(hash, digester(algorithm).digest(der));
    }

    /**
     * Reads the value of an {@code a=fingerprint} line ({@code sha-256 4A:AD:...}).
     *
     * @throws SdpProblem when it is malformed or names a hash function we do not read
     */
    public static Fingerprint parse(String value) throws SdpProblem {
        String[] f = value == null ? new String[0] : value.strip().split("[ \t]+");
        if (f.length != 2) {
            throw new SdpProblem("a=fingerprint: expected \"<hash> <hex pairs>\", got \"" + value + "\"");
        }
        String hash = f[0].toLowerCase(Locale.ROOT);
        String algorithm = DIGESTS.get(hash);
        if (algorithm == null) {
            throw new SdpProblem("a=fingerprint: unsupported hash function " + f[0] + " (known: "
                    + String.join(", ", DIGESTS.keySet().stream().sorted().toList()) + ")");
        }
        if (!f[1].matches("(?:[0-9A-Fa-f]{2}:)*[0-9A-Fa-f]{2}")) {
            throw new SdpProblem("a=fingerprint: not colon-separated hex pairs: " + f[1]);
        }
        byte[] digest = HexFormat.ofDelimiter(":").parseHex(f[1]);
        if (digest.length != digestLength(algorithm)) {
            throw new SdpProblem("a=fingerprint: a " + hash + " digest is " + digestLength(algorithm)
                    + " bytes, this one " + digest.length);
        }
        return new Fingerprint(hash, digest);
    }

    /** True when {@code der} (a certificate's encoding) has this digest under this hash function. */
    public boolean matches(byte[] der) {
        return MessageDigest.isEqual(digest, digester(DIGESTS.get(hash)).digest(der));
    }

    /** The attribute's value: {@code sha-256 4A:AD:...}. */
    public String value() {
        return hash + " " + HEX.formatHex(digest);
    }

    /** The whole SDP line. */
    public String line() {
        return "a=fingerprint:" + value();
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && hash.equals(f.hash) && Arrays.equals(digest, f.digest);
    }

    @Override
    public int hashCode() {
        return hash.hashCode() * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return value();
    }

    private static int digestLength(String algorithm) {
        return digester(algorithm).getDigestLength();
    }

    private static MessageDigest digester(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}
