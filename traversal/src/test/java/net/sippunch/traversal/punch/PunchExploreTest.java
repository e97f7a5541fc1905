package net.sippunch.traversal.punch;

import java.time.Duration;
import net.sippunch.traversal.sim.NatPreset;
import org.junit.jupiter.api.Test;

class PunchExploreTest {
    @Test
    void loaded() {
        for (PunchConfig.Schedule sched : new PunchConfig.Schedule[]{PunchConfig.Schedule.ADAPTIVE}) {
            for (NatPreset[] pair : new NatPreset[][] {{NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.SYMMETRIC_SEQUENTIAL},
                    {NatPreset.PORT_RESTRICTED_CONE, NatPreset.SYMMETRIC_SEQUENTIAL}, {NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.PORT_RESTRICTED_CONE}}) {
                for (double load : new double[] {10, 100}) {
                    int ok = 0; double t = 0; long probes = 0;
                    int n = 20;
                    StringBuilder failed = new StringBuilder();
                    for (int seed = 1; seed <= n; seed++) {
                        PunchRun r = PunchRun.run(pair[0], pair[1], new PunchRun.Conditions(seed, Duration.ofMillis(50), load, 0),
                                PunchConfig.defaults().withSchedule(sched));
                        if (r.direct()) { ok++; t += r.rtts(); probes += r.probesA() + r.probesB(); } else failed.append(seed).append(' ');
                    }
                    System.out.printf("%-9s %-22s %-22s load %5.0f ok %2d/%d mean %.1f RTT probes %d failed %s%n", sched, pair[0], pair[1], load, ok, n,
                            ok == 0 ? 0 : t / ok, ok == 0 ? 0 : probes / ok, failed);
                }
            }
        }
    }
}
