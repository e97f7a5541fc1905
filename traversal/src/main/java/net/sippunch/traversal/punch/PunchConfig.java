package net.sippunch.traversal.punch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Every tunable of the punch engine. Times are nanoseconds; rates are per second.
 *
 * @param schedule           which probe schedule to run: ours, or the method as written (a baseline)
 * @param initialWaitNanos   T when the round trip is unknown, and its ceiling: how long only the predicted ports
 *                           are probed before the shotgun starts
 * @param initialWaitRtts    T in round trips, when discovery measured one ({@link #initialWaitNanos(OptionalLong)})
 * @param initialWaitFloorNanos the shortest T however short the round trip: room for the peer's processing
 * @param probeIntervalNanos how often each fixed target (prediction, adopted source, settled path) is probed
 * @param windowBelow        ports (in strides) the shotgun starts below the prediction
 * @param windowAbove        ports (in strides) above the prediction a round of the method's window reaches
 * @param sweepRate          new probe targets per second during the shotgun (the pacing)
 * @param maxProbes          cap on probes of one session, so it is never a port scanner
 * @param birthdaySockets    local sockets the random-allocation side opens in birthday mode
 * @param birthdayRefreshNanos how often the birthday sockets re-send to keep their mappings
 * @param randomPortLow      lowest port a NAT with random allocation is assumed to use
 * @param giveUpNanos        give up when no path is settled this long after the start
 * @param driftAim           fraction (0..1) of the measured drift the prediction applies; below 1 aims low
 * @param settleLingerNanos  after settling, the controlling side keeps nominating at the probe interval this long
 * @param consentIntervalNanos consent freshness check interval once settled (RFC 7675: about 5 s)
 * @param consentTimeoutNanos  no authenticated answer this long after settling: consent lost (RFC 7675: 30 s)
 * @param sha256             sign probes with MESSAGE-INTEGRITY-SHA256 instead of MESSAGE-INTEGRITY
 */
public record PunchConfig(Schedule schedule,
                          long initialWaitNanos,
                          double initialWaitRtts,
                          long initialWaitFloorNanos,
                          long probeIntervalNanos,
                          int windowBelow,
                          int windowAbove,
                          int sweepRate,
                          int maxProbes,
                          int birthdaySockets,
                          long birthdayRefreshNanos,
                          int randomPortLow,
                          long giveUpNanos,
                          double driftAim,
                          long settleLingerNanos,
                          long consentIntervalNanos,
                          long consentTimeoutNanos,
                          boolean sha256) {

    /** The probe schedule. */
    public enum Schedule {
        /** Strategy per NAT pair: direct, sweep, crossing diagonals, birthday; drift-aware prediction. */
        ADAPTIVE,
        /** The method as written: the reported port + delta, then a window of -16..+32 moved each round. */
        METHOD
    }

    private static final long MS = 1_000_000L;

    public PunchConfig {
        List<String> problems = problems(schedule, initialWaitNanos, initialWaitRtts, initialWaitFloorNanos,
                probeIntervalNanos, windowBelow, windowAbove, sweepRate, maxProbes, birthdaySockets, randomPortLow,
                giveUpNanos, driftAim, consentIntervalNanos, consentTimeoutNanos);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * The defaults: T = 2 round trips within 20..200 ms (200 ms when the round trip is unknown), window -16..+32,
     * 400 new targets/s, at most 8000 probes, 256 birthday sockets.
     */
    public static PunchConfig defaults() {
        return new PunchConfig(Schedule.ADAPTIVE, 200 * MS, 2.0, 20 * MS, 50 * MS, 16, 32, 400, 8000, 256,
                10_000 * MS, 1024, 20_000 * MS, 0.5, 2_000 * MS, 5_000 * MS, 30_000 * MS, false);
    }

    /** The same configuration with another schedule. */
    public PunchConfig withSchedule(Schedule other) {
        return new PunchConfig(other, initialWaitNanos, initialWaitRtts, initialWaitFloorNanos, probeIntervalNanos,
                windowBelow, windowAbove, sweepRate, maxProbes, birthdaySockets, birthdayRefreshNanos, randomPortLow, giveUpNanos, driftAim,
                settleLingerNanos, consentIntervalNanos, consentTimeoutNanos, sha256);
    }

    /**
     * T for a measured round trip: {@link #initialWaitRtts} of it, no shorter than {@link #initialWaitFloorNanos}
     * and no longer than {@link #initialWaitNanos}; {@link #initialWaitNanos} when nothing was measured. A
     * predicted port that works is answered one round trip after the caller's start (the callee's first probe
     * left half a round trip before), so waiting 200 ms on a path of a millisecond only lets both NATs drift
     * away from the ports the shotgun will look for.
     */
    public long initialWaitNanos(OptionalLong roundTripNanos) {
        if (roundTripNanos.isEmpty()) {
            return initialWaitNanos;
        }
        long scaled = (long) Math.min(Long.MAX_VALUE, initialWaitRtts * Math.max(0, roundTripNanos.getAsLong()));
        return Math.min(initialWaitNanos, Math.max(initialWaitFloorNanos, scaled));
    }

    private static List<String> problems(Schedule schedule, long initialWait, double initialWaitRtts,
                                         long initialWaitFloor, long probeInterval, int below, int above,
                                         int sweepRate, int maxProbes, int sockets, int randomPortLow, long giveUp,
                                         double driftAim, long consentInterval, long consentTimeout) {
        List<String> out = new ArrayList<>();
        if (schedule == null) {
            out.add("schedule is required");
        }
        if (initialWait < 0) {
            out.add("initial wait must not be negative");
        }
        if (!(initialWaitRtts > 0 && initialWaitRtts <= 100)) {
            out.add("initial wait must be 0..100 round trips (above 0), got " + initialWaitRtts);
        }
        if (initialWaitFloor < 0 || initialWaitFloor > initialWait) {
            out.add("initial wait floor must be 0..the initial wait, got " + initialWaitFloor + " ns");
        }
        if (probeInterval <= 0) {
            out.add("probe interval must be positive");
        }
        if (below < 0 || above < 0 || below + above > 4096) {
            out.add("window must be 0..4096 ports wide, got -" + below + "..+" + above);
        }
        if (sweepRate < 1 || sweepRate > 2000) {
            out.add("sweep rate must be 1..2000 probes/s, got " + sweepRate);
        }
        if (maxProbes < 1 || maxProbes > 100_000) {
            out.add("max probes must be 1..100000, got " + maxProbes);
        }
        if (sockets < 1 || sockets > 1024) {
            out.add("birthday sockets must be 1..1024, got " + sockets);
        }
        if (randomPortLow < 1 || randomPortLow > 65000) {
            out.add("random port low bound must be 1..65000, got " + randomPortLow);
        }
        if (giveUp <= 0) {
            out.add("give-up time must be positive");
        }
        if (!(driftAim >= 0 && driftAim <= 1)) {
            out.add("drift aim must be within 0..1, got " + driftAim);
        }
        if (consentInterval <= 0 || consentTimeout <= consentInterval) {
            out.add("consent interval must be positive and below the consent timeout");
        }
        return out;
    }
}
