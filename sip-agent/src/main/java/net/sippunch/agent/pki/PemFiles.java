package net.sippunch.agent.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files (RFC 7468): {@code CERTIFICATE} blocks and an unencrypted PKCS#8
 * {@code PRIVATE KEY} (RSA, EC or EdDSA). Each failure is an {@link IOException} saying what is wrong with the
 * file, for the caller to put after the config key.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final int MAX_BYTES = 1 << 20;

    private PemFiles() {
    }

    /** The certificates of {@code file}, in file order (a chain: the end entity first); at least one. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(file, "CERTIFICATE")) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a valid X.509 certificate (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IOException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return certificates;
    }

    /** The private key of {@code file}: one unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    public static PrivateKey privateKey(Path file) throws IOException {
        String text = read(file);
        List<byte[]> keys = blocks(file, text, "PRIVATE KEY");
        if (keys.isEmpty()) {
            Matcher m = BLOCK.matcher(text);
            if (m.find() && m.group(1).endsWith("PRIVATE KEY")) {
                throw new IOException(file + ": holds an '" + m.group(1) + "' block; give an unencrypted PKCS#8"
                        + " key (convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
                        + " -out key.pem)");
            }
            throw new IOException(file + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
        }
        if (keys.size() > 1) {
            throw new IOException(file + ": " + keys.size() + " private keys in it, expected one");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + ": not an RSA, EC or EdDSA PKCS#8 private key");
    }

    /**
     * Whether {@code key} belongs to {@code certificate}: a random challenge signed with the key verifies with
     * the certificate's public key.
     */
    public static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(publicKey);
            verify.update(challenge);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        if (!Files.isReadable(file)) {
            throw new IOException(file + ": not readable");
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(file + ": larger than " + MAX_BYTES + " bytes, not a PEM file");
        }
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static List<byte[]> blocks(Path file, String label) throws IOException {
        return blocks(file, read(file), label);
    }

    private static List<byte[]> blocks(Path file, String text, String label) throws IOException {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": bad base64 in a " + label + " block", e);
                }
            }
        }
        return blocks;
    }
}
