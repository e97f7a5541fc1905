package net.sippunch.agent.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 3711 appendix B.2 (AES-CM keystream) and B.3 (key derivation), byte for byte. */
class Rfc3711VectorsTest {

    // B.3
    private static final byte[] MASTER_KEY = Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] MASTER_SALT = Hex.bytes("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void b2CounterIsTheShiftedSaltForSsrcAndIndexZero() {
        byte[] iv = new byte[16];
        CounterModeTransform.counter(Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), 0, 0, iv);
        assertArrayEquals(Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), iv);
    }

    /**
     * B.2 through the SRTP packet path: a packet of SSRC 0 and index 0 whose payload is the 1,044,512 zero
     * bytes of the keystream segment encrypts to the keystream itself.
     */
    @Test
    void b2KeystreamSegmentThroughProtect() {
        byte[] sessionKey = Hex.bytes("2B7E151628AED2A6ABF7158809CF4F3C");
        byte[] sessionSalt = Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
        KeyDerivation.SessionKeys keys = new KeyDerivation.SessionKeys(sessionKey, sessionSalt, new byte[20]);
        CounterModeTransform cm = new CounterModeTransform(CryptoSuite.AES_CM_128_HMAC_SHA1_80, keys, keys);

        int segment = 1_044_512; // 65282 AES blocks
        assertEquals(65282 * 16, segment);
        byte[] rtp = new byte[12 + segment];
        rtp[0] = (byte) 0x80; // V=2, sequence 0, SSRC 0
        byte[] srtp = cm.protectRtp(rtp, 12, 0, 0);
        byte[] keystream = Arrays.copyOfRange(srtp, 12, 12 + segment);

        assertArrayEquals(Hex.bytes("""
                E03EAD0935C95E80E166B16DD92B4EB4
                D23513162B02D0F72A43A2FE4A5F97AB
                41E95B3BB0A2E8DD477901E4FCA894C0"""), Arrays.copyOfRange(keystream, 0, 48));
        assertArrayEquals(Hex.bytes("""
                EC8CDF7398607CB0F2D21675EA9EA1E4
                362B7C3C6773516318A077D7FC5073AE
                6A2CC3787889374FBEB4C81B17BA6C44"""), Arrays.copyOfRange(keystream, segment - 48, segment));
        // and the block numbers of the table: FEFF, FF00, FF01
        assertArrayEquals(Hex.bytes("EC8CDF7398607CB0F2D21675EA9EA1E4"),
                Arrays.copyOfRange(keystream, 0xFEFF * 16, 0xFF00 * 16));
    }

    @Test
    void b3CipherKey() {
        assertArrayEquals(Hex.bytes("C61E7A93744F39EE10734AFE3FF7A087"),
                KeyDerivation.derive(MASTER_KEY, MASTER_SALT, KeyDerivation.SRTP_ENCRYPTION, 16));
    }

    @Test
    void b3CipherSalt() {
        assertArrayEquals(Hex.bytes("30CBBC08863D8C85D49DB34A9AE1"),
                KeyDerivation.derive(MASTER_KEY, MASTER_SALT, KeyDerivation.SRTP_SALT, 14));
        // the whole AES-CM output block the RFC shows before truncation
        assertArrayEquals(Hex.bytes("30CBBC08863D8C85D49DB34A9AE17AC6"),
                KeyDerivation.derive(MASTER_KEY, MASTER_SALT, KeyDerivation.SRTP_SALT, 16));
    }

    @Test
    void b3AuthKeyAll94Bytes() {
        assertArrayEquals(Hex.bytes("""
                CEBE321F6FF7716B6FD4AB49AF256A15
                6D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF7227098
                6371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E47403576
                6B68642C59BBFC2F34DB60DBDFB2"""),
                KeyDerivation.derive(MASTER_KEY, MASTER_SALT, KeyDerivation.SRTP_AUTHENTICATION, 94));
    }

    @Test
    void b3SessionKeysOfAContextAreThoseOfTheRfc() {
        MasterKey master = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_80, MASTER_KEY, MASTER_SALT);
        KeyDerivation.SessionKeys keys = KeyDerivation.srtp(master);
        assertArrayEquals(Hex.bytes("C61E7A93744F39EE10734AFE3FF7A087"), keys.cipherKey());
        assertArrayEquals(Hex.bytes("30CBBC08863D8C85D49DB34A9AE1"), keys.salt());
        assertArrayEquals(Hex.bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), keys.authKey()); // 160 bits
    }

    /**
     * Not an RFC vector: the reference packet of libsrtp's self-test (srtp_validate), under B.3's master key,
     * which ties key derivation, the counter and the HMAC tag (with the ROC) together end to end.
     */
    @Test
    void libsrtpReferencePacketUnderTheB3MasterKey() {
        MasterKey master = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_80, MASTER_KEY, MASTER_SALT);
        byte[] rtp = Hex.bytes("800f1234 decafbad cafebabe abababab abababab abababab abababab");
        byte[] srtp = Hex.bytes("""
                800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402
                b78d6acc 99ea179b 8dbb""");
        assertArrayEquals(srtp, SrtpSender.of(master).protectRtp(rtp).bytes());
        assertArrayEquals(rtp, SrtpReceiver.of(master).unprotectRtp(srtp).bytes());

        // its SRTCP packet carries index 1 (libsrtp counts from 1, RFC 3711 from 0)
        byte[] rtcp = Hex.bytes("81c8000b cafebabe abababab abababab abababab abababab");
        byte[] srtcp = Hex.bytes("""
                81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001
                993e08cd 54d6c123 0798""");
        assertArrayEquals(srtcp, new CounterModeTransform(master).protectRtcp(rtcp, 0xcafebabeL, 1));
        assertArrayEquals(rtcp, SrtpReceiver.of(master).unprotectRtcp(srtcp).bytes());
    }
}
