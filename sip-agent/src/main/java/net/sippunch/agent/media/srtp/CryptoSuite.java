package net.sippunch.agent.media.srtp;

import java.util.Optional;

/**
 * The SRTP crypto suites this package speaks, named as SDES (RFC 4568, RFC 7714 section 14.1) names them.
 * Lengths are in bytes. The _32 suite shortens the SRTP tag only: SRTCP keeps 80 bits (RFC 4568 section
 * 6.2.2).
 */
public enum CryptoSuite {

    /** AES-128 counter mode, HMAC-SHA1 tags of 80 bits (RFC 3711, RFC 4568 section 6.2.1). */
    AES_CM_128_HMAC_SHA1_80(16, 14, 20, 10, 10, false),
    /** As the _80 suite with a 32-bit SRTP tag (RFC 4568 section 6.2.2). */
    AES_CM_128_HMAC_SHA1_32(16, 14, 20, 4, 10, false),
    /** AES-128 in Galois/counter mode, 16-byte tags, a 12-byte salt (RFC 7714). */
    AEAD_AES_128_GCM(16, 12, 0, 16, 16, true);

    private final int keyLength;
    private final int saltLength;
    private final int authKeyLength;
    private final int srtpTagLength;
    private final int srtcpTagLength;
    private final boolean aead;

    CryptoSuite(int keyLength, int saltLength, int authKeyLength, int srtpTagLength, int srtcpTagLength,
                boolean aead) {
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.authKeyLength = authKeyLength;
        this.srtpTagLength = srtpTagLength;
        this.srtcpTagLength = srtcpTagLength;
        this.aead = aead;
    }

    /** The suite of an SDES name, case as written in the RFCs; empty for any other name. */
    public static Optional<CryptoSuite> ofSdesName(String name) {
        for (CryptoSuite s : values()) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The name in an {@code a=crypto} line. */
    public String sdesName() {
        return name();
    }

    /** Master and session key length. */
    public int keyLength() {
        return keyLength;
    }

    /** Master and session salt length. */
    public int saltLength() {
        return saltLength;
    }

    /** Session authentication key length (0 for AEAD: GCM authenticates with the cipher key). */
    public int authKeyLength() {
        return authKeyLength;
    }

    /** Bytes an SRTP packet grows by. */
    public int srtpTagLength() {
        return srtpTagLength;
    }

    /** Tag bytes of an SRTCP packet (the E flag and index add 4 more). */
    public int srtcpTagLength() {
        return srtcpTagLength;
    }

    /** True for the AEAD suites (RFC 7714). */
    public boolean aead() {
        return aead;
    }
}
