package net.sippunch.agent.media.dtls;

import java.io.IOException;
import java.util.Objects;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What one end of one call's handshake proves and checks: our certificate and the key that signs for it, and the
 * peer's {@code a=fingerprint}, which the certificate it presents must match (RFC 5763 section 5: the
 * fingerprint, carried in the signalling, is what authenticates a self-signed certificate). A mismatch is
 * remembered, so that the call can say so whatever alert the handshake ends with.
 */
final class DtlsCredentials {

    private final BcTlsCrypto crypto;
    private final DtlsCertificate ours;
    private final Certificate chain;
    private final AsymmetricKeyParameter key;
    private final Fingerprint expected;
    private volatile String refusal;

    DtlsCredentials(BcTlsCrypto crypto, DtlsCertificate ours, Fingerprint expected) throws IOException {
        this.crypto = crypto;
        this.ours = ours;
        this.chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(ours.der())});
        this.key = PrivateKeyFactory.createKey(ours.key().getEncoded());
        this.expected = Objects.requireNonNull(expected, "expected");
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    /** True for an ECDSA certificate of ours, false for RSA. */
    boolean ec() {
        return ours.ec();
    }

    /** Our certificate and its key, signing for the handshake in {@code context}. */
    TlsCredentialedSigner signer(TlsContext context) {
        SignatureAndHashAlgorithm algorithm = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256,
                ours.ec() ? SignatureAlgorithm.ecdsa : SignatureAlgorithm.rsa);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key, chain, algorithm);
    }

    /**
     * Checks the certificate the peer presented against its {@code a=fingerprint}.
     *
     * @throws TlsFatalAlert bad_certificate when it presented none or another one
     */
    void verify(Certificate presented) throws IOException {
        if (presented == null || presented.isEmpty()) {
            refusal = "the peer presented no DTLS certificate";
            throw new TlsFatalAlert(AlertDescription.bad_certificate, refusal);
        }
        byte[] der = presented.getCertificateAt(0).getEncoded();
        if (!expected.matches(der)) {
            refusal = "the peer's DTLS certificate (" + Fingerprint.of(expected.hash(), der)
                    + ") does not match its a=fingerprint (" + expected + ")";
            throw new TlsFatalAlert(AlertDescription.bad_certificate, refusal);
        }
    }

    /** Why the peer's certificate was refused, or null when it was not. */
    String refusal() {
        return refusal;
    }
}
