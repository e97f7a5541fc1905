package net.sippunch.agent.media;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.sippunch.agent.media.srtp.SrtpKeys;
import net.sippunch.traversal.netty.DatagramSessionDriver;
import net.sippunch.traversal.netty.NettyMediaPort;

/**
 * The seam between a call's signalling and its media path: SDP offer/answer, then the work that makes
 * the path ready. Plain mode ({@link PlainRtpNegotiation}) uses standard SDP and symmetric RTP; NAT
 * traversal mode ({@link PunchNegotiation}) adds discovery, its SDP attributes and hole punching behind the
 * same methods.
 *
 * <p>One instance serves one call and one media port. The caller calls {@link #offer()} and then
 * {@link #acceptAnswer(String)}; the callee calls {@link #answer(String)}. Then {@link #start()}
 * completes when the path is ready, {@link #watch} follows it while media flows, and {@link #stop()} ends
 * whatever the negotiation still runs.
 */
public interface MediaNegotiation {

    /** What happens to a path while media flows on it; called on the media port's loop, must not block. */
    interface PathWatch {
        /**
         * An authenticated answer proved the peer's new tuple, reached from our socket {@code localPort} (the
         * media port, or a socket of the punch's: a birthday one): media goes there, from there, now.
         */
        void moved(int localPort, InetSocketAddress to);

        /** The peer is gone (consent lost): the call should end with {@code reason}. */
        void lost(String reason);
    }

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

    /**
     * The callee's signalling confirmed the call: the ACK of its 200 OK arrived. Traversal mode's punch then
     * runs its full schedule (before, it probes the peer's tuples at a backing-off pace and sprays a bounded
     * number of probes). Never blocks.
     */
    default void confirmed() {
    }

    /**
     * The answer to a re-INVITE's offer that keeps the session as it is, or empty when this negotiation cannot
     * take that offer (the call then answers 488 and the session stays as it is, RFC 3261 section 14.2).
     */
    default Optional<String> keepSession(String offer) {
        return Optional.empty();
    }

    /**
     * The updated offer the signalling sends in a re-INVITE, when one is due: once the path is ready (RFC 8839: the
     * controlling ICE agent whose selected pair's local candidate is not the default it signalled), or when
     * {@link #updatedOfferDue()} completed (a relayed address the peer must check before the path can be ready);
     * empty when none is. Each offer is given once, however often this is asked.
     */
    default Optional<String> updatedOffer() {
        return Optional.empty();
    }

    /**
     * Completes when an updated offer is due before the path is ready: the caller's TURN relayed address, which
     * the peer checks before media, or a DTLS handshake, can reach it. Never completes for most negotiations.
     */
    default CompletableFuture<Void> updatedOfferDue() {
        return new CompletableFuture<>();
    }

    /** Completes with the media path when it is ready (plain mode: at once). */
    CompletableFuture<MediaPath> start();

    /**
     * Follows the path from now on: what moved it since {@link #start()} completed is told at once. Plain
     * mode has nothing to tell.
     */
    default void watch(PathWatch watch) {
    }

    /**
     * What the call's RTP goes through once {@link #start()} completed: the media port, or a TURN relay when the
     * path is relayed.
     */
    default MediaTransport transport(NettyMediaPort port) {
        return MediaTransport.of(port);
    }

    /** Stops probing and keepalives; the port itself belongs to the call. Never blocks. */
    void stop();

    /** The keys of the call's SRTP once offer and answer agreed on them; empty for plain RTP. */
    default Optional<SrtpKeys> srtp() {
        return Optional.empty();
    }

    /**
     * Where DTLS records that reach the media port while media flows go (DTLS-SRTP: a peer that lost our last
     * flight sends its own again); empty without DTLS. Called on the media port's loop, must not block.
     */
    default Optional<DatagramSessionDriver.Unhandled> dtlsRecords() {
        return Optional.empty();
    }

    /**
     * What the call's report says of encryption: {@code srtp <suite> (sdes)} or {@code (dtls-srtp)}, or
     * {@code none (<why>)}.
     */
    default String encryption() {
        return "none (not configured)";
    }

    /** What the negotiation adds to the call's report: null fields where it has nothing to say. */
    TraversalSummary summary();
}
