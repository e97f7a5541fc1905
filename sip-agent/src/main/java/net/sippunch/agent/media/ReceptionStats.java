package net.sippunch.agent.media;

/**
 * Reception statistics of one RTP source, as RFC 3550 appendix A computes them: extended highest
 * sequence number, cumulative loss, interarrival jitter; and the longest gap between arrivals. Sans-IO:
 * arrival times are passed in.
 */
public final class ReceptionStats {

    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;

    private final int clockRate;
    private boolean started;
    private long ssrc;
    private int maxSeq;
    private long cycles;
    private int baseSeq;
    private long received;
    private long duplicatesOrLate;
    private double jitter;
    private long lastTransit;
    private boolean haveTransit;
    private long lastArrivalNanos;
    private long maxGapNanos;
    private long expectedPrior;
    private long receivedPrior;

    public ReceptionStats(int clockRate) {
        this.clockRate = clockRate;
    }

    /**
     * Counts one packet.
     *
     * @param arrivalNanos its arrival time on the receiver's clock
     * @return false when it is far out of sequence and was not counted (RFC 3550 A.1 probation aside)
     */
    public boolean onPacket(RtpPacket p, long arrivalNanos) {
        if (!started) {
            started = true;
            ssrc = p.ssrc();
            baseSeq = p.sequence();
            maxSeq = p.sequence();
        } else {
            int delta = (p.sequence() - maxSeq) & 0xFFFF;
            if (delta == 0) {
                duplicatesOrLate++;
                return true;
            } else if (delta < MAX_DROPOUT) {
                if (p.sequence() < maxSeq) {
                    cycles += 1 << 16;
                }
                maxSeq = p.sequence();
            } else if (delta <= 65536 - MAX_MISORDER) {
                return false; // a jump: not counted
            } else {
                duplicatesOrLate++; // late or reordered: counted as received below
            }
        }
        if (received > 0) {
            maxGapNanos = Math.max(maxGapNanos, arrivalNanos - lastArrivalNanos);
        }
        lastArrivalNanos = arrivalNanos;
        received++;
        long arrivalUnits = arrivalNanos * clockRate / 1_000_000_000L;
        long transit = arrivalUnits - p.timestamp();
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            jitter += (d - jitter) / 16.0;
        }
        lastTransit = transit;
        haveTransit = true;
        return true;
    }

    public boolean started() {
        return started;
    }

    public long ssrc() {
        return ssrc;
    }

    public long packetsReceived() {
        return received;
    }

    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    public long expected() {
        return started ? extendedHighestSequence() - baseSeq + 1 : 0;
    }

    /** Cumulative packets lost (may be negative with duplicates, as RFC 3550 allows). */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** Interarrival jitter in timestamp units. */
    public long jitter() {
        return (long) jitter;
    }

    /**
     * The longest interval between the arrivals of two successive counted packets, in milliseconds (0 before
     * the second). Silence after the last packet is not in it.
     */
    public long maxGapMillis() {
        return maxGapNanos / 1_000_000;
    }

    /** The fraction lost since the previous call, as the 8-bit fixed-point number of a report block. */
    public int fractionLostSinceLastReport() {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) ((lostInterval << 8) / expectedInterval);
    }
}
