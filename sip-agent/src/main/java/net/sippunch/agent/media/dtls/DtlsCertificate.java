package net.sippunch.agent.media.dtls;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import net.sippunch.agent.pki.PemFiles;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The agent's DTLS certificate and its private key: generated at start (ECDSA on P-256, self-signed, as WebRTC
 * stacks and baresip do: the SDP's {@code a=fingerprint} vouches for it, not a CA), or read from PEM files
 * ({@code media.dtlsCertificate}, {@code media.dtlsKey}; an EC or RSA key). One serves every call of the agent.
 */
public final class DtlsCertificate {

    /** How long a generated certificate is valid; the agent makes a new one at each start. */
    static final Duration VALIDITY = Duration.ofDays(30);

    private final byte[] der;
    private final PrivateKey key;
    private final Fingerprint fingerprint;

    private DtlsCertificate(byte[] der, PrivateKey key) {
        this.der = der.clone();
        this.key = key;
        this.fingerprint = Fingerprint.of(Fingerprint.SHA_256, der);
    }

    /** A fresh self-signed ECDSA P-256 certificate, its serial and key from {@code random}. */
    public static DtlsCertificate generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=sippunch");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(63, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), name, pair.getPublic());
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .setSecureRandom(random).build(pair.getPrivate()));
            return new DtlsCertificate(holder.getEncoded(), pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate the DTLS certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a certificate and its private key from PEM files (the key as PKCS#8 or as OpenSSL's EC or RSA
     * private key, unencrypted).
     *
     * @throws IOException whose message names the file and what is wrong with it: unreadable, not PEM, no
     *                     certificate, no key, or a key that does not sign for the certificate's public key
     */
    public static DtlsCertificate load(Path certificate, Path privateKey) throws IOException {
        X509CertificateHolder holder;
        Object read = readPem(certificate, "media.dtlsCertificate");
        if (!(read instanceof X509CertificateHolder h)) {
            throw new IOException("media.dtlsCertificate: " + certificate + " holds no PEM certificate");
        }
        holder = h;
        Object keyObject = readPem(privateKey, "media.dtlsKey");
        PrivateKey key;
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (keyObject instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (keyObject instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else {
                throw new IOException("media.dtlsKey: " + privateKey + " holds no unencrypted PEM private key");
            }
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("media.dtlsKey") ? e
                    : new IOException("media.dtlsKey: " + privateKey + ": " + e.getMessage(), e);
        }
        X509Certificate x509;
        try {
            x509 = new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException("media.dtlsCertificate: " + certificate + ": " + e.getMessage(), e);
        }
        if (!key.getAlgorithm().equals("EC") && !key.getAlgorithm().equals("RSA")) {
            throw new IOException("media.dtlsKey: " + privateKey + " is a " + key.getAlgorithm()
                    + " key; EC or RSA expected");
        }
        if (!PemFiles.belongTogether(key, x509)) {
            throw new IOException("media.dtlsKey: " + privateKey + " is not the key of media.dtlsCertificate "
                    + certificate);
        }
        return new DtlsCertificate(holder.getEncoded(), key);
    }

    private static Object readPem(Path file, String setting) throws IOException {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            Object o = parser.readObject();
            if (o == null) {
                throw new IOException(setting + ": " + file + " holds no PEM block");
            }
            return o;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(setting)) {
                throw e;
            }
            throw new IOException(setting + ": cannot read " + file + " (" + e + ")", e);
        }
    }

    /**
     * Writes the certificate and its key as PEM files that {@link #load} reads (the key as PKCS#8, readable by
     * the owner only where the file system has POSIX permissions): a generated certificate kept across restarts
     * keeps the agent's fingerprint.
     */
    public void writePem(Path certificate, Path privateKey) throws IOException {
        Files.writeString(certificate, pem("CERTIFICATE", der));
        Files.deleteIfExists(privateKey);
        Files.createFile(privateKey);
        if (privateKey.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()));
    }

    private static String pem(String type, byte[] bytes) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes)
                + "\n-----END " + type + "-----\n";
    }

    /** The certificate's DER encoding. */
    public byte[] der() {
        return der.clone();
    }

    /** The private key. */
    PrivateKey key() {
        return key;
    }

    /** True for an EC key (ECDSA signatures); false for RSA. */
    boolean ec() {
        return !key.getAlgorithm().equals("RSA");
    }

    /** The {@code sha-256} fingerprint our SDP carries. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "DtlsCertificate[" + fingerprint + "]";
    }
}
