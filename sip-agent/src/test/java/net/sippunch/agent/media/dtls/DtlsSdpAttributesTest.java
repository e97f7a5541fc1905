package net.sippunch.agent.media.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import net.sippunch.agent.media.SdpProblem;
import org.junit.jupiter.api.Test;

/** {@code a=fingerprint} (RFC 8122) and {@code a=setup} (RFC 4145, RFC 5763): writing, reading, bad input. */
class DtlsSdpAttributesTest {

    private static final String SHA256 = "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3B:E0:"
            + "5A:7E:1A:3F:21:E7:3D:61:23:71";

    @Test
    void aFingerprintIsTheDigestOfTheCertificatesDerInUpperCaseHexPairs() throws Exception {
        DtlsCertificate c = DtlsCertificate.generate(new SecureRandom());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.der());
        Fingerprint f = c.fingerprint();
        assertEquals("sha-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest), f.value());
        assertEquals("a=fingerprint:" + f.value(), f.line());
        assertTrue(f.line().matches("a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"), f.line());
        assertTrue(f.matches(c.der()));
        assertFalse(f.matches(DtlsCertificate.generate(new SecureRandom()).der()));
    }

    @Test
    void aFingerprintReadsBackAsWrittenWhateverTheCaseOfHashAndHex() throws Exception {
        Fingerprint f = Fingerprint.parse(SHA256);
        assertEquals(SHA256, f.value());
        assertEquals(f, Fingerprint.parse("  SHA-256 " + SHA256.substring(8).toLowerCase() + " "));
        Fingerprint sha1 = Fingerprint.parse("sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB");
        assertEquals("sha-1", sha1.hash());
        assertEquals(20, sha1.digest().length);
    }

    @Test
    void aMalformedFingerprintIsAnSdpProblemSayingWhat() {
        String[][] cases = {
            {"", "expected \"<hash> <hex pairs>\""},
            {"sha-256", "expected \"<hash> <hex pairs>\""},
            {SHA256 + " extra", "expected \"<hash> <hex pairs>\""},
            {"md5 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B", "unsupported hash function md5"},
            {"sha-256 4A:AD:B9", "a sha-256 digest is 32 bytes, this one 3"},
            {"sha-256 4AAD", "not colon-separated hex pairs"},
            {"sha-256 4A:AD:", "not colon-separated hex pairs"},
            {"sha-256 ZZ:AD", "not colon-separated hex pairs"},
        };
        for (String[] c : cases) {
            SdpProblem p = assertThrows(SdpProblem.class, () -> Fingerprint.parse(c[0]), c[0]);
            assertTrue(p.getMessage().startsWith("a=fingerprint: ") && p.getMessage().contains(c[1]),
                    c[0] + ": " + p.getMessage());
        }
        assertThrows(SdpProblem.class, () -> Fingerprint.parse(null));
    }

    @Test
    void setupValuesReadBackAndAMissingOneMeansActive() throws Exception {
        for (Setup s : Setup.values()) {
            assertEquals(s, Setup.parse(s.value()));
            assertEquals("a=setup:" + s.value(), s.line());
        }
        assertEquals(Setup.ACTPASS, Setup.parse(" ActPass "));
        assertEquals(Setup.ACTIVE, Setup.parse(null));
        SdpProblem p = assertThrows(SdpProblem.class, () -> Setup.parse("both"));
        assertTrue(p.getMessage().contains("unknown value \"both\""), p.getMessage());
    }

    @Test
    void theAnswererIsActiveToActpassAndToPassiveAndPassiveToActive() throws Exception {
        assertEquals(Setup.ACTIVE, Setup.ACTPASS.answer());
        assertEquals(Setup.ACTIVE, Setup.PASSIVE.answer());
        assertEquals(Setup.PASSIVE, Setup.ACTIVE.answer());
        assertThrows(SdpProblem.class, Setup.HOLDCONN::answer);
        assertTrue(Setup.PASSIVE.offererIsClient());
        assertFalse(Setup.ACTIVE.offererIsClient());
        assertThrows(SdpProblem.class, Setup.ACTPASS::offererIsClient);
        assertThrows(SdpProblem.class, Setup.HOLDCONN::offererIsClient);
    }
}
