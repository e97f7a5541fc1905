package net.sippunch.agent.media;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where media goes once negotiation is done: the local port it leaves from and arrives on (the media port, or
 * the birthday socket a punch settled on), the remote RTP address, the codec, whether RTCP shares the port
 * (rtcp-mux), how the path was found, what vouches for it ({@link Trust}), and the ports of a plain peer's
 * address to open this side's NAT toward, in case the peer's NAT gave its flow to us a port it did not signal
 * (one-sided traversal: keep-alives go there until the peer's first RTP, within the learning window).
 */
public record MediaPath(int localPort, InetSocketAddress remote, Codec codec, boolean rtcpMux, String how,
                        Trust trust, List<InetSocketAddress> openWindow) {

    /** What vouches for the remote address, which decides whether RTP may move it. */
    public enum Trust {
        /**
         * An authenticated punch settled it and consent checks keep it: only the punch engine's authenticated
         * events move it; RTP from any other source is dropped.
         */
        PUNCHED,
        /**
         * The peer's signalled public tuple, taken when the punch gave up: fixed; RTP from any other source is
         * dropped, and the media timeout ends a call whose peer sends nothing.
         */
        SIGNALLED,
        /**
         * Plain SDP: symmetric RTP may move it once, during a short window at the start and only to a source
         * with the SDP's address; then it is locked (RTP-bleed mitigation). The media timeout applies.
         */
        LEARNED
    }

    public MediaPath {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(trust, "trust");
        openWindow = List.copyOf(openWindow);
    }

    /** A path without a window to open. */
    public MediaPath(int localPort, InetSocketAddress remote, Codec codec, boolean rtcpMux, String how, Trust trust) {
        this(localPort, remote, codec, rtcpMux, how, trust, List.of());
    }
}
