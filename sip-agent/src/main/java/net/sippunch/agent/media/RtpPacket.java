package net.sippunch.agent.media;

import java.util.Arrays;
import java.util.Optional;

/**
 * An RTP packet (RFC 3550 section 5.1). Decoding checks version, padding, CSRC count and header
 * extension against the datagram's length and never throws.
 */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] payload) {

    public static final int HEADER_LENGTH = 12;

    public RtpPacket {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        sequence &= 0xFFFF;
        timestamp &= 0xFFFFFFFFL;
        ssrc &= 0xFFFFFFFFL;
    }

    public byte[] encode() {
        byte[] out = new byte[HEADER_LENGTH + payload.length];
        out[0] = (byte) 0x80;
        out[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        out[2] = (byte) (sequence >>> 8);
        out[3] = (byte) sequence;
        putInt(out, 4, timestamp);
        putInt(out, 8, ssrc);
        System.arraycopy(payload, 0, out, HEADER_LENGTH, payload.length);
        return out;
    }

    /** Decodes an RTP packet; empty when the bytes are not a well-formed RTP version 2 packet. */
    public static Optional<RtpPacket> decode(byte[] d) {
        if (d.length < HEADER_LENGTH || (d[0] & 0xC0) != 0x80) {
            return Optional.empty();
        }
        int csrcCount = d[0] & 0x0F;
        int offset = HEADER_LENGTH + 4 * csrcCount;
        if ((d[0] & 0x10) != 0) { // header extension
            if (d.length < offset + 4) {
                return Optional.empty();
            }
            int words = ((d[offset + 2] & 0xFF) << 8) | (d[offset + 3] & 0xFF);
            offset += 4 + 4 * words;
        }
        int end = d.length;
        if ((d[0] & 0x20) != 0) { // padding: the last byte counts it
            int padding = d[d.length - 1] & 0xFF;
            if (padding == 0) {
                return Optional.empty();
            }
            end -= padding;
        }
        if (offset > end) {
            return Optional.empty();
        }
        return Optional.of(new RtpPacket(d[1] & 0x7F, (d[1] & 0x80) != 0,
                ((d[2] & 0xFF) << 8) | (d[3] & 0xFF), getInt(d, 4), getInt(d, 8),
                Arrays.copyOfRange(d, offset, end)));
    }

    static void putInt(byte[] b, int offset, long v) {
        b[offset] = (byte) (v >>> 24);
        b[offset + 1] = (byte) (v >>> 16);
        b[offset + 2] = (byte) (v >>> 8);
        b[offset + 3] = (byte) v;
    }

    static long getInt(byte[] b, int offset) {
        return ((b[offset] & 0xFFL) << 24) | ((b[offset + 1] & 0xFFL) << 16)
                | ((b[offset + 2] & 0xFFL) << 8) | (b[offset + 3] & 0xFFL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtpPacket p && payloadType == p.payloadType && marker == p.marker
                && sequence == p.sequence && timestamp == p.timestamp && ssrc == p.ssrc
                && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + sequence;
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType + ", seq=" + sequence + ", ts=" + timestamp + ", ssrc=" + ssrc
                + ", " + payload.length + " bytes]";
    }
}
