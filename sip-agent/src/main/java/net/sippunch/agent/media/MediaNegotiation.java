package net.sippunch.agent.media;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The seam between a call's signalling and its media path: SDP offer/answer, then the work that makes
 * the path ready. Plain mode ({@link PlainRtpNegotiation}) uses standard SDP and symmetric RTP; a NAT
 * traversal mode adds discovery, its SDP attributes and hole punching behind the same methods.
 *
 * <p>One instance serves one call and one {@link MediaPort}. The caller calls {@link #offer()} and then
 * {@link #acceptAnswer(String)}; the callee calls {@link #answer(String)}. Then {@link #start()}
 * completes when the path is ready and {@link #stop()} ends whatever the negotiation still runs.
 */
public interface MediaNegotiation {

    /** The SDP offer to put in the INVITE (or in a 200 OK when the INVITE carried none). */
    String offer() throws SdpProblem;

    /** The SDP answer to the peer's offer. */
    String answer(String offer) throws SdpProblem;

    /**
     * True when {@link #offer()} or {@link #answer(String)} may wait on the network (discovery, the UPnP
     * step): the callee then rings at once and prepares its answer off the SIP thread. Plain mode answers
     * at once, with no 180.
     */
    default boolean preparationWaits() {
        return false;
    }

    /** Takes the peer's answer to our offer. */
    void acceptAnswer(String answer) throws SdpProblem;

    /** Completes with the media path when it is ready (plain mode: at once). */
    CompletableFuture<MediaPath> start();

    /**
     * A datagram that arrived on the media port while RTP runs and is not RTP or RTCP (STUN probes,
     * consent checks). Plain mode drops it.
     *
     * @return true when it was used
     */
    default boolean handleOther(InetSocketAddress source, byte[] datagram) {
        return false;
    }

    /** Stops probing and keepalives; the port itself belongs to the call. */
    void stop();

    /** What the negotiation adds to the call's report: null fields where it has nothing to say. */
    TraversalSummary summary();
}
