package net.sippunch.traversal.punch;

import java.util.List;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;

/**
 * Where a sequential NAT will put its next mapping. From the discovery samples it learns the allocator's
 * stride (the greatest common divisor of the deltas, since flows of other hosts only add whole strides) and
 * the drift: how many ports per second other hosts behind the same NAT consume. The prediction for a time
 * {@code t} is {@code last + stride * (1 + aim * drift * (t - tLast))}.
 *
 * @param lastPort        the port of the freshest sample
 * @param lastAtNanos     when that sample was taken, on the session's clock
 * @param stride          the allocator's step between two flows, never 0 (negative for a descending allocator)
 * @param flowsPerSecond  other flows per second the samples show, 0 when they show none
 */
public record PortPredictor(int lastPort, long lastAtNanos, int stride, double flowsPerSecond) {

    public PortPredictor {
        if (stride == 0) {
            throw new IllegalArgumentException("stride must not be 0");
        }
        if (!(flowsPerSecond >= 0)) {
            throw new IllegalArgumentException("flows per second must be >= 0");
        }
    }

    /** The predictor of a profile's samples; a profile with one sample predicts stride 1 and no drift. */
    public static PortPredictor of(NatProfile profile) {
        List<MappedTuple> samples = profile.samples();
        MappedTuple last = samples.get(samples.size() - 1);
        int stride = 0;
        for (int delta : profile.deltas()) {
            stride = gcd(stride, delta);
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
        double rate = span > 0 && otherFlows > 0 ? otherFlows * 1e9 / span : 0;
        return new PortPredictor(last.port(), last.atNanos(), stride, rate);
    }

    /** The predicted port of the next new flow at {@code nowNanos}, applying {@code aim} (0..1) of the drift. */
    public int portAt(long nowNanos, double aim) {
        double seconds = Math.max(0, nowNanos - lastAtNanos) / 1e9;
        long flows = 1 + (long) Math.floor(aim * flowsPerSecond * seconds);
        return wrap(lastPort + flows * stride);
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
