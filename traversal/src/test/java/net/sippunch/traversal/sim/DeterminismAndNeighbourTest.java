package net.sippunch.traversal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.emulated.Nat;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.api.Test;

/** Same seed, same run; and neighbours behind a sequential NAT widen the delta discovery sees. */
class DeterminismAndNeighbourTest {

    private static final long MS = 1_000_000L;

    /** Everything random at once: jitter, loss, Poisson neighbours, a random NAT. */
    private static List<TraceRecord> tracedRun(long seed) {
        Scenario scenario = Scenario.builder().seed(seed).trace(true)
                .nat(Scenario.Side.A, NatPreset.SYMMETRIC_RANDOM)
                .nat(Scenario.Side.B, NatPreset.SYMMETRIC_SEQUENTIAL, 2)
                .oneWayDelay(Duration.ofMillis(30)).jitter(Duration.ofMillis(10)).loss(0.05)
                .neighbours(50).build();
        scenario.discover();
        scenario.punch(peer -> new ReflexiveProbe(peer, 25 * MS), ReflexiveProbe::done, Duration.ofSeconds(1));
        return scenario.network().trace();
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        List<TraceRecord> first = tracedRun(77);
        assertTrue(first.size() > 200, "a run with some traffic: " + first.size());
        assertTrue(first.stream().anyMatch(r -> r.event().equals("drop:LOST")), "loss happened");
        assertEquals(first, tracedRun(77));
        assertNotEquals(first, tracedRun(78));
    }

    private static NatProfile profileWithNeighbour(long seed, double flowsPerSecond, boolean filteringTests,
                                                   Neighbour.Arrivals arrivals) {
        Scenario scenario = Scenario.builder().seed(seed)
                .nat(Scenario.Side.A, NatPreset.SYMMETRIC_SEQUENTIAL).nat(Scenario.Side.B, NatPreset.OPEN)
                .oneWayDelay(Duration.ofMillis(50)).neighbours(Scenario.Side.A, flowsPerSecond).arrivals(arrivals)
                .discoveryConfig(servers -> filteringTests ? DiscoveryConfig.defaults(servers)
                        : new DiscoveryConfig(servers, 4, Duration.ofMillis(100), 4, Duration.ofMillis(1500), false,
                        Duration.ofMillis(400), 256, "sippunch"))
                .build();
        return scenario.discover().profileA();
    }

    @Test
    void withoutNeighboursTheDeltaIsTheNatsStep() {
        NatProfile p = profileWithNeighbour(1, 0, true, Neighbour.Arrivals.POISSON);
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type());
        assertEquals(1, p.delta());
    }

    @Test
    void aNeighbourAt100FlowsPerSecondWidensTheDeltaAsOnTheKernel() {
        // one round trip (100 ms) between the two servers' requests: about 10 neighbour flows in between,
        // so delta ~ 11, what the kernel lab measured
        int sum = 0;
        int trials = 40;
        for (long seed = 1; seed <= trials; seed++) {
            NatProfile p = profileWithNeighbour(seed, 100, false, Neighbour.Arrivals.POISSON);
            assertTrue(p.delta() > 1, "delta " + p.delta());
            sum += p.delta();
        }
        double mean = sum / (double) trials;
        // Poisson(10) + 1 has mean 11 and standard deviation 3.2; the mean of 40 has 0.5
        assertTrue(mean > 9.5 && mean < 12.5, "mean delta " + mean);

        NatProfile regular = profileWithNeighbour(1, 100, false, Neighbour.Arrivals.REGULAR);
        assertTrue(regular.delta() == 10 || regular.delta() == 11, "regular flows every 10 ms: " + regular.deltas());
    }

    @Test
    void theFilteringTestsWaitLongerSoTheDefaultDiscoverySeesAnEvenWiderDelta() {
        // with the RFC 5780 filtering tests the second server is asked after the 400 ms filtering wait
        NatProfile p = profileWithNeighbour(5, 100, true, Neighbour.Arrivals.REGULAR);
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, p.type(), p.toString());
        assertTrue(p.delta() > 30, "delta " + p.delta());
    }

    @Test
    void theNeighbourConsumesOnePortPerFlow() {
        Scenario scenario = Scenario.builder().seed(4)
                .nat(Scenario.Side.A, NatPreset.SYMMETRIC_SEQUENTIAL).nat(Scenario.Side.B, NatPreset.OPEN)
                .neighbours(Scenario.Side.A, 1000).arrivals(Neighbour.Arrivals.REGULAR).build();
        scenario.network().runFor(2_000 * MS);
        Neighbour neighbour = scenario.site(Scenario.Side.A).neighbour().orElseThrow();
        Nat nat = scenario.site(Scenario.Side.A).routers().get(0).nat();
        assertEquals(2000, neighbour.flows());
        assertEquals(2000, nat.mappingsCreated());
        assertEquals(2000, scenario.network().counters().dropped(Drop.NO_ROUTE), "nobody answers a neighbour");
    }

    @Test
    void poissonFlowsKeepTheirMeanRate() {
        Neighbour n = new Neighbour(100, Neighbour.Arrivals.POISSON, new SplittableRandom(12), 0);
        long gaps = 0;
        long last = 0;
        long shortGaps = 0;
        for (long t = n.pollTimeout().getAsLong(); t < 100_000 * MS; t = n.pollTimeout().getAsLong()) {
            n.handleTimeout(t);
            shortGaps += t - last < 5 * MS ? 1 : 0;
            last = t;
            gaps++;
            assertTrue(n.pollTransmit().isPresent());
        }
        // 10,000 expected in 100 s (standard deviation 100); exponential gaps: 1 - e^-0.5 = 39 % under 5 ms
        assertTrue(gaps > 9_600 && gaps < 10_400, "flows " + gaps);
        double shortShare = shortGaps / (double) gaps;
        assertTrue(shortShare > 0.36 && shortShare < 0.42, "share of gaps under 5 ms " + shortShare);
        assertEquals(gaps, n.flows());
    }
}
