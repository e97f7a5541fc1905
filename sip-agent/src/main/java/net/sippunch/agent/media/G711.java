package net.sippunch.agent.media;

/**
 * ITU-T G.711 companding of 16-bit linear PCM: mu-law (PCMU, RTP payload type 0) and A-law (PCMA, 8).
 * Encoding follows the segment/quantisation rules of the Recommendation (as in its reference code).
 */
public final class G711 {

    private static final int MULAW_BIAS = 0x84;
    private static final int MULAW_CLIP = 32635;

    private G711() {
    }

    public static byte linearToMulaw(short sample) {
        int pcm = sample;
        int sign = (pcm >> 8) & 0x80;
        if (sign != 0) {
            pcm = -pcm;
        }
        if (pcm > MULAW_CLIP) {
            pcm = MULAW_CLIP;
        }
        pcm += MULAW_BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    public static short mulawToLinear(byte encoded) {
        int u = ~encoded & 0xFF;
        int t = ((u & 0x0F) << 3) + MULAW_BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? MULAW_BIAS - t : t - MULAW_BIAS);
    }

    public static byte linearToAlaw(short sample) {
        int pcm = sample;
        int mask;
        if (pcm >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int segment = 0;
        for (int end = 0xFF; segment < 8 && pcm > end; end = (end << 1) | 1) {
            segment++;
        }
        if (segment >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int aval = segment << 4;
        aval |= segment < 2 ? (pcm >> 4) & 0x0F : (pcm >> (segment + 3)) & 0x0F;
        return (byte) (aval ^ mask);
    }

    public static short alawToLinear(byte encoded) {
        int a = (encoded & 0xFF) ^ 0x55;
        int t = (a & 0x0F) << 4;
        int segment = (a & 0x70) >> 4;
        switch (segment) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= segment - 1;
            }
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }
}
