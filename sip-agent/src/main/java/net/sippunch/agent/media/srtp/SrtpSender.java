package net.sippunch.agent.media.srtp;

import java.util.HashMap;
import java.util.Map;

/**
 * Protects the RTP and RTCP of one direction under one master key, for any number of SSRCs: the rollover
 * counter follows each SSRC's sequence numbers, the SRTCP index counts from 0 per SSRC (RFC 3711 section
 * 3.4), and every RTCP packet is encrypted (E flag set). Owned by one event loop; not thread-safe.
 *
 * <p>An index protected before is refused ({@link DropReason#REPLAYED}): the same index twice would reuse
 * a keystream. Past the key's lifetime every packet is refused ({@link DropReason#KEY_EXHAUSTED}) until a
 * new sender with a new key takes over. A packet that is not RTP or RTCP version 2 is a programming error.
 */
public final class SrtpSender {

    private final PacketTransform transform;
    private final long lifetime;
    private final Map<Long, RtpStream> rtpStreams = new HashMap<>();
    private final Map<Long, Integer> nextRtcpIndex = new HashMap<>();
    private final SrtpCounters.Tally tally = new SrtpCounters.Tally();

    SrtpSender(PacketTransform transform, long lifetime) {
        this.transform = transform;
        this.lifetime = lifetime;
    }

    public static SrtpSender of(MasterKey key) {
        return new SrtpSender(PacketTransform.of(key), key.lifetime());
    }

    public CryptoSuite suite() {
        return transform.suite();
    }

    /** SRTP from an RTP packet, or why not. */
    public SrtpResult protectRtp(byte[] rtp) {
        int headerLength = RtpHeader.length(rtp, rtp.length);
        if (headerLength < 0) {
            throw new IllegalArgumentException("not an RTP version 2 packet: " + rtp.length + " bytes");
        }
        long ssrc = RtpHeader.uint32(rtp, 8);
        RtpStream stream = rtpStreams.computeIfAbsent(ssrc, s -> new RtpStream());
        long index = stream.estimate(RtpHeader.sequence(rtp));
        if (!stream.fresh(index)) {
            return tally.drop(DropReason.REPLAYED);
        }
        if (index > RtpStream.MAX_INDEX || tally.srtp >= lifetime) {
            return tally.drop(DropReason.KEY_EXHAUSTED);
        }
        stream.accept(index);
        tally.srtp++;
        return new SrtpResult.Packet(transform.protectRtp(rtp, headerLength, ssrc, index));
    }

    /** SRTCP from an RTCP (compound) packet, or why not. */
    public SrtpResult protectRtcp(byte[] rtcp) {
        if (rtcp.length < RtpHeader.RTCP_HEADER_LENGTH || !RtpHeader.version2(rtcp)) {
            throw new IllegalArgumentException("not an RTCP version 2 packet: " + rtcp.length + " bytes");
        }
        long ssrc = RtpHeader.uint32(rtcp, 4);
        int index = nextRtcpIndex.getOrDefault(ssrc, 0);
        if (index < 0 || tally.srtcp >= lifetime) { // past 2^31 - 1 the int went negative
            return tally.drop(DropReason.KEY_EXHAUSTED);
        }
        nextRtcpIndex.put(ssrc, index + 1);
        tally.srtcp++;
        return new SrtpResult.Packet(transform.protectRtcp(rtcp, ssrc, index));
    }

    /** The rollover counter of {@code ssrc}'s stream (0 before its first packet). */
    public long rolloverCounter(long ssrc) {
        RtpStream s = rtpStreams.get(ssrc);
        return s == null ? 0 : s.rolloverCounter();
    }

    public SrtpCounters counters() {
        return tally.snapshot();
    }
}
