package net.sippunch.traversal.discovery;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;

/** One Binding request with RFC 8489 retransmissions (timeout doubling) and a give-up time. */
final class StunTransaction {

    enum Purpose { MAPPING, FILTER_CHANGE_BOTH, FILTER_CHANGE_PORT }

    private final Purpose purpose;
    private final int index;
    private final InetSocketAddress destination;
    private final int localPort;
    private final TransactionId id;
    private final byte[] request;
    private final long giveUpAt;
    private final long startedAt;
    private long rto;
    private long nextRetransmitAt;
    private int retransmissionsLeft;

    StunTransaction(Purpose purpose, int index, InetSocketAddress destination, int localPort, RandomGenerator random,
                    List<StunAttribute> extra, String software, long nowNanos, long initialRto,
                    int maxRetransmissions, long giveUpAt) {
        this.purpose = purpose;
        this.index = index;
        this.destination = destination;
        this.localPort = localPort;
        this.id = TransactionId.random(random);
        List<StunAttribute> attributes = new ArrayList<>(extra);
        if (!software.isEmpty()) {
            attributes.add(new StunAttribute.Software(software));
        }
        this.request = StunCodec.encode(StunMessage.bindingRequest(id, attributes), null, true);
        this.startedAt = nowNanos;
        this.rto = initialRto;
        this.nextRetransmitAt = nowNanos + initialRto;
        this.retransmissionsLeft = maxRetransmissions;
        // after the last retransmission, wait one more (doubled) timeout before giving up
        long lastWait = nowNanos;
        long r = initialRto;
        for (int i = 0; i <= maxRetransmissions; i++) {
            lastWait += r;
            r *= 2;
        }
        this.giveUpAt = Math.min(giveUpAt, lastWait);
    }

    Purpose purpose() {
        return purpose;
    }

    /** The index of the target this transaction samples (its place in the sending order). */
    int index() {
        return index;
    }

    InetSocketAddress destination() {
        return destination;
    }

    /** When the first request left. */
    long startedAt() {
        return startedAt;
    }

    TransactionId id() {
        return id;
    }

    Transmit firstTransmit() {
        return new Transmit(localPort, destination, request);
    }

    boolean givesUpBy(long nowNanos) {
        return nowNanos >= giveUpAt;
    }

    boolean retransmitDue(long nowNanos) {
        return retransmissionsLeft > 0 && nowNanos >= nextRetransmitAt;
    }

    Transmit retransmit(long nowNanos) {
        retransmissionsLeft--;
        rto *= 2;
        nextRetransmitAt = nowNanos + rto;
        return new Transmit(localPort, destination, request);
    }

    long nextEventAt() {
        return retransmissionsLeft > 0 ? Math.min(nextRetransmitAt, giveUpAt) : giveUpAt;
    }
}
