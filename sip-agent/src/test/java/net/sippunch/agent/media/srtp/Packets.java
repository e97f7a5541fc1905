package net.sippunch.agent.media.srtp;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** RTP and RTCP packets for the tests, and keys from a seeded generator. */
final class Packets {

    private Packets() {
    }

    /** An RTP packet: 12-byte header, payload type 0 (PCMU), {@code payload} bytes of a pattern. */
    static byte[] rtp(long ssrc, int seq, int payload) {
        byte[] p = new byte[12 + payload];
        p[0] = (byte) 0x80;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        RtpHeader.putUint32(p, 4, seq * 160L);
        RtpHeader.putUint32(p, 8, ssrc);
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (i * 7 + seq);
        }
        return p;
    }

    /** An RTP packet with two CSRCs and a one-word header extension before the payload. */
    static byte[] rtpWithCsrcsAndExtension(long ssrc, int seq) {
        byte[] p = new byte[12 + 8 + 8 + 20];
        p[0] = (byte) (0x80 | 0x10 | 2);
        p[1] = 8;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        RtpHeader.putUint32(p, 8, ssrc);
        RtpHeader.putUint32(p, 12, 0x11111111L);
        RtpHeader.putUint32(p, 16, 0x22222222L);
        p[20] = (byte) 0xBE;
        p[21] = (byte) 0xDE;
        p[23] = 1; // one word of extension
        RtpHeader.putUint32(p, 24, 0x10AA0000L);
        for (int i = 28; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    /** An RTCP receiver report of {@code ssrc} with one report block. */
    static byte[] rtcp(long ssrc) {
        byte[] p = new byte[32];
        p[0] = (byte) 0x81;
        p[1] = (byte) 201;
        p[3] = 7;
        RtpHeader.putUint32(p, 4, ssrc);
        for (int i = 8; i < p.length; i++) {
            p[i] = (byte) (i * 3);
        }
        return p;
    }

    /** A key for {@code suite} from a seeded SHA1PRNG, so failures replay. */
    static MasterKey key(CryptoSuite suite, long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed); // before any output: the generator is then deterministic
            return MasterKey.generate(suite, r);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA1PRNG", e);
        }
    }

    static MasterKey freshKey(CryptoSuite suite) {
        return MasterKey.generate(suite, new SecureRandom());
    }
}
