package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PunchConfigTest {

    private static final long MS = 1_000_000L;

    private static PunchConfig withWait(long initialWait, double rtts, long floor) {
        PunchConfig d = PunchConfig.defaults();
        return new PunchConfig(d.schedule(), initialWait, rtts, floor, d.probeIntervalNanos(), d.windowBelow(),
                d.windowAbove(), d.sweepRate(), d.maxProbes(), d.birthdaySockets(), d.birthdayRefreshNanos(),
                d.randomPortLow(), d.giveUpNanos(), d.driftAim(), d.settleLingerNanos(), d.consentIntervalNanos(),
                d.consentTimeoutNanos(), d.sha256());
    }

    @Test
    void theInitialWaitIsTwoRoundTripsWithinItsFloorAndCeiling() {
        PunchConfig config = PunchConfig.defaults();
        assertEquals(200 * MS, config.initialWaitNanos(OptionalLong.empty()), "no round trip measured");
        assertEquals(20 * MS, config.initialWaitNanos(OptionalLong.of(MS / 2)), "a lab's round trip: the floor");
        assertEquals(60 * MS, config.initialWaitNanos(OptionalLong.of(30 * MS)));
        assertEquals(200 * MS, config.initialWaitNanos(OptionalLong.of(100 * MS)), "50 ms one way, as before");
        assertEquals(200 * MS, config.initialWaitNanos(OptionalLong.of(400 * MS)), "never beyond the ceiling");
    }

    @Test
    void everyProblemOfTheInitialWaitIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withWait(100 * MS, 0, 150 * MS));
        assertTrue(e.getMessage().contains("round trips") && e.getMessage().contains("floor"), e.getMessage());
        assertEquals(100 * MS, withWait(100 * MS, 1.5, 100 * MS).initialWaitNanos(OptionalLong.of(MS)));
    }
}
