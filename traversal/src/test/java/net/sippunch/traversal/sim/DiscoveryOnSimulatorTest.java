package net.sippunch.traversal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.punch.PortPredictor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The project's unchanged {@code DiscoveryClient} behind every simulator preset, cold and warm (with the
 * knowledge of an earlier full run), against the project's
 * {@code BindingResponder} as an RFC 5780 server: the classification must be what the preset is built to be.
 */
class DiscoveryOnSimulatorTest {

    @ParameterizedTest(name = "{0} delta {1}, {2} ms -> {3}")
    @CsvSource({
            // preset,                delta, one-way ms, mapping,                    filtering,                  allocation,      delta
            "OPEN,                      1,  0, NO_NAT,                     ENDPOINT_INDEPENDENT,       PRESERVING,      0",
            "FULL_CONE,                 1,  0, ENDPOINT_INDEPENDENT,       ENDPOINT_INDEPENDENT,       PRESERVING,      0",
            "RESTRICTED_CONE,           1,  0, ENDPOINT_INDEPENDENT,       ADDRESS_DEPENDENT,          PRESERVING,      0",
            "PORT_RESTRICTED_CONE,      1,  0, ENDPOINT_INDEPENDENT,       ADDRESS_AND_PORT_DEPENDENT, PRESERVING,      0",
            "SYMMETRIC_SEQUENTIAL,      1,  0, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT, SEQUENTIAL,      1",
            "SYMMETRIC_SEQUENTIAL,      3,  0, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT, SEQUENTIAL,      3",
            "SYMMETRIC_SEQUENTIAL,     -2,  0, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT, SEQUENTIAL,     -2",
            "SYMMETRIC_SECOND_PRIORITY, 1,  0, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT, SECOND_PRIORITY, -1",
            "SYMMETRIC_RANDOM,          1,  0, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT, RANDOM,         -1",
            "OPEN,                      1, 50, NO_NAT,                     ENDPOINT_INDEPENDENT,       PRESERVING,      0",
            "PORT_RESTRICTED_CONE,      1, 50, ENDPOINT_INDEPENDENT,       ADDRESS_AND_PORT_DEPENDENT, PRESERVING,      0",
            "SYMMETRIC_SEQUENTIAL,      2, 50, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT, SEQUENTIAL,      2",
            "SYMMETRIC_RANDOM,          1, 50, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT, RANDOM,         -1",
    })
    void classifiesEveryPreset(NatPreset preset, int delta, int oneWayMs, MappingBehavior mapping,
                               FilteringBehavior filtering, PortAllocation allocation, int expectedDelta) {
        Scenario scenario = Scenario.builder().seed(11)
                .nat(Scenario.Side.A, preset, delta).nat(Scenario.Side.B, preset, delta)
                .oneWayDelay(Duration.ofMillis(oneWayMs)).build();
        Scenario.Discovery d = scenario.discover();
        for (NatProfile p : List.of(d.profileA(), d.profileB())) {
            assertEquals(preset.expectedType(), p.type(), p.toString());
            assertEquals(mapping, p.mapping(), p.toString());
            assertEquals(filtering, p.filtering(), p.toString());
            assertEquals(allocation, p.allocation(), p.toString());
            assertEquals(4, p.samples().size(), "both IPs and both ports of the RFC 5780 server: " + p);
            if (expectedDelta != -1) {
                assertEquals(expectedDelta, p.delta(), p.toString());
                for (int step : p.deltas()) {
                    assertEquals(expectedDelta, step, p.toString());
                }
            }
        }
        if (preset != NatPreset.OPEN) {
            assertNotEquals(d.profileA().firstMapping().orElseThrow().mapped().getAddress(),
                    d.profileA().privateTuple().getAddress(), "mapped to the NAT's public address");
        }
        DiscoveryServer server = scenario.discoveryServers().get(0);
        assertTrue(server.stats().answered() >= 8, server.stats().toString());
    }

