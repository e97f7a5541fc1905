package net.sippunch.agent.media.srtp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 counter mode with HMAC-SHA1 tags (RFC 3711 sections 4.1.1 and 4.2.1): the payload (SRTP) or all
 * after the first 8 bytes (SRTCP) is encrypted; the tag covers the packet and the ROC (SRTP) or the packet
 * with its E flag and index (SRTCP), and is compared in constant time.
 */
final class CounterModeTransform implements PacketTransform {

    private final CryptoSuite suite;
    private final Direction rtp;
    private final Direction rtcp;
    private final byte[] digest = new byte[20];
    private final byte[] roc = new byte[4];
    private final byte[] iv = new byte[16];

    /** One of SRTP or SRTCP: its own key, salt and HMAC. */
    private record Direction(Cipher cipher, SecretKeySpec key, byte[] salt, Mac mac, int tagLength) {
    }

    CounterModeTransform(MasterKey master) {
        this(master.suite(), KeyDerivation.srtp(master), KeyDerivation.srtcp(master));
    }

    /** From session keys, for the test vectors of RFC 3711 that give them directly. */
    CounterModeTransform(CryptoSuite suite, KeyDerivation.SessionKeys srtp, KeyDerivation.SessionKeys srtcp) {
        if (suite.aead()) {
            throw new IllegalArgumentException(suite + " is not a counter mode suite");
        }
        this.suite = suite;
        this.rtp = direction(srtp, suite.srtpTagLength());
        this.rtcp = direction(srtcp, suite.srtcpTagLength());
    }

    private static Direction direction(KeyDerivation.SessionKeys keys, int tagLength) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(keys.authKey(), "HmacSHA1"));
            return new Direction(Cipher.getInstance("AES/CTR/NoPadding"), new SecretKeySpec(keys.cipherKey(), "AES"),
                    keys.salt(), mac, tagLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/CTR or HmacSHA1", e);
        }
    }

    @Override
    public CryptoSuite suite() {
        return suite;
    }

    @Override
    public byte[] protectRtp(byte[] in, int headerLength, long ssrc, long index) {
        int length = in.length;
        byte[] out = Arrays.copyOf(in, length + rtp.tagLength);
        crypt(rtp, ssrc, index, in, headerLength, length - headerLength, out);
        tag(rtp, out, length, index >>> 16);
        System.arraycopy(digest, 0, out, length, rtp.tagLength);
        return out;
    }

    @Override
    public byte[] unprotectRtp(byte[] in, int headerLength, long ssrc, long index) {
        int end = in.length - rtp.tagLength;
        tag(rtp, in, end, index >>> 16);
        if (!MessageDigest.isEqual(Arrays.copyOf(digest, rtp.tagLength), Arrays.copyOfRange(in, end, in.length))) {
            return null;
        }
        byte[] out = Arrays.copyOf(in, end);
        crypt(rtp, ssrc, index, in, headerLength, end - headerLength, out);
        return out;
    }

    @Override
    public byte[] protectRtcp(byte[] in, long ssrc, int index) {
        int length = in.length;
        byte[] out = Arrays.copyOf(in, length + 4 + rtcp.tagLength);
        int header = RtpHeader.RTCP_HEADER_LENGTH;
        crypt(rtcp, ssrc, index, in, header, length - header, out);
        RtpHeader.putUint32(out, length, 0x80000000L | index);
        tag(rtcp, out, length + 4, -1);
        System.arraycopy(digest, 0, out, length + 4, rtcp.tagLength);
        return out;
    }

    @Override
    public int rtcpIndexOffset(int length) {
        return length - rtcp.tagLength - 4;
    }

    @Override
    public byte[] unprotectRtcp(byte[] in, long ssrc, int index, boolean encrypted) {
        int authenticated = in.length - rtcp.tagLength;
        tag(rtcp, in, authenticated, -1);
        if (!MessageDigest.isEqual(Arrays.copyOf(digest, rtcp.tagLength),
                Arrays.copyOfRange(in, authenticated, in.length))) {
            return null;
        }
        int end = authenticated - 4;
        byte[] out = Arrays.copyOf(in, end);
        if (encrypted) {
            int header = RtpHeader.RTCP_HEADER_LENGTH;
            crypt(rtcp, ssrc, index, in, header, end - header, out);
        }
        return out;
    }

    /** The 16-byte counter of RFC 3711 section 4.1.1: salt * 2^16 XOR SSRC * 2^64 XOR index * 2^16. */
    static void counter(byte[] salt, long ssrc, long index, byte[] iv) {
        Arrays.fill(iv, (byte) 0);
        System.arraycopy(salt, 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
    }

    /** XORs {@code length} bytes of {@code in} from {@code offset} with the keystream into {@code out}. */
    private void crypt(Direction d, long ssrc, long index, byte[] in, int offset, int length, byte[] out) {
        counter(d.salt, ssrc, index, iv);
        try {
            d.cipher.init(Cipher.ENCRYPT_MODE, d.key, new IvParameterSpec(iv));
            d.cipher.doFinal(in, offset, length, out, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR refused a key or counter it was built for", e);
        }
    }

    /** HMAC-SHA1 of the first {@code length} bytes, then the ROC when {@code rolloverCounter >= 0}, into digest. */
    private void tag(Direction d, byte[] packet, int length, long rolloverCounter) {
        d.mac.update(packet, 0, length);
        if (rolloverCounter >= 0) {
            RtpHeader.putUint32(roc, 0, rolloverCounter);
            d.mac.update(roc);
        }
        try {
            d.mac.doFinal(digest, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 output does not fit 20 bytes", e);
        }
    }
}
