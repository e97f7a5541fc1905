package net.sippunch.agent.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import net.sippunch.agent.media.SdpProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SDES a=crypto attribute: reading, writing, and what is refused with which words. */
class SdesCryptoTest {

    private static final String KEY_SALT = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"; // 30 bytes

    @Test
    void readsSuiteKeySaltAndLifetime() throws SdpProblem {
        SdesCrypto c = SdesCrypto.parse("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|2^20");
        byte[] both = Base64.getDecoder().decode(KEY_SALT);
        assertEquals(1, c.tag());
        assertEquals(CryptoSuite.AES_CM_128_HMAC_SHA1_80, c.suite());
        assertArrayEquals(java.util.Arrays.copyOf(both, 16), c.key().key());
        assertArrayEquals(java.util.Arrays.copyOfRange(both, 16, 30), c.key().salt());
        assertEquals(1L << 20, c.key().lifetime());
        assertEquals("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|2^20", c.value());
    }

    @Test
    void readsWithoutLifetimeAndWithADecimalOne() throws SdpProblem {
        SdesCrypto c = SdesCrypto.parse("2 AES_CM_128_HMAC_SHA1_32 inline:" + KEY_SALT);
        assertEquals(MasterKey.NO_LIFETIME, c.key().lifetime());
        assertEquals("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + KEY_SALT, c.line());
        SdesCrypto d = SdesCrypto.parse("crypto:3  AES_CM_128_HMAC_SHA1_80\tinline:" + KEY_SALT + "|1000 KDR=0");
        assertEquals(1000, d.key().lifetime());
        assertEquals(3, d.tag());
        assertEquals("3 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|1000", d.value());
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void generatedKeysRoundTrip(CryptoSuite suite) throws SdpProblem {
        SdesCrypto c = SdesCrypto.generate(7, suite, new SecureRandom());
        assertEquals(c, SdesCrypto.parse(c.line()));
        SdesCrypto limited = new SdesCrypto(9, c.key().withLifetime(1L << 31));
        assertTrue(limited.value().endsWith("|2^31"), limited.value());
        assertEquals(limited, SdesCrypto.parse(limited.value()));
        assertFalse(c.toString().contains(c.value().split("inline:")[1]), "no key in toString");
    }

    @Test
    void gcmCarriesTwentyEightBytes() throws SdpProblem {
        byte[] both = new byte[28];
        for (int i = 0; i < 28; i++) {
            both[i] = (byte) i;
        }
        String b64 = Base64.getEncoder().encodeToString(both);
        SdesCrypto c = SdesCrypto.parse("1 AEAD_AES_128_GCM inline:" + b64);
        assertEquals(12, c.key().salt().length);
        assertEquals(c, SdesCrypto.parse("1 AEAD_AES_128_GCM inline:" + b64.replace("=", "")), "padding optional");
    }

    @Test
    void refusalsNameWhatIsWrong() {
        refused("MKI", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|2^20|1:32");
        refused("MKI", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|1:4");
        refused("suite not supported: AES_256_CM_HMAC_SHA1_80", "1 AES_256_CM_HMAC_SHA1_80 inline:" + KEY_SALT);
        refused("suite not supported: F8_128_HMAC_SHA1_80", "1 F8_128_HMAC_SHA1_80 inline:" + KEY_SALT);
        refused("several keys", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + ";inline:" + KEY_SALT);
        refused("only inline", "1 AES_CM_128_HMAC_SHA1_80 uri:http://example.com/key");
        refused("session parameter not supported: UNENCRYPTED_SRTP",
                "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + " UNENCRYPTED_SRTP");
        refused("must be 28 bytes, not 30", "1 AEAD_AES_128_GCM inline:" + KEY_SALT);
        refused("must be 30 bytes, not 29", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT.substring(0, 39));
        refused("not base64", "1 AES_CM_128_HMAC_SHA1_80 inline:***");
        refused("lifetime must be 1 to 2^48", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|2^49");
        refused("lifetime must be 1 to 2^48", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|0");
        refused("lifetime not understood", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|forever");
        refused("tag must be 1 to 9 digits", "x AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT);
        refused("tag must be 1 to 9 digits", "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT);
        refused("needs a tag, a suite and key parameters", "1 AES_CM_128_HMAC_SHA1_80");
        refused("needs a tag, a suite and key parameters", "");
        refused("too many", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_SALT + "|2^20|1:4|x");
    }

    private static void refused(String words, String line) {
        SdpProblem p = assertThrows(SdpProblem.class, () -> SdesCrypto.parse(line), line);
        assertTrue(p.getMessage().contains(words), p.getMessage());
    }
}
