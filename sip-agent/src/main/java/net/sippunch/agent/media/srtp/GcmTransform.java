package net.sippunch.agent.media.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM (RFC 7714): a 12-byte IV from the salt, SSRC, ROC and sequence number (SRTP, section 8.1)
 * or SSRC and SRTCP index (SRTCP, section 9.1); the RTP header is the associated data (section 8.2); SRTCP
 * puts the cipher text and tag before the E flag and index, which end the associated data (section 9.2).
 * The tag is 16 bytes and the JDK checks it in constant time.
 */
final class GcmTransform implements PacketTransform {

    static final int TAG_LENGTH = 16;

    private final Direction rtp;
    private final Direction rtcp;
    private final byte[] iv = new byte[12];
    private final byte[] esrtcp = new byte[4];

    private record Direction(Cipher cipher, SecretKeySpec key, byte[] salt) {
    }

    GcmTransform(MasterKey master) {
        this(KeyDerivation.srtp(master), KeyDerivation.srtcp(master));
    }

    /** From session keys, for the test vectors of RFC 7714 that give them directly. */
    GcmTransform(KeyDerivation.SessionKeys srtp, KeyDerivation.SessionKeys srtcp) {
        this.rtp = direction(srtp);
        this.rtcp = direction(srtcp);
    }

    private static Direction direction(KeyDerivation.SessionKeys keys) {
        if (keys.salt().length != 12) {
            throw new IllegalArgumentException("AES-GCM needs a 12-byte salt, not " + keys.salt().length);
        }
        try {
            return new Direction(Cipher.getInstance("AES/GCM/NoPadding"), new SecretKeySpec(keys.cipherKey(), "AES"),
                    keys.salt());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/GCM", e);
        }
    }

    @Override
    public CryptoSuite suite() {
        return CryptoSuite.AEAD_AES_128_GCM;
    }

    @Override
    public byte[] protectRtp(byte[] in, int headerLength, long ssrc, long index) {
        byte[] out = Arrays.copyOf(in, in.length + TAG_LENGTH);
        rtpIv(rtp.salt, ssrc, index, iv);
        try {
            init(rtp, Cipher.ENCRYPT_MODE);
            rtp.cipher.updateAAD(in, 0, headerLength);
            rtp.cipher.doFinal(in, headerLength, in.length - headerLength, out, headerLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM refused to encrypt", e);
        }
        return out;
    }

    @Override
    public byte[] unprotectRtp(byte[] in, int headerLength, long ssrc, long index) {
        byte[] out = Arrays.copyOf(in, in.length - TAG_LENGTH);
        rtpIv(rtp.salt, ssrc, index, iv);
        try {
            init(rtp, Cipher.DECRYPT_MODE);
            rtp.cipher.updateAAD(in, 0, headerLength);
            rtp.cipher.doFinal(in, headerLength, in.length - headerLength, out, headerLength);
            return out;
        } catch (AEADBadTagException e) {
            return null; // not authentic: the caller counts it
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM refused to decrypt", e);
        }
    }

    @Override
    public byte[] protectRtcp(byte[] in, long ssrc, int index) {
        int header = RtpHeader.RTCP_HEADER_LENGTH;
        byte[] out = Arrays.copyOf(in, in.length + TAG_LENGTH + 4);
        RtpHeader.putUint32(esrtcp, 0, 0x80000000L | index);
        rtcpIv(rtcp.salt, ssrc, index, iv);
        try {
            init(rtcp, Cipher.ENCRYPT_MODE);
            rtcp.cipher.updateAAD(in, 0, header);
            rtcp.cipher.updateAAD(esrtcp);
            rtcp.cipher.doFinal(in, header, in.length - header, out, header);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM refused to encrypt", e);
        }
        System.arraycopy(esrtcp, 0, out, out.length - 4, 4);
        return out;
    }

    @Override
    public int rtcpIndexOffset(int length) {
        return length - 4;
    }

    @Override
    public byte[] unprotectRtcp(byte[] in, long ssrc, int index, boolean encrypted) {
        int word = in.length - 4;
        // encrypted: header is AAD, the rest is cipher text and tag; otherwise all but the tag is AAD
        int aad = encrypted ? RtpHeader.RTCP_HEADER_LENGTH : word - TAG_LENGTH;
        byte[] out = Arrays.copyOf(in, word - TAG_LENGTH);
        rtcpIv(rtcp.salt, ssrc, index, iv);
        try {
            init(rtcp, Cipher.DECRYPT_MODE);
            rtcp.cipher.updateAAD(in, 0, aad);
            rtcp.cipher.updateAAD(in, word, 4);
            rtcp.cipher.doFinal(in, aad, word - aad, out, aad);
            return out;
        } catch (AEADBadTagException e) {
            return null; // not authentic: the caller counts it
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM refused to decrypt", e);
        }
    }

    /** RFC 7714 section 8.1: (00 00 || SSRC || ROC || SEQ) XOR salt. */
    static void rtpIv(byte[] salt, long ssrc, long index, byte[] iv) {
        iv[0] = 0;
        iv[1] = 0;
        RtpHeader.putUint32(iv, 2, ssrc);
        RtpHeader.putUint32(iv, 6, index >>> 16);
        iv[10] = (byte) (index >>> 8);
        iv[11] = (byte) index;
        xor(salt, iv);
    }

    /** RFC 7714 section 9.1: (00 00 || SSRC || 00 00 || 0 + 31-bit SRTCP index) XOR salt. */
    static void rtcpIv(byte[] salt, long ssrc, int index, byte[] iv) {
        iv[0] = 0;
        iv[1] = 0;
        RtpHeader.putUint32(iv, 2, ssrc);
        iv[6] = 0;
        iv[7] = 0;
        RtpHeader.putUint32(iv, 8, index & 0x7FFFFFFFL);
        xor(salt, iv);
    }

    private static void xor(byte[] salt, byte[] iv) {
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
    }

    private void init(Direction d, int mode) throws GeneralSecurityException {
        d.cipher.init(mode, d.key, new GCMParameterSpec(TAG_LENGTH * 8, iv));
    }
}
