package net.sippunch.traversal.sim;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * What one path segment of the virtual network does to a datagram crossing it, in either direction:
 * a fixed one-way delay, plus a jitter drawn uniformly from {@code [0, jitterNanos)}, and a loss
 * probability. Jitter may reorder datagrams; with zero jitter a segment is first-in first-out.
 *
 * @param oneWayDelayNanos fixed delay of the segment
 * @param jitterNanos      upper bound (exclusive) of the random extra delay; 0 for none
 * @param lossProbability  chance that a datagram is lost on this segment, 0..1
 */
public record LinkModel(long oneWayDelayNanos, long jitterNanos, double lossProbability) {

    /** A perfect segment: no delay, no jitter, no loss. */
    public static final LinkModel NONE = new LinkModel(0, 0, 0);

    public LinkModel {
        if (oneWayDelayNanos < 0 || jitterNanos < 0) {
            throw new IllegalArgumentException("delay and jitter must not be negative");
        }
        if (!(lossProbability >= 0 && lossProbability <= 1)) {
            throw new IllegalArgumentException("loss probability must be in 0..1, got " + lossProbability);
        }
    }

    /** A segment with a delay and nothing else. */
    public static LinkModel delay(Duration oneWay) {
        return new LinkModel(oneWay.toNanos(), 0, 0);
    }

    /** A segment with a delay, a jitter bound and a loss probability. */
    public static LinkModel of(Duration oneWay, Duration jitter, double loss) {
        return new LinkModel(oneWay.toNanos(), jitter.toNanos(), loss);
    }

    /** True when the datagram is lost; draws from {@code random} only when loss is possible. */
    boolean loses(RandomGenerator random) {
        return lossProbability > 0 && random.nextDouble() < lossProbability;
    }

    /** The delay of one crossing; draws from {@code random} only when there is jitter. */
    long delayNanos(RandomGenerator random) {
        return jitterNanos == 0 ? oneWayDelayNanos : oneWayDelayNanos + random.nextLong(jitterNanos);
    }
}
