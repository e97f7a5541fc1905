package net.sippunch.traversal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.Strategy;
import org.junit.jupiter.api.Test;

/** A client's media port on the simulator: its traversal's events, in order, and the sockets it asks for. */
class SimulatedMediaPortTest {

    private static List<TraversalEvent> events(SimulatedMediaPort port) {
        List<TraversalEvent> out = new ArrayList<>();
        for (Optional<TraversalEvent> e = port.pollEvent(); e.isPresent(); e = port.pollEvent()) {
            out.add(e.get());
        }
        return out;
    }

    @Test
    void theBirthdaySocketsAreBoundOnTheClientHostAtOnce() {
        // port-restricted cone against random allocation: the random side opens birthday sockets
        Scenario scenario = Scenario.builder().seed(4).nat(Scenario.Side.A, NatPreset.PORT_RESTRICTED_CONE)
                .nat(Scenario.Side.B, NatPreset.SYMMETRIC_RANDOM).oneWayDelay(Duration.ofMillis(20)).build();
        Scenario.Result<SimulatedMediaPort> r = scenario.punch(Duration.ofSeconds(30));
        assertTrue(r.completed(), r.toString());
        SimulatedMediaPort b = r.b();
        assertEquals(Strategy.BIRTHDAY_SOCKETS, b.traversal().plan().orElseThrow().strategy());
        List<TraversalEvent> events = events(b);
        assertInstanceOf(TraversalEvent.Discovered.class, events.get(0));
        int wanted = assertInstanceOf(TraversalEvent.SocketsWanted.class, events.get(1)).count();
        assertTrue(wanted > 0);
        Host host = scenario.site(Scenario.Side.B).host();
        for (int port = scenario.localPort(); port <= scenario.localPort() + wanted; port++) {
            assertSame(b, host.owner(port).orElseThrow(), "port " + port);
        }
        assertInstanceOf(PunchEvent.Settled.class, assertInstanceOf(TraversalEvent.Punch.class, events.get(2)).event());
    }

    @Test
    void aMediaPortOwnsItsPortFromDiscoveryOn() {
        Scenario scenario = Scenario.builder().seed(2).nat(Scenario.Side.A, NatPreset.FULL_CONE)
                .nat(Scenario.Side.B, NatPreset.OPEN).build();
        Scenario.Discovery d = scenario.discover();
        SimulatedMediaPort a = scenario.site(Scenario.Side.A).mediaPort().orElseThrow();
        assertSame(a, scenario.site(Scenario.Side.A).host().owner(scenario.localPort()).orElseThrow());
        assertEquals(d.a(), a.discovery().orElseThrow());
        assertEquals(List.of(d.a()), events(a));
        assertTrue(a.traversal().plan().isEmpty(), "no plan before the peer's description");
    }
}