    @ParameterizedTest(name = "warm: {0} delta {1}, {2} ms")
    @CsvSource({
            "OPEN,                      1,  0",
            "FULL_CONE,                 1,  0",
            "RESTRICTED_CONE,           1,  0",
            "PORT_RESTRICTED_CONE,      1,  0",
            "SYMMETRIC_SEQUENTIAL,      1,  0",
            "SYMMETRIC_SEQUENTIAL,      3,  0",
            "SYMMETRIC_SEQUENTIAL,     -2,  0",
            "SYMMETRIC_SECOND_PRIORITY, 1,  0",
            "SYMMETRIC_RANDOM,          1,  0",
            "OPEN,                      1, 50",
            "FULL_CONE,                 1, 50",
            "RESTRICTED_CONE,           1, 50",
            "PORT_RESTRICTED_CONE,      1, 50",
            "SYMMETRIC_SEQUENTIAL,      2, 50",
            "SYMMETRIC_SECOND_PRIORITY, 3, 50",
            "SYMMETRIC_RANDOM,          1, 50",
    })
    void warmDiscoveryClassifiesEveryPresetAsTheColdOneInOneRoundTrip(NatPreset preset, int delta, int oneWayMs) {
        Scenario.Discovery cold = Scenario.builder().seed(11)
                .nat(Scenario.Side.A, preset, delta).nat(Scenario.Side.B, preset, delta)
                .oneWayDelay(Duration.ofMillis(oneWayMs)).build().discover();
        Scenario warmScenario = Scenario.builder().seed(11).warmDiscovery()
                .nat(Scenario.Side.A, preset, delta).nat(Scenario.Side.B, preset, delta)
                .oneWayDelay(Duration.ofMillis(oneWayMs)).build();
        Scenario.Discovery warm = warmScenario.discover();
        for (Scenario.Side side : Scenario.Side.values()) {
            NatProfile c = cold.endpoint(side).profile();
            NatProfile w = warm.endpoint(side).profile();
            assertEquals(preset.expectedType(), w.type(), w.toString());
            assertEquals(c.type(), w.type(), w.toString());
            assertEquals(c.mapping(), w.mapping(), w.toString());
            assertEquals(c.filtering(), w.filtering(), w.toString());
            assertEquals(c.allocation(), w.allocation(), w.toString());
            assertEquals(c.samples().size(), w.samples().size(), w.toString());
            if (preset != NatPreset.SYMMETRIC_RANDOM) {
                // a second-priority NAT's first step jumps from the preserved port to its sequence, which the
                // warm-up run moved on: the steps of the sequence are what must agree
                int from = preset == NatPreset.SYMMETRIC_SECOND_PRIORITY ? 1 : 0;
                assertEquals(c.deltas().subList(from, c.deltas().size()), w.deltas().subList(from, w.deltas().size()),
                        w.toString());
                assertEquals(PortPredictor.of(c).stride(), PortPredictor.of(w).stride(), w.toString());
            }
            assertEquals(2L * oneWayMs * 1_000_000L,
                    ((TraversalEvent.Discovered) warm.outcome(side)).elapsedNanos(), "one round trip to the servers");
            assertEquals(c.filtering(), warmScenario.knowledge(side).orElseThrow().filtering());
        }
    }

    @ParameterizedTest(name = "{0} with two plain servers -> {1}")
    @CsvSource({
            "OPEN,                 OPEN",
            "FULL_CONE,            CONE_FILTERING_UNKNOWN",
            "PORT_RESTRICTED_CONE, CONE_FILTERING_UNKNOWN",
            "SYMMETRIC_SEQUENTIAL, SYMMETRIC_SEQUENTIAL",
            "SYMMETRIC_RANDOM,     SYMMETRIC_RANDOM",
    })
    void twoPlainServersCannotMeasureFiltering(NatPreset preset, NatType expected) {
        Scenario scenario = Scenario.builder().seed(8).plainServers()
                .nat(Scenario.Side.A, preset).nat(Scenario.Side.B, NatPreset.OPEN).build();
        NatProfile p = scenario.discover().profileA();
        assertEquals(expected, p.type(), p.toString());
        assertEquals(FilteringBehavior.UNKNOWN, p.filtering());
        assertEquals(2, p.samples().size());
        assertEquals(2, scenario.discoveryServers().size());
    }

    @ParameterizedTest(name = "{0} behind {1}")
    @CsvSource({
            "FULL_CONE,            PORT_RESTRICTED_CONE, PORT_RESTRICTED_CONE",
            "PORT_RESTRICTED_CONE, FULL_CONE,            PORT_RESTRICTED_CONE",
            "FULL_CONE,            SYMMETRIC_SEQUENTIAL, SYMMETRIC_SEQUENTIAL",
            "SYMMETRIC_RANDOM,     FULL_CONE,            SYMMETRIC_RANDOM",
    })
    void doubleNatLooksLikeItsHardestLayer(NatPreset inner, NatPreset outer, NatType expected) {
        Scenario scenario = Scenario.builder().seed(3)
                .nat(Scenario.Side.A, outer.behavior().orElseThrow(), inner.behavior().orElseThrow())
                .nat(Scenario.Side.B, NatPreset.OPEN).build();
        NatProfile p = scenario.discover().profileA();
        assertEquals(expected, p.type(), p.toString());
        assertEquals(2, scenario.site(Scenario.Side.A).routers().size());
    }
}
