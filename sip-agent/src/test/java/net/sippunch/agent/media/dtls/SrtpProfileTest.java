package net.sippunch.agent.media.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Optional;
import net.sippunch.agent.media.srtp.CryptoSuite;
import net.sippunch.agent.media.srtp.SrtpKeys;
import org.junit.jupiter.api.Test;

/** The use_srtp profiles and the key layout of RFC 5764 section 4.2. */
class SrtpProfileTest {

    @Test
    void theProfilesCarryTheirRfcCodesAndSuites() {
        assertEquals(0x0001, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.code());
        assertEquals(0x0002, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_32.code());
        assertEquals(0x0007, SrtpProfile.SRTP_AEAD_AES_128_GCM.code()); // RFC 7714 section 14.2
        assertEquals(Optional.of(SrtpProfile.SRTP_AEAD_AES_128_GCM), SrtpProfile.of(7));
        assertEquals(Optional.empty(), SrtpProfile.of(0x0005)); // NULL cipher: never
        assertEquals(CryptoSuite.AES_CM_128_HMAC_SHA1_80, SrtpProfile.PREFERRED.get(0).suite());
    }

    @Test
    void theMaterialIsClientKeyServerKeyClientSaltServerSaltAndEachSideSendsWithItsOwn() {
        for (SrtpProfile p : SrtpProfile.values()) {
            int k = p.suite().keyLength();
            int s = p.suite().saltLength();
            byte[] material = new byte[p.materialLength()];
            for (int i = 0; i < material.length; i++) {
                material[i] = (byte) i;
            }
            assertEquals(2 * (k + s), material.length);
            SrtpKeys client = p.keys(material, true);
            SrtpKeys server = p.keys(material, false);
            assertArrayEquals(Arrays.copyOfRange(material, 0, k), client.send().key());
            assertArrayEquals(Arrays.copyOfRange(material, 2 * k, 2 * k + s), client.send().salt());
            assertArrayEquals(Arrays.copyOfRange(material, k, 2 * k), client.receive().key());
            assertArrayEquals(Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s), client.receive().salt());
            assertEquals(client.send(), server.receive());
            assertEquals(client.receive(), server.send());
            assertEquals(p.suite(), client.suite());
            assertThrows(IllegalArgumentException.class, () -> p.keys(new byte[material.length - 1], true));
        }
    }
}
