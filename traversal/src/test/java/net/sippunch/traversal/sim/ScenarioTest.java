package net.sippunch.traversal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The two-site harness with a naive reflexive probe: the pairs that open without prediction, and timing. */
class ScenarioTest {

    private static final long MS = 1_000_000L;

    private static Scenario.Result<ReflexiveProbe> run(Scenario scenario, Duration deadline) {
        return scenario.punch(peer -> new ReflexiveProbe(peer, 20 * MS), ReflexiveProbe::done, deadline);
    }

    @ParameterizedTest(name = "{0} <-> {1}: opens {2}")
    @CsvSource({
            "OPEN,                 OPEN,                 true",
            "FULL_CONE,            PORT_RESTRICTED_CONE, true",
            "RESTRICTED_CONE,      PORT_RESTRICTED_CONE, true",
            "PORT_RESTRICTED_CONE, PORT_RESTRICTED_CONE, true",
            // the symmetric side's mapping towards the server refuses everyone else
            "FULL_CONE,            SYMMETRIC_RANDOM,     false",
            "RESTRICTED_CONE,      SYMMETRIC_SEQUENTIAL, false",
            "PORT_RESTRICTED_CONE, SYMMETRIC_SEQUENTIAL, false",
            "SYMMETRIC_SEQUENTIAL, SYMMETRIC_SEQUENTIAL, false",
            "SYMMETRIC_RANDOM,     SYMMETRIC_RANDOM,     false",
    })
    void naiveProbingOpensOnlyWhatFilteringAllows(NatPreset a, NatPreset b, boolean opens) {
        Scenario scenario = Scenario.builder().seed(5).nat(Scenario.Side.A, a).nat(Scenario.Side.B, b)
                .oneWayDelay(Duration.ofMillis(20)).build();
        Scenario.Result<ReflexiveProbe> r = run(scenario, Duration.ofSeconds(2));
        assertEquals(opens, r.completed(), r.toString());
        assertNotNull(r.a());
        if (opens) {
            assertTrue(r.elapsedNanos() < 2_000 * MS);
            assertTrue(r.receivedA() > 0 && r.receivedB() > 0, r.toString());
        } else {
            assertEquals(2_000 * MS, r.elapsedNanos(), "ran to the deadline");
            assertTrue(r.network().dropped(Drop.FILTERED) > 0, r.network().toString());
        }
    }

    @Test
    void theAnswerGoesFirstAndTimeIsCountedFromIt() {
        // B starts at 0, A 30 ms later (signalling delay); 20 ms one way. B's probe of 0 ms reaches A's NAT at
        // 20 ms, before A has sent anything: filtered. B's probe of 20 ms arrives at 40 ms and passes (A sent at
        // 30 ms); A's probe of 30 ms reaches B at 50 ms, B's NAT has a mapping towards A since 0 ms.
        Scenario scenario = Scenario.builder().seed(1).nat(Scenario.Side.A, NatPreset.PORT_RESTRICTED_CONE)
                .nat(Scenario.Side.B, NatPreset.PORT_RESTRICTED_CONE).oneWayDelay(Duration.ofMillis(20))
                .signallingDelay(Duration.ofMillis(30)).build();
        Scenario.Result<ReflexiveProbe> r = run(scenario, Duration.ofSeconds(2));
        assertTrue(r.completed());
        assertEquals(40 * MS, r.doneA().orElseThrow());
        assertEquals(50 * MS, r.doneB().orElseThrow());
        assertEquals(50 * MS, r.elapsedNanos());
        assertEquals(40 * MS, scenario.rttNanos());
        assertEquals(1, r.network().dropped(Drop.FILTERED), r.network().toString());
    }

    @Test
    void discoveryThenPunchOnTheSamePort() {
        Scenario scenario = Scenario.builder().seed(2).nat(Scenario.Side.A, NatPreset.FULL_CONE)
                .nat(Scenario.Side.B, NatPreset.OPEN).build();
        Scenario.Discovery d = scenario.discover();
        assertEquals(5004, d.profileA().firstMapping().orElseThrow().port(), "port preserved");
        Scenario.Result<ReflexiveProbe> r = run(scenario, Duration.ofSeconds(1));
        assertTrue(r.completed());
        assertEquals(d.profileA().firstMapping().orElseThrow().mapped(), r.b().heardFrom().orElseThrow());
        assertFalse(scenario.site(Scenario.Side.A).host().owner(5004).isEmpty(), "the punch session owns 5004");
    }

    @Test
    void wanLinksAddToTheRoundTrip() {
        Scenario scenario = Scenario.builder().seed(6).nat(Scenario.Side.A, NatPreset.FULL_CONE)
                .nat(Scenario.Side.B, NatPreset.OPEN).oneWayDelay(Duration.ofMillis(10))
                .wanLink(Scenario.Side.A, LinkModel.delay(Duration.ofMillis(5)))
                .wanLink(Scenario.Side.B, LinkModel.delay(Duration.ofMillis(7))).build();
        assertEquals(2 * (10 + 5 + 7) * MS, scenario.rttNanos());
        Scenario.Discovery d = scenario.discover();
        long firstAnswer = d.profileA().firstMapping().orElseThrow().atNanos();
        assertEquals(2 * (10 + 5) * MS, firstAnswer, "A to a server and back: core and A's link, twice");
    }

    @Test
    void aFailedDiscoveryIsReportedWithItsReason() {
        Scenario scenario = Scenario.builder().seed(6).nat(Scenario.Side.A, NatPreset.FULL_CONE)
                .nat(Scenario.Side.B, NatPreset.FULL_CONE).loss(1.0).build();
        Scenario.Discovery d = scenario.discover();
        assertTrue(d.a() instanceof TraversalEvent.DiscoveryFailed, d.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                d::profileA);
        assertTrue(e.getMessage().contains("side A") && e.getMessage().contains("198.18.0.21"), e.getMessage());
        assertEquals(0, scenario.network().counters().delivered());
        assertTrue(scenario.network().counters().dropped(Drop.LOST) > 0);
    }

    @Test
    void bothSitesMayUseTheSamePrivateAddress() {
        Scenario scenario = Scenario.builder().seed(6).samePrivateAddresses()
                .nat(Scenario.Side.A, NatPreset.PORT_RESTRICTED_CONE)
                .nat(Scenario.Side.B, NatPreset.FULL_CONE).build();
        Scenario.Discovery d = scenario.discover();
        assertEquals(d.profileA().privateTuple(), d.profileB().privateTuple());
        Scenario.Result<ReflexiveProbe> r = run(scenario, Duration.ofSeconds(1));
        assertTrue(r.completed());
        assertEquals(d.profileB().firstMapping().orElseThrow().mapped(), r.a().heardFrom().orElseThrow());
    }
}
