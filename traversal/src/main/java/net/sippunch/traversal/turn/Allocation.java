package net.sippunch.traversal.turn;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The allocation a server granted: its relayed and mapped addresses and when it must be refreshed.
 *
 * @param relayed   the XOR-RELAYED-ADDRESS
 * @param mapped    the XOR-MAPPED-ADDRESS
 * @param lifetime  the lifetime last granted
 * @param refreshAt when the client sends the next Refresh, on the driver's clock
 */
record Allocation(InetSocketAddress relayed, InetSocketAddress mapped, Duration lifetime, long refreshAt) {

    /** A Refresh goes a minute before expiry, or at half the lifetime when that is shorter than two minutes. */
    static long refreshAt(long nowNanos, Duration lifetime) {
        long life = lifetime.toNanos();
        return nowNanos + Math.max(life / 2, life - Duration.ofMinutes(1).toNanos());
    }

    Allocation refreshed(long nowNanos, Duration granted) {
        return new Allocation(relayed, mapped, granted, refreshAt(nowNanos, granted));
    }
}
