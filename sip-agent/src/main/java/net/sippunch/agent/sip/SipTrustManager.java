package net.sippunch.agent.sip;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Checks the certificate of a TLS server the agent connects to: its chain against the trusted CAs (PKIX, by
 * the JDK), then its names against the host the agent meant to reach ({@link ServerIdentity}), which
 * {@link TlsNetworkLayer} gives each socket as its peer host. Each refusal says which of the two failed, for the
 * operator to read in the log and the REGISTER or call failure.
 */
final class SipTrustManager extends X509ExtendedTrustManager {

    private final X509TrustManager pkix;
    private final String trusted;

    /**
     * @param pkix    the JDK's chain validation over the trusted CAs
     * @param trusted where those CAs come from, for the messages ("the CAs in sip.tls.caFile (/etc/ca.pem)")
     */
    SipTrustManager(X509TrustManager pkix, String trusted) {
        this.pkix = pkix;
        this.trusted = trusted;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        check(chain, authType, session == null ? null : session.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null);
    }

    private void check(X509Certificate[] chain, String authType, String host) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the TLS server sent no certificate");
        }
        String whose = "the certificate of " + (host == null ? "the TLS server" : host) + " ("
                + chain[0].getSubjectX500Principal().getName() + ", issued by "
                + chain[0].getIssuerX500Principal().getName() + ")";
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new CertificateException(whose + " is not signed by " + trusted + " (" + innermost(e) + ")", e);
        }
        if (host == null) {
            throw new CertificateException(whose + " cannot be checked: no host name to check it against");
        }
        Optional<String> mismatch = ServerIdentity.mismatch(chain[0], host);
        if (mismatch.isPresent()) {
            throw new CertificateException(whose + " does not match the host: " + mismatch.get());
        }
    }

    /** The innermost message: the JDK's "unable to find valid certification path", "validity check failed". */
    private static String innermost(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : e.toString();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
