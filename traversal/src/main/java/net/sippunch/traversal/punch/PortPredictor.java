package net.sippunch.traversal.punch;

import java.util.List;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.PortAllocation;

/**
 * Where a sequential NAT will put its next mapping. From the discovery samples it learns the allocator's
 * stride (the greatest common divisor of the deltas, since flows of other hosts only add whole strides,
 * when one delta equals it; 1 otherwise, which sweeps every port and so is never wrong, only slower) and
 * the drift: how many ports per second other hosts behind the same NAT consume. The prediction for a time
 * {@code t} is {@code last + stride * (1 + aim * drift * (t - tLast))}.
 *
 * <p>The drift needs a span of time to show in: samples whose requests left back to back (a discovery with
 * {@code NatKnowledge}) are a fraction of a millisecond apart, where one neighbour's flow would read as
 * thousands per second. Samples closer together than {@link #MIN_RATE_SPAN_NANOS} give no drift.
 *
 * @param lastPort        the port of the freshest sample
 * @param lastAtNanos     when that sample was taken, on the session's clock
 * @param stride          the allocator's step between two flows, never 0 (negative for a descending allocator)
 * @param flowsPerSecond  other flows per second the samples show, 0 when they show none
 */
public record PortPredictor(int lastPort, long lastAtNanos, int stride, double flowsPerSecond) {

    /**
     * The shortest span between the first and the last sample that measures a drift: 20 ms, well above the
     * jitter of answer times and the millisecond resolution of the SDP's sample offsets.
     */
    public static final long MIN_RATE_SPAN_NANOS = 20_000_000L;

    public PortPredictor {
        if (stride == 0) {
            throw new IllegalArgumentException("stride must not be 0");
        }
        if (!(flowsPerSecond >= 0)) {
            throw new IllegalArgumentException("flows per second must be >= 0");
        }
    }

    /**
     * The predictor of a profile's samples; a profile with one sample predicts stride 1 and no drift. With
     * second-priority allocation the first sample (the preserved port) says nothing about the sequence and
     * is left out.
     */
    public static PortPredictor of(NatProfile profile) {
        List<MappedTuple> samples = profile.samples();
        if (profile.allocation() == PortAllocation.SECOND_PRIORITY && samples.size() > 2) {
            samples = samples.subList(1, samples.size());
        }
        MappedTuple last = samples.get(samples.size() - 1);
        int stride = 0;
        int smallest = Integer.MAX_VALUE;
        for (int i = 1; i < samples.size(); i++) {
            int delta = samples.get(i).port() - samples.get(i - 1).port();
            stride = gcd(stride, delta);
            if (delta != 0) {
                smallest = Math.min(smallest, Math.abs(delta));
            }
        }
        // Other hosts' flows make deltas whole multiples of the stride, and can make them share a factor
        // by chance (52, 10, 8); only trust a common factor that one delta shows on its own. Sweeps step by
        // single ports anyway; the stride only aims the first probe.
        if (stride > 1 && smallest != stride) {
            stride = 1;
        }
        if (stride == 0) {
            return new PortPredictor(last.port(), last.atNanos(), 1, 0);
        }
        int total = last.port() - samples.get(0).port();
        if (Integer.signum(total) != Integer.signum(stride)) {
            stride = -stride;
        }
        long span = last.atNanos() - samples.get(0).atNanos();
        int ownFlows = samples.size() - 1;
        int otherFlows = total / stride - ownFlows;
        double rate = span >= MIN_RATE_SPAN_NANOS && otherFlows > 0 ? otherFlows * 1e9 / span : 0;
        return new PortPredictor(last.port(), last.atNanos(), stride, rate);
    }

    /** The predicted port of the next new flow at {@code nowNanos}, applying {@code aim} (0..1) of the drift. */
    public int portAt(long nowNanos, double aim) {
        return wrap(unwrappedAt(nowNanos, aim));
    }

    private long unwrappedAt(long nowNanos, double aim) {
        double seconds = Math.max(0, nowNanos - lastAtNanos) / 1e9;
        long flows = 1 + (long) Math.floor(aim * flowsPerSecond * seconds);
        return lastPort + flows * stride;
    }

    /**
     * Where a crossing sweep for the peer's new flows starts at {@code nowNanos}. With a measured drift:
     * {@code below} strides under the prediction ({@link #portAt}), a margin for a drift the samples
     * overestimated. Without one, the prediction is the first port after the freshest sample, the lowest any
     * new flow can have, and it is probed from the start: the sweep starts just past it. Starting lower only
     * lengthens the crossing, and a sweep that passes through the predicted port re-uses the mapping made for
     * it: that step takes no new port of this side's NAT, and two sweeps meeting right there miss each other.
     */
    public int sweepStart(long nowNanos, double aim, int below) {
        int direction = Integer.signum(stride);
        if (flowsPerSecond == 0) {
            return wrap((long) lastPort + stride + direction);
        }
        return wrap(unwrappedAt(nowNanos, aim) - (long) below * direction);
    }

    /** A port number folded into 1..65535 so that arithmetic near the ends of the range stays valid. */
    static int wrap(long port) {
        long p = ((port - 1) % 65535 + 65535) % 65535;
        return (int) p + 1;
    }

    private static int gcd(int a, int b) {
        a = Math.abs(a);
        b = Math.abs(b);
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
