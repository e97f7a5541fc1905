package net.sippunch.traversal.punch;

import java.net.InetSocketAddress;
import java.util.Optional;

/** What a {@link PunchSession} reports; pulled with {@link PunchSession#pollEvent()}. */
public sealed interface PunchEvent {

    /**
     * A path is settled: media may flow on it.
     *
     * @param path         the local port and the peer's external tuple
     * @param elapsedNanos time from the start of punching
     * @param plan         the strategy that ran
     * @param how          one sentence: which probe found it, relative to the prediction
     * @param stats        counters at that moment
     * @param seenAs       our side of the path as the peer saw it: the XOR-MAPPED-ADDRESS of its authenticated
     *                     answer there (ICE's local candidate of the selected pair); empty when it named none
     */
    record Settled(PunchPath path, long elapsedNanos, PunchPlan plan, String how, PunchStats stats,
                   Optional<InetSocketAddress> seenAs) implements PunchEvent {
    }

    /**
     * No path within the caps. The method's fallback is the reported tuple, from the media port.
     *
     * @param reason       why, for the call report
     * @param fallback     the reported tuple of the peer, from the media port
     * @param elapsedNanos time from the start of punching
     * @param plan         the strategy that ran
     * @param stats        counters at that moment
     */
    record GaveUp(String reason, Optional<PunchPath> fallback, long elapsedNanos, PunchPlan plan, PunchStats stats)
            implements PunchEvent {
    }

    /** The peer answered from a new tuple (NAT rebinding), proven by an authenticated answer to a fresh probe. */
    record PathChanged(PunchPath from, PunchPath to) implements PunchEvent {
    }

    /** RFC 7675: no authenticated answer on the settled path for the consent timeout; stop sending media. */
    record ConsentLost(PunchPath path, long silentNanos) implements PunchEvent {
    }
}
