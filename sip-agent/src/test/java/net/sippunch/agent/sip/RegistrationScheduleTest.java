package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegistrationScheduleTest {

    private final RegistrationSchedule schedule = RegistrationSchedule.withFloor(60);

    @Test
    void refreshIsBeforeExpiryButNeverSoonerThanTheFloor() {
        assertEquals(60, schedule.refreshDelaySeconds(1));
        assertEquals(60, schedule.refreshDelaySeconds(0));
        assertEquals(60, schedule.refreshDelaySeconds(100));
        assertEquals(240, schedule.refreshDelaySeconds(300));
        assertEquals(540, schedule.refreshDelaySeconds(600));
        assertEquals(3540, schedule.refreshDelaySeconds(3600));
    }

    @Test
    void failuresBackOffExponentiallyWithJitterUpToTheCap() {
        SplittableRandom random = new SplittableRandom(13);
        long[][] bounds = {{30, 60}, {60, 120}, {120, 240}, {240, 480}, {480, 960}, {900, 1800}, {900, 1800}};
        for (int failures = 1; failures <= bounds.length; failures++) {
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (int i = 0; i < 2000; i++) {
                long d = schedule.retryDelaySeconds(failures, random);
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
            long[] b = bounds[failures - 1];
            assertTrue(lo >= b[0] && hi <= b[1], failures + " failures: " + lo + ".." + hi);
            assertTrue(hi - lo > (b[1] - b[0]) / 2, failures + " failures: jitter spread " + lo + ".." + hi);
        }
        assertTrue(schedule.retryDelaySeconds(1000, random) <= 1800);
    }

    @Test
    void nonsenseIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> RegistrationSchedule.withFloor(0));
        assertThrows(IllegalArgumentException.class, () -> schedule.retryDelaySeconds(0, new SplittableRandom(1)));
    }
}
