package net.sippunch.agent.media.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's DTLS certificate: generated ECDSA P-256 and self-signed, or read from PEM files with clear errors. */
class DtlsCertificateTest {

    @Test
    void aGeneratedCertificateIsSelfSignedEcdsaP256AndValidNow() throws Exception {
        DtlsCertificate c = DtlsCertificate.generate(new SecureRandom());
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(c.der()));
        x509.verify(x509.getPublicKey());
        x509.checkValidity(new Date());
        assertEquals("SHA256withECDSA", x509.getSigAlgName());
        assertEquals(256, ((ECPublicKey) x509.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertNotEquals(c.fingerprint(), DtlsCertificate.generate(new SecureRandom()).fingerprint(), "one per agent");
    }

    @Test
    void writtenPemFilesLoadBackToTheSameFingerprint(@TempDir Path dir) throws Exception {
        DtlsCertificate c = DtlsCertificate.generate(new SecureRandom());
        c.writePem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        assertTrue(Files.readString(dir.resolve("cert.pem")).startsWith("-----BEGIN CERTIFICATE-----\n"));
        DtlsCertificate loaded = DtlsCertificate.load(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        assertEquals(c.fingerprint(), loaded.fingerprint());
    }

    @Test
    void missingGarbledOrMismatchedFilesAreErrorsNamingTheKeyAndTheFile(@TempDir Path dir) throws Exception {
        DtlsCertificate a = DtlsCertificate.generate(new SecureRandom());
        DtlsCertificate b = DtlsCertificate.generate(new SecureRandom());
        a.writePem(dir.resolve("a.pem"), dir.resolve("a.key"));
        b.writePem(dir.resolve("b.pem"), dir.resolve("b.key"));
        Files.writeString(dir.resolve("junk.pem"), "not a PEM file\n");
        Files.writeString(dir.resolve("bad.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertProblem("media.dtlsCertificate: cannot read " + dir.resolve("none.pem"), dir.resolve("none.pem"),
                dir.resolve("a.key"));
        assertProblem("media.dtlsCertificate: " + dir.resolve("junk.pem") + " holds no PEM block",
                dir.resolve("junk.pem"), dir.resolve("a.key"));
        assertProblem("media.dtlsCertificate: cannot read " + dir.resolve("bad.pem"), dir.resolve("bad.pem"),
                dir.resolve("a.key"));
        assertProblem("media.dtlsCertificate: " + dir.resolve("a.key") + " holds no PEM certificate",
                dir.resolve("a.key"), dir.resolve("a.key"));
        assertProblem("media.dtlsKey: " + dir.resolve("a.pem") + " holds no unencrypted PEM private key",
                dir.resolve("a.pem"), dir.resolve("a.pem"));
        assertProblem("media.dtlsKey: cannot read " + dir.resolve("none.key"), dir.resolve("a.pem"),
                dir.resolve("none.key"));
        assertProblem("media.dtlsKey: " + dir.resolve("b.key") + " is not the key of media.dtlsCertificate "
                + dir.resolve("a.pem"), dir.resolve("a.pem"), dir.resolve("b.key"));
    }

    private static void assertProblem(String start, Path certificate, Path key) {
        IOException e = assertThrows(IOException.class, () -> DtlsCertificate.load(certificate, key));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
