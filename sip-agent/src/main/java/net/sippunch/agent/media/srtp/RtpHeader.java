package net.sippunch.agent.media.srtp;

/** Reading the fields SRTP needs from RTP and RTCP headers in place, without decoding the packet. */
final class RtpHeader {

    static final int FIXED_LENGTH = 12;
    static final int RTCP_HEADER_LENGTH = 8;

    private RtpHeader() {
    }

    /** True when the first byte says RTP/RTCP version 2. */
    static boolean version2(byte[] p) {
        return p.length > 0 && (p[0] & 0xC0) == 0x80;
    }

    /**
     * The RTP header's length (fixed part, CSRCs and header extension) when it fits in the first {@code end}
     * bytes of a version 2 packet; -1 otherwise.
     */
    static int length(byte[] p, int end) {
        if (end < FIXED_LENGTH || !version2(p)) {
            return -1;
        }
        int length = FIXED_LENGTH + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) {
            if (length + 4 > end) {
                return -1;
            }
            length += 4 + 4 * (((p[length + 2] & 0xFF) << 8) | (p[length + 3] & 0xFF));
        }
        return length <= end ? length : -1;
    }

    static int sequence(byte[] p) {
        return ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
    }

    /** The SSRC of an RTP packet (offset 8) or the sender SSRC of an RTCP packet (offset 4). */
    static long uint32(byte[] p, int offset) {
        return ((p[offset] & 0xFFL) << 24) | ((p[offset + 1] & 0xFFL) << 16) | ((p[offset + 2] & 0xFFL) << 8)
                | (p[offset + 3] & 0xFFL);
    }

    static void putUint32(byte[] p, int offset, long v) {
        p[offset] = (byte) (v >>> 24);
        p[offset + 1] = (byte) (v >>> 16);
        p[offset + 2] = (byte) (v >>> 8);
        p[offset + 3] = (byte) v;
    }
}
