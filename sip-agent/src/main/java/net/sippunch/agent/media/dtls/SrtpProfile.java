package net.sippunch.agent.media.dtls;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.sippunch.agent.media.srtp.CryptoSuite;
import net.sippunch.agent.media.srtp.MasterKey;
import net.sippunch.agent.media.srtp.SrtpKeys;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.TlsContext;

/**
 * The SRTP protection profiles of the DTLS {@code use_srtp} extension (RFC 5764 section 4.1.2, RFC 7714
 * section 14.2) that this agent speaks, and the keys of RFC 5764 section 4.2 cut from the exported material.
 */
public enum SrtpProfile {
    SRTP_AES128_CM_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
            CryptoSuite.AES_CM_128_HMAC_SHA1_80),
    SRTP_AES128_CM_HMAC_SHA1_32(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
            CryptoSuite.AES_CM_128_HMAC_SHA1_32),
    SRTP_AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, CryptoSuite.AEAD_AES_128_GCM);

    /** What we offer and prefer, first first: the _80 profile that every DTLS-SRTP peer speaks. */
    public static final List<SrtpProfile> PREFERRED = List.of(SRTP_AES128_CM_HMAC_SHA1_80,
            SRTP_AES128_CM_HMAC_SHA1_32, SRTP_AEAD_AES_128_GCM);

    private final int code;
    private final CryptoSuite suite;

    SrtpProfile(int code, CryptoSuite suite) {
        this.code = code;
        this.suite = suite;
    }

    /** The profile's two-byte code in {@code use_srtp}. */
    public int code() {
        return code;
    }

    /** The SRTP suite it keys. */
    public CryptoSuite suite() {
        return suite;
    }

    /** The profile of a code, or empty for one we do not speak. */
    public static Optional<SrtpProfile> of(int code) {
        return Arrays.stream(values()).filter(p -> p.code == code).findFirst();
    }

    /** The codes of {@link #PREFERRED}, in order. */
    static int[] preferredCodes() {
        return PREFERRED.stream().mapToInt(SrtpProfile::code).toArray();
    }

    /** Bytes to export with the label {@code EXTRACTOR-dtls_srtp}: two keys and two salts. */
    public int materialLength() {
        return 2 * (suite.keyLength() + suite.saltLength());
    }

    /**
     * The two master keys in the exported material, laid out as client key, server key, client salt, server salt
     * (RFC 5764 section 4.2): the client sends with the client's.
     *
     * @param client true when this end was the DTLS client
     */
    public SrtpKeys keys(byte[] material, boolean client) {
        if (material.length != materialLength()) {
            throw new IllegalArgumentException(this + " needs " + materialLength() + " bytes, not "
                    + material.length);
        }
        int k = suite.keyLength();
        int s = suite.saltLength();
        MasterKey clientKey = new MasterKey(suite, Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s));
        MasterKey serverKey = new MasterKey(suite, Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
        return client ? new SrtpKeys(clientKey, serverKey) : new SrtpKeys(serverKey, clientKey);
    }

    /**
     * The keys of a finished handshake, exported from {@code context} with the label {@code EXTRACTOR-dtls_srtp}
     * (RFC 5764 section 4.2; Bouncy Castle allows the export only once the handshake is complete).
     */
    SrtpKeys export(TlsContext context) {
        return keys(context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, materialLength()),
                !context.isServer());
    }
}
