package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.api.Test;

/**
 * Two sequential NATs with 100 neighbour flows/s each on a 1 ms path, both sides discovering from NAT
 * knowledge as a warm agent does: the crossing sweeps start from the measured round trip and at the first
 * ports the peer can still hand out, so they meet within a few hundred milliseconds, not a second.
 */
class CrossingUnderLoadTest {

    @Test
    void aLoadedSequentialPairOnAShortPathSettlesWithin400Ms() {
        int trials = 12;
        double[] ms = new double[trials];
        for (int i = 0; i < trials; i++) {
            PunchRun run = PunchRun.run(NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.SYMMETRIC_SEQUENTIAL,
                    new PunchRun.Conditions((i + 1) * 7919L, Duration.ofMillis(1), 100, 0), PunchConfig.defaults(),
                    true);
            assertTrue(run.direct(), "direct path: " + run);
            ms[i] = (run.elapsedNanos() - run.rttNanos() / 2.0) / 1e6;
        }
        Arrays.sort(ms);
        assertTrue(ms[trials / 2] <= 400, "median " + ms[trials / 2] + " ms: " + Arrays.toString(ms));
        assertTrue(ms[trials - 1] <= 1_000, "slowest " + ms[trials - 1] + " ms: " + Arrays.toString(ms));
    }
}
