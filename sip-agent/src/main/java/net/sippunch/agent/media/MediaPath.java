package net.sippunch.agent.media;

import java.net.InetSocketAddress;

/**
 * Where media goes once negotiation is done: the remote RTP address, the codec, whether RTCP shares
 * the port (rtcp-mux), and how the path was found ("plain" for standard SDP and symmetric RTP).
 */
public record MediaPath(InetSocketAddress remote, Codec codec, boolean rtcpMux, String how) {
}
