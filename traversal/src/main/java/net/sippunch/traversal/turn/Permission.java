package net.sippunch.traversal.turn;

import java.net.InetAddress;

/** A permission for one peer IP address (RFC 8656 section 9): requested, installed, refreshed. */
final class Permission {

    private final InetAddress peer;
    private boolean installed;
    private boolean requestPending;
    private long refreshAt = Long.MAX_VALUE;

    Permission(InetAddress peer) {
        this.peer = peer;
    }

    InetAddress peer() {
        return peer;
    }

    /** True once the server has confirmed it: only then may data go to the peer. */
    boolean installed() {
        return installed;
    }

    boolean requestPending() {
        return requestPending;
    }

    void requested() {
        requestPending = true;
    }

    /** The server confirmed it; true when this is the first confirmation. */
    boolean confirmed(long nowNanos, long refreshEveryNanos) {
        boolean first = !installed;
        installed = true;
        requestPending = false;
        refreshAt = nowNanos + refreshEveryNanos;
        return first;
    }

    /** Due for a CreatePermission refresh (none pending). */
    boolean refreshDue(long nowNanos) {
        return installed && !requestPending && nowNanos >= refreshAt;
    }

    long nextEventAt() {
        return installed && !requestPending ? refreshAt : Long.MAX_VALUE;
    }
}
