package net.sippunch.agent.media;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where media goes once negotiation is done: the local port it leaves from and arrives on (the media port, or
 * the birthday socket a punch settled on), the remote RTP address, the codec, whether RTCP shares the port
 * (rtcp-mux), how the path was found, and what vouches for it ({@link Trust}).
 */
public record MediaPath(int localPort, InetSocketAddress remote, Codec codec, boolean rtcpMux, String how,
                        Trust trust) {

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
    }
}
