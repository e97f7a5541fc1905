package net.sippunch.agent.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** RTCP sender and receiver reports (RFC 3550 sections 6.4.1 and 6.4.2), with at most one report block. */
public sealed interface RtcpPacket {

    int SR = 200;
    int RR = 201;

    /** A reception report block about one source. */
    record ReportBlock(long ssrc, int fractionLost, long cumulativeLost, long highestSequence, long jitter,
                       long lastSr, long delaySinceLastSr) {
    }

    record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
                        List<ReportBlock> blocks) implements RtcpPacket {
        public SenderReport {
            blocks = List.copyOf(blocks);
        }
    }

    record ReceiverReport(long ssrc, List<ReportBlock> blocks) implements RtcpPacket {
        public ReceiverReport {
            blocks = List.copyOf(blocks);
        }
    }

    default byte[] encode() {
        List<ReportBlock> blocks = this instanceof SenderReport s ? s.blocks() : ((ReceiverReport) this).blocks();
        boolean sr = this instanceof SenderReport;
        int length = 8 + (sr ? 20 : 0) + 24 * blocks.size();
        byte[] out = new byte[length];
        out[0] = (byte) (0x80 | blocks.size());
        out[1] = (byte) (sr ? SR : RR);
        int words = length / 4 - 1;
        out[2] = (byte) (words >>> 8);
        out[3] = (byte) words;
        int pos = 8;
        if (this instanceof SenderReport s) {
            RtpPacket.putInt(out, 4, s.ssrc());
            RtpPacket.putInt(out, 8, s.ntpTimestamp() >>> 32);
            RtpPacket.putInt(out, 12, s.ntpTimestamp());
            RtpPacket.putInt(out, 16, s.rtpTimestamp());
            RtpPacket.putInt(out, 20, s.packetCount());
            RtpPacket.putInt(out, 24, s.octetCount());
            pos = 28;
        } else {
            RtpPacket.putInt(out, 4, ((ReceiverReport) this).ssrc());
        }
        for (ReportBlock b : blocks) {
            RtpPacket.putInt(out, pos, b.ssrc());
            RtpPacket.putInt(out, pos + 4, ((long) (b.fractionLost() & 0xFF) << 24) | (b.cumulativeLost() & 0xFFFFFF));
            RtpPacket.putInt(out, pos + 8, b.highestSequence());
            RtpPacket.putInt(out, pos + 12, b.jitter());
            RtpPacket.putInt(out, pos + 16, b.lastSr());
            RtpPacket.putInt(out, pos + 20, b.delaySinceLastSr());
            pos += 24;
        }
        return out;
    }

    /** Decodes the first SR or RR of a (possibly compound) RTCP datagram; empty for anything else. */
    static Optional<RtcpPacket> decode(byte[] d) {
        if (d.length < 8 || (d[0] & 0xC0) != 0x80) {
            return Optional.empty();
        }
        int count = d[0] & 0x1F;
        int type = d[1] & 0xFF;
        int length = 4 * ((((d[2] & 0xFF) << 8) | (d[3] & 0xFF)) + 1);
        boolean sr = type == SR;
        if ((type != SR && type != RR) || length > d.length || length < 8 + (sr ? 20 : 0) + 24 * count) {
            return Optional.empty();
        }
        long ssrc = RtpPacket.getInt(d, 4);
        int pos = sr ? 28 : 8;
        List<ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++, pos += 24) {
            long lost = RtpPacket.getInt(d, pos + 4) & 0xFFFFFF;
            if ((lost & 0x800000) != 0) {
                lost -= 0x1000000; // 24-bit signed
            }
            blocks.add(new ReportBlock(RtpPacket.getInt(d, pos), d[pos + 4] & 0xFF, lost,
                    RtpPacket.getInt(d, pos + 8), RtpPacket.getInt(d, pos + 12),
                    RtpPacket.getInt(d, pos + 16), RtpPacket.getInt(d, pos + 20)));
        }
        if (sr) {
            long ntp = (RtpPacket.getInt(d, 8) << 32) | RtpPacket.getInt(d, 12);
            return Optional.of(new SenderReport(ssrc, ntp, RtpPacket.getInt(d, 16), RtpPacket.getInt(d, 20),
                    RtpPacket.getInt(d, 24), blocks));
        }
        return Optional.of(new ReceiverReport(ssrc, blocks));
    }
}
