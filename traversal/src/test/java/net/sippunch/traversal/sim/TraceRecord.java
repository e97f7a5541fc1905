package net.sippunch.traversal.sim;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * One line of a network trace: a datagram a session or server sent, one delivered, or one dropped.
 *
 * @param atNanos     virtual time
 * @param event       {@code send}, {@code deliver} or {@code drop:<REASON>}
 * @param from        source address at that point of the path (translated after a NAT)
 * @param to          destination address at that point of the path
 * @param length      payload length
 * @param payloadHash hash of the payload bytes, so traces compare by content
 */
public record TraceRecord(long atNanos, String event, InetSocketAddress from, InetSocketAddress to, int length,
                          int payloadHash) {

    static TraceRecord of(long at, String event, Datagram d) {
        return new TraceRecord(at, event, d.source(), d.destination(), d.payload().length,
                Arrays.hashCode(d.payload()));
    }

    @Override
    public String toString() {
        return String.format("%d.%06d ms %-18s %s -> %s (%d bytes)", atNanos / 1_000_000, atNanos % 1_000_000,
                event, from, to, length);
    }
}
