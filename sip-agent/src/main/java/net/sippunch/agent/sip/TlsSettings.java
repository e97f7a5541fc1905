package net.sippunch.agent.sip;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import net.sippunch.agent.pki.PemFiles;

/**
 * The agent's TLS for SIP ({@code sip.tls.*}): the CAs a server's certificate must chain to (a PEM file, or the
 * JDK's trust store when null) and the agent's own certificate chain and key (PEM; both null for none), which
 * it shows as a client when asked and as the server of incoming TLS connections. Builds one
 * {@link SSLContext} per SIP stack, so that agents sharing a JVM keep their own trust and keys.
 */
public record TlsSettings(Path caFile, Path certificateFile, Path keyFile) {

    /** The TLS versions offered and accepted. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    public TlsSettings {
        if ((certificateFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a certificate needs its key and a key its certificate");
        }
    }

    /** Whether the agent has a certificate of its own. */
    public boolean hasCertificate() {
        return certificateFile != null;
    }

    /** Reads the files and builds the context; the messages name the config keys. */
    public SSLContext context() throws IOException, GeneralSecurityException {
        KeyStore trust = null;
        String trusted = "a CA of the JDK's trust store";
        if (caFile != null) {
            trust = emptyStore();
            int n = 0;
            for (X509Certificate ca : certificates("sip.tls.caFile", caFile)) {
                trust.setCertificateEntry("ca-" + n++, ca);
            }
            trusted = "a CA in sip.tls.caFile (" + caFile + ")";
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        X509TrustManager pkix = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                pkix = x;
            }
        }
        if (pkix == null) {
            throw new GeneralSecurityException("the JDK gave no X.509 trust manager");
        }
        KeyManager[] keyManagers = null;
        if (hasCertificate()) {
            List<X509Certificate> chain = certificates("sip.tls.certificateFile", certificateFile);
            PrivateKey key;
            try {
                key = PemFiles.privateKey(keyFile);
            } catch (IOException e) {
                throw new IOException("sip.tls.keyFile: " + e.getMessage(), e);
            }
            if (!PemFiles.belongTogether(key, chain.get(0))) {
                throw new IOException("sip.tls.keyFile: " + keyFile + " is not the key of the certificate in"
                        + " sip.tls.certificateFile (" + certificateFile + ")");
            }
            KeyStore own = emptyStore();
            own.setKeyEntry("agent", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(own, IN_MEMORY);
            keyManagers = kmf.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, new TrustManager[] {new SipTrustManager(pkix, trusted)}, new SecureRandom());
        return context;
    }

    private static List<X509Certificate> certificates(String key, Path file) throws IOException {
        try {
            return PemFiles.certificates(file);
        } catch (IOException e) {
            throw new IOException(key + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }
}
