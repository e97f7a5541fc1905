package net.sippunch.agent.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import net.sippunch.agent.media.srtp.SrtpKeys;

/**
 * The DTLS 1.2 client of DTLS-SRTP (the {@code a=setup:active} end): offers {@link SrtpProfile#PREFERRED} in
 * {@code use_srtp}, presents our certificate, checks the server's against its fingerprint, and exports the SRTP
 * keys once the handshake is done.
 */
final class DtlsSrtpClient extends DefaultTlsClient {

    private final DtlsCredentials credentials;
    private final int timeoutMillis;
    private volatile SrtpProfile selected;
    private volatile SrtpKeys keys;

    DtlsSrtpClient(DtlsCredentials credentials, int timeoutMillis) {
        super(credentials.crypto());
        this.credentials = credentials;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = TlsExtensions.copy(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(SrtpProfile.preferredCodes(),
                TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData data = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (data == null || data.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the server chose no SRTP profile");
        }
        int code = data.getProtectionProfiles()[0];
        selected = SrtpProfile.of(code).orElseThrow(() -> new TlsFatalAlert(AlertDescription.illegal_parameter,
                "the server chose SRTP profile " + code + ", which was not offered"));
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                credentials.verify(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) {
                return credentials.signer(context);
            }
        };
    }

    /** Exports the SRTP keys (Bouncy Castle allows it only now). */
    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = selected.export(context);
    }

    /** The keys of the finished handshake (we send with the client's key); null before. */
    SrtpKeys keys() {
        return keys;
    }
}
