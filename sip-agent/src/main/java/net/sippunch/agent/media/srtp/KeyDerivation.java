package net.sippunch.agent.media.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation of RFC 3711 section 4.3 with the AES-CM PRF and a key derivation rate of 0, so
 * each session key is derived once, from index 0. The AEAD suites use the same PRF with their 12-byte salt
 * padded to 14 bytes with zeros on the right (RFC 7714 section 11).
 */
final class KeyDerivation {

    static final int SRTP_ENCRYPTION = 0;
    static final int SRTP_AUTHENTICATION = 1;
    static final int SRTP_SALT = 2;
    static final int SRTCP_ENCRYPTION = 3;
    static final int SRTCP_AUTHENTICATION = 4;
    static final int SRTCP_SALT = 5;

    /** The session keys of one of SRTP or SRTCP. */
    record SessionKeys(byte[] cipherKey, byte[] salt, byte[] authKey) {
    }

    private KeyDerivation() {
    }

    static SessionKeys srtp(MasterKey master) {
        CryptoSuite s = master.suite();
        return new SessionKeys(derive(master, SRTP_ENCRYPTION, s.keyLength()), derive(master, SRTP_SALT,
                s.saltLength()), derive(master, SRTP_AUTHENTICATION, s.authKeyLength()));
    }

    static SessionKeys srtcp(MasterKey master) {
        CryptoSuite s = master.suite();
        return new SessionKeys(derive(master, SRTCP_ENCRYPTION, s.keyLength()), derive(master, SRTCP_SALT,
                s.saltLength()), derive(master, SRTCP_AUTHENTICATION, s.authKeyLength()));
    }

    static byte[] derive(MasterKey master, int label, int length) {
        return derive(master.key(), master.salt(), label, length);
    }

    /**
     * {@code length} bytes of the AES-CM keystream under the master key, starting at the counter
     * {@code (salt XOR (label << 48)) << 16}, where the salt is the master salt right-padded to 14 bytes.
     */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > 14 || label < 0 || label > 255) {
            throw new IllegalArgumentException("salt of " + masterSalt.length + " bytes, label " + label);
        }
        byte[] counter = new byte[16];
        System.arraycopy(masterSalt, 0, counter, 0, masterSalt.length);
        counter[7] ^= (byte) label; // the label sits just above the 48-bit (index DIV kdr), which is zero
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(counter));
            return aes.doFinal(new byte[length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/CTR", e);
        }
    }
}
