package net.sippunch.traversal.turn;

import java.net.InetSocketAddress;

/** A channel bound to one peer transport address (RFC 8656 section 12): requested, bound, refreshed. */
final class Channel {

    private final int number;
    private final InetSocketAddress peer;
    private boolean bound;
    private boolean requestPending;
    private long refreshAt = Long.MAX_VALUE;

    Channel(int number, InetSocketAddress peer) {
        this.number = number;
        this.peer = peer;
    }

    int number() {
        return number;
    }

    InetSocketAddress peer() {
        return peer;
    }

    /** True once the server has confirmed the binding: only then does data go as ChannelData. */
    boolean bound() {
        return bound;
    }

    boolean requestPending() {
        return requestPending;
    }

    void requested() {
        requestPending = true;
    }

    /** The server confirmed it; true when this is the first confirmation. */
    boolean confirmed(long nowNanos, long refreshEveryNanos) {
        boolean first = !bound;
        bound = true;
        requestPending = false;
        refreshAt = nowNanos + refreshEveryNanos;
        return first;
    }

    boolean refreshDue(long nowNanos) {
        return bound && !requestPending && nowNanos >= refreshAt;
    }

    long nextEventAt() {
        return bound && !requestPending ? refreshAt : Long.MAX_VALUE;
    }
}
