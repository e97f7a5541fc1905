package net.sippunch.agent.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import net.sippunch.agent.media.srtp.SrtpKeys;

/**
 * The DTLS 1.2 server of DTLS-SRTP (the {@code a=setup:passive} end): picks the first profile of
 * {@link SrtpProfile#PREFERRED} that the client offered in {@code use_srtp}, asks for the client's certificate and
 * checks it against the client's fingerprint, and exports the SRTP keys once the handshake is done. It offers
 * only the ECDHE suites that its certificate's key can sign for.
 */
final class DtlsSrtpServer extends DefaultTlsServer {

    private static final int[] ECDSA_SUITES = {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA};
    private static final int[] RSA_SUITES = {CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA};

    private final DtlsCredentials credentials;
    private final int timeoutMillis;
    private volatile SrtpProfile selected;
    private volatile SrtpKeys keys;

    DtlsSrtpServer(DtlsCredentials credentials, int timeoutMillis) {
        super(credentials.crypto());
        this.credentials = credentials;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), credentials.ec() ? ECDSA_SUITES : RSA_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData data = clientExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (data == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offered no use_srtp");
        }
        for (SrtpProfile p : SrtpProfile.PREFERRED) {
            for (int code : data.getProtectionProfiles()) {
                if (code == p.code()) {
                    selected = p;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no SRTP profile in common with the client");
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = TlsExtensions.copy(super.getServerExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {selected.code()},
                TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return credentials.signer(context);
    }

    @Override
    protected TlsCredentialedSigner getRSASignerCredentials() {
        return credentials.signer(context);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        credentials.verify(clientCertificate);
    }

    /** Exports the SRTP keys (Bouncy Castle allows it only now). */
    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = selected.export(context);
    }

    /** The keys of the finished handshake (we send with the server's key); null before. */
    SrtpKeys keys() {
        return keys;
    }
}
