package net.sippunch.agent.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Plain mode, for a peer without the traversal extension: standard SDP with our address in {@code c=},
 * {@code m=audio <port> RTP/AVP 0 8}, {@code a=rtcp-mux} and {@code a=ptime:20}; the path is the peer's
 * {@code c=}/{@code m=} address at once, corrected by symmetric RTP latching in {@link RtpSession}.
 */
public final class PlainRtpNegotiation implements MediaNegotiation {

    private final String advertisedAddress;
    private final int port;
    private final List<Codec> codecs;
    private final long sessionId;
    private MediaPath path;

    /**
     * @param advertisedAddress the address put in {@code c=} (the public one when known)
     * @param port              the media port
     * @param codecs            the codecs we speak, preferred first
     * @param sessionId         the o= session id (random per call)
     */
    public PlainRtpNegotiation(String advertisedAddress, int port, List<Codec> codecs, long sessionId) {
        this.advertisedAddress = advertisedAddress;
        this.port = port;
        this.codecs = List.copyOf(codecs);
        this.sessionId = sessionId & Long.MAX_VALUE;
    }

    @Override
    public String offer() {
        return new PlainSdp(advertisedAddress, port, codecs.stream().map(Codec::payloadType).toList(), true, 20)
                .render(sessionId, 1);
    }

    @Override
    public String answer(String offer) throws SdpProblem {
        PlainSdp remote = PlainSdp.parse(offer);
        Codec chosen = null;
        for (Codec c : codecs) {
            if (remote.payloadTypes().contains(c.payloadType())) {
                chosen = c;
                break;
            }
        }
        if (chosen == null) {
            throw new SdpProblem("no common codec: offer has payload types " + remote.payloadTypes()
                    + ", we speak " + codecs);
        }
        path = pathTo(remote, chosen);
        return new PlainSdp(advertisedAddress, port, List.of(chosen.payloadType()), remote.rtcpMux(), 20)
                .render(sessionId, 1);
    }

    @Override
    public void acceptAnswer(String answer) throws SdpProblem {
        PlainSdp remote = PlainSdp.parse(answer);
        List<Codec> common = new ArrayList<>();
        for (int pt : remote.payloadTypes()) {
            Codec c = Codec.ofPayloadType(pt);
            if (c != null && codecs.contains(c)) {
                common.add(c);
            }
        }
        if (common.isEmpty()) {
            throw new SdpProblem("answer has no codec we offered: " + remote.payloadTypes());
        }
        path = pathTo(remote, common.get(0));
    }

    private MediaPath pathTo(PlainSdp remote, Codec codec) throws SdpProblem {
        if (remote.port() == 0) {
            throw new SdpProblem("audio stream rejected (port 0)");
        }
        InetSocketAddress target = RtpDestination.check(new InetSocketAddress(remote.address(), remote.port()),
                ourFamily());
        return new MediaPath(port, target, codec, remote.rtcpMux(), "plain", MediaPath.Trust.LEARNED);
    }

    /** An address of our media socket's family: the one we advertise in {@code c=}. */
    private InetAddress ourFamily() throws SdpProblem {
        try {
            return InetAddress.getByName(advertisedAddress);
        } catch (UnknownHostException e) {
            throw new SdpProblem("our own media address " + advertisedAddress + " does not resolve");
        }
    }

    @Override
    public CompletableFuture<MediaPath> start() {
        if (path == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("start before offer/answer"));
        }
        return CompletableFuture.completedFuture(path);
    }

    @Override
    public void stop() {
        // nothing runs in plain mode
    }

    @Override
    public TraversalSummary summary() {
        return TraversalSummary.plain();
    }
}
