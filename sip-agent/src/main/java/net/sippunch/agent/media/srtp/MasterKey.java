package net.sippunch.agent.media.srtp;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A master key and master salt for one direction of a call, and the most packets it may protect.
 *
 * @param lifetime the most SRTP packets, and separately the most SRTCP packets, this key may protect or
 *                 accept (RFC 4568 section 6.1); {@link #NO_LIFETIME} when none was signalled, and then the
 *                 limits of RFC 3711 section 9.2 (2^48 SRTP, 2^31 SRTCP) still hold
 */
public record MasterKey(CryptoSuite suite, byte[] key, byte[] salt, long lifetime) {

    /** No signalled lifetime. */
    public static final long NO_LIFETIME = Long.MAX_VALUE;

    public MasterKey {
        if (key.length != suite.keyLength() || salt.length != suite.saltLength()) {
            throw new IllegalArgumentException(suite + " needs a " + suite.keyLength() + "-byte key and a "
                    + suite.saltLength() + "-byte salt, not " + key.length + " and " + salt.length);
        }
        if (lifetime < 1) {
            throw new IllegalArgumentException("lifetime must be at least one packet: " + lifetime);
        }
        key = key.clone();
        salt = salt.clone();
    }

    /** A key without a lifetime. */
    public MasterKey(CryptoSuite suite, byte[] key, byte[] salt) {
        this(suite, key, salt, NO_LIFETIME);
    }

    /** A fresh key and salt from {@code random}. */
    public static MasterKey generate(CryptoSuite suite, SecureRandom random) {
        byte[] key = new byte[suite.keyLength()];
        byte[] salt = new byte[suite.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        return new MasterKey(suite, key, salt);
    }

    /** The same key with another lifetime. */
    public MasterKey withLifetime(long packets) {
        return new MasterKey(suite, key, salt, packets);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MasterKey m && suite == m.suite && Arrays.equals(key, m.key)
                && Arrays.equals(salt, m.salt) && lifetime == m.lifetime;
    }

    @Override
    public int hashCode() {
        return (suite.hashCode() * 31 + Arrays.hashCode(key)) * 31 + Arrays.hashCode(salt);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "MasterKey[" + suite + (lifetime == NO_LIFETIME ? "" : ", lifetime " + lifetime) + "]";
    }
}
