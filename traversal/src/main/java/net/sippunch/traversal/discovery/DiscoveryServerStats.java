package net.sippunch.traversal.discovery;

import java.util.concurrent.atomic.LongAdder;

/** Counters of a discovery server; safe to read from any thread. */
public final class DiscoveryServerStats {
    final LongAdder received = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder oversized = new LongAdder();
    final LongAdder notBindingRequest = new LongAdder();

    /** Datagrams received. */
    public long received() {
        return received.sum();
    }

    /** Binding success responses sent. */
    public long answered() {
        return answered.sum();
    }

    /** Error responses sent (420 for unknown comprehension-required attributes or unsupported changes). */
    public long errors() {
        return errors.sum();
    }

    /** Datagrams dropped because they were not well-formed STUN. */
    public long malformed() {
        return malformed.sum();
    }

    /**
     * Datagrams dropped because they were longer than {@link BindingResponder#MAX_DATAGRAM}: whatever their
     * first bytes hold, a truncated datagram is never answered.
     */
    public long oversized() {
        return oversized.sum();
    }

    /** Well-formed STUN that was not a Binding request (responses, indications, other methods): dropped. */
    public long notBindingRequest() {
        return notBindingRequest.sum();
    }

    @Override
    public String toString() {
        return "received=" + received() + " answered=" + answered() + " errors=" + errors()
                + " malformed=" + malformed() + " oversized=" + oversized() + " notBindingRequest=" + notBindingRequest();
    }
}
