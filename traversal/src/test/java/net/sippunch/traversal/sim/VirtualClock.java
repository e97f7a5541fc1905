package net.sippunch.traversal.sim;

import java.util.PriorityQueue;

/**
 * Virtual time in nanoseconds from 0, and the queue of scheduled events. Events due at the same instant
 * run in the order they were scheduled, so a run is a pure function of its inputs and seed.
 */
public final class VirtualClock {

    private record Event(long at, long sequence, Runnable action) {
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.sequence, b.sequence));
    private long now;
    private long sequence;

    /** The current virtual time. */
    public long now() {
        return now;
    }

    /** Runs {@code action} at {@code atNanos} (now, if that is in the past). */
    public void schedule(long atNanos, Runnable action) {
        queue.add(new Event(Math.max(now, atNanos), sequence++, action));
    }

    /** When the next event is due, or {@link Long#MAX_VALUE} when none is queued. */
    public long nextEventAt() {
        Event e = queue.peek();
        return e == null ? Long.MAX_VALUE : e.at;
    }

    /** Events waiting. */
    public int pending() {
        return queue.size();
    }

    /** Moves time forward to {@code atNanos}; never backwards. */
    void advanceTo(long atNanos) {
        now = Math.max(now, atNanos);
    }

    /** Runs the earliest event, advancing time to it; false when the queue is empty. */
    boolean runNext() {
        Event e = queue.poll();
        if (e == null) {
            return false;
        }
        advanceTo(e.at);
        e.action.run();
        return true;
    }
}
