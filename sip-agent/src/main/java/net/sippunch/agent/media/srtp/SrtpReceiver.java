package net.sippunch.agent.media.srtp;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Checks and decrypts the SRTP and SRTCP of one direction under one master key. Each SSRC gets its own
 * rollover counter, index estimate and replay lists (RFC 3711 sections 3.3.1 and 3.3.2), created by its first
 * authentic packet. Bad input never throws: it is dropped, counted by reason and logged at DEBUG. Owned by one
 * event loop; not thread-safe.
 *
 * <p>Which SSRCs it takes: those of a fixed set, or any SSRC up to a number of streams, so that packets
 * under an unknown SSRC cannot grow its tables (they are refused before authentication is tried).
 */
public final class SrtpReceiver {

    /** Streams a receiver for any SSRC keeps at most. */
    public static final int DEFAULT_MAX_STREAMS = 16;

    private static final Logger LOG = LogManager.getLogger(SrtpReceiver.class);

    private final PacketTransform transform;
    private final long lifetime;
    private final Set<Long> ssrcs;
    private final int maxStreams;
    private final Map<Long, RtpStream> rtpStreams = new HashMap<>();
    private final Map<Long, ReplayWindow> rtcpStreams = new HashMap<>();
    private final SrtpCounters.Tally tally = new SrtpCounters.Tally();

    SrtpReceiver(PacketTransform transform, long lifetime, Set<Long> ssrcs, int maxStreams) {
        this.transform = transform;
        this.lifetime = lifetime;
        this.ssrcs = ssrcs;
        this.maxStreams = maxStreams;
    }

    /** A receiver for any SSRC, up to {@link #DEFAULT_MAX_STREAMS} of them. */
    public static SrtpReceiver of(MasterKey key) {
        return new SrtpReceiver(PacketTransform.of(key), key.lifetime(), null, DEFAULT_MAX_STREAMS);
    }

    /** A receiver for these SSRCs only. */
    public static SrtpReceiver of(MasterKey key, Set<Long> ssrcs) {
        return new SrtpReceiver(PacketTransform.of(key), key.lifetime(), Set.copyOf(ssrcs), ssrcs.size());
    }

    public CryptoSuite suite() {
        return transform.suite();
    }

    /** The RTP packet inside an SRTP packet, or why there is none. */
    public SrtpResult unprotectRtp(byte[] srtp) {
        int end = srtp.length - transform.suite().srtpTagLength();
        if (end < RtpHeader.FIXED_LENGTH) {
            return drop(DropReason.TOO_SHORT, "SRTP", -1);
        }
        int headerLength = RtpHeader.length(srtp, end);
        if (headerLength < 0) {
            return drop(DropReason.MALFORMED, "SRTP", -1);
        }
        long ssrc = RtpHeader.uint32(srtp, 8);
        RtpStream stream = rtpStreams.get(ssrc);
        if (stream == null) {
            if (!takes(ssrc, rtpStreams.size())) {
                return drop(DropReason.UNKNOWN_SSRC, "SRTP", ssrc);
            }
            stream = new RtpStream(); // kept only once a packet authenticates
        }
        long index = stream.estimate(RtpHeader.sequence(srtp));
        if (!stream.fresh(index)) {
            return drop(DropReason.REPLAYED, "SRTP", ssrc);
        }
        if (index > RtpStream.MAX_INDEX || tally.srtp >= lifetime) {
            return drop(DropReason.KEY_EXHAUSTED, "SRTP", ssrc);
        }
        byte[] rtp = transform.unprotectRtp(srtp, headerLength, ssrc, index);
        if (rtp == null) {
            return drop(DropReason.AUTH_FAILED, "SRTP", ssrc);
        }
        rtpStreams.putIfAbsent(ssrc, stream);
        stream.accept(index);
        tally.srtp++;
        return new SrtpResult.Packet(rtp);
    }

    /** The RTCP packet inside an SRTCP packet, or why there is none. */
    public SrtpResult unprotectRtcp(byte[] srtcp) {
        if (srtcp.length < transform.minimumSrtcpLength()) {
            return drop(DropReason.TOO_SHORT, "SRTCP", -1);
        }
        if (!RtpHeader.version2(srtcp)) {
            return drop(DropReason.MALFORMED, "SRTCP", -1);
        }
        long ssrc = RtpHeader.uint32(srtcp, 4);
        long word = RtpHeader.uint32(srtcp, transform.rtcpIndexOffset(srtcp.length));
        boolean encrypted = (word & 0x80000000L) != 0;
        int index = (int) (word & 0x7FFFFFFFL);
        ReplayWindow window = rtcpStreams.get(ssrc);
        if (window == null) {
            if (!takes(ssrc, rtcpStreams.size())) {
                return drop(DropReason.UNKNOWN_SSRC, "SRTCP", ssrc);
            }
            window = new ReplayWindow();
        }
        if (!window.fresh(index)) {
            return drop(DropReason.REPLAYED, "SRTCP", ssrc);
        }
        if (tally.srtcp >= lifetime) {
            return drop(DropReason.KEY_EXHAUSTED, "SRTCP", ssrc);
        }
        byte[] rtcp = transform.unprotectRtcp(srtcp, ssrc, index, encrypted);
        if (rtcp == null) {
            return drop(DropReason.AUTH_FAILED, "SRTCP", ssrc);
        }
        rtcpStreams.putIfAbsent(ssrc, window);
        window.accept(index);
        tally.srtcp++;
        return new SrtpResult.Packet(rtcp);
    }

    /** The rollover counter of {@code ssrc}'s stream (0 before its first authentic packet). */
    public long rolloverCounter(long ssrc) {
        RtpStream s = rtpStreams.get(ssrc);
        return s == null ? 0 : s.rolloverCounter();
    }

    public SrtpCounters counters() {
        return tally.snapshot();
    }

    private boolean takes(long ssrc, int streams) {
        return ssrcs == null ? streams < maxStreams : ssrcs.contains(ssrc);
    }

    private SrtpResult drop(DropReason reason, String what, long ssrc) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} dropped ({}), SSRC {}", what, reason, ssrc < 0 ? "unread" : Long.toHexString(ssrc));
        }
        return tally.drop(reason);
    }
}
