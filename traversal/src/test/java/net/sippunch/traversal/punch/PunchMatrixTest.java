package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every NAT pair on the simulator, 20 ms one way, no neighbour traffic: a direct path wherever one can exist,
 * a named reason where it cannot, and the virtual time each takes, measured from the caller's start.
 */
class PunchMatrixTest {

    private static final Set<NatPreset> SEQUENTIAL =
            EnumSet.of(NatPreset.SYMMETRIC_SEQUENTIAL, NatPreset.SYMMETRIC_SECOND_PRIORITY);

    static Stream<Arguments> pairs() {
        return Stream.of(NatPreset.values())
                .flatMap(a -> Stream.of(NatPreset.values()).map(b -> Arguments.of(a, b)));
    }

    /** Infeasible: a random-allocation NAT against a sequential or random one (both filter by port). */
    private static boolean feasible(NatPreset a, NatPreset b) {
        boolean aRandom = a == NatPreset.SYMMETRIC_RANDOM;
        boolean bRandom = b == NatPreset.SYMMETRIC_RANDOM;
        return !((aRandom && (bRandom || SEQUENTIAL.contains(b))) || (bRandom && SEQUENTIAL.contains(a)));
    }

    /** Port-restricted cone against random allocation needs the birthday schedule. */
    private static boolean birthday(NatPreset a, NatPreset b) {
        return (a == NatPreset.PORT_RESTRICTED_CONE && b == NatPreset.SYMMETRIC_RANDOM)
                || (b == NatPreset.PORT_RESTRICTED_CONE && a == NatPreset.SYMMETRIC_RANDOM);
    }

    private static boolean cone(NatPreset p) {
        return EnumSet.of(NatPreset.OPEN, NatPreset.FULL_CONE, NatPreset.RESTRICTED_CONE, NatPreset.PORT_RESTRICTED_CONE)
                .contains(p);
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("pairs")
    void outcomeAndTime(NatPreset a, NatPreset b) {
        PunchRun run = PunchRun.run(a, b, PunchRun.Conditions.plain(42), PunchConfig.defaults());
        assertTrue(run.bothEnded(), "both sides end: " + run);
        if (!feasible(a, b)) {
            assertTrue(!run.direct() && run.reason().startsWith("infeasible:"), "named give-up: " + run);
            assertEquals(Strategy.INFEASIBLE, run.strategyA());
            assertTrue(run.rtts() <= 6, "an infeasible pair gives up quickly: " + run.rtts() + " RTT");
            return;
        }
        assertTrue(run.direct(), "direct path: " + run);
        if (birthday(a, b)) {
            assertTrue(Set.of(Strategy.BIRTHDAY_SPRAY, Strategy.BIRTHDAY_SOCKETS).contains(run.strategyA()), run::toString);
            assertTrue(run.elapsedNanos() < 20_000_000_000L, "birthday within 20 s: " + run);
        } else if (cone(a) && cone(b)) {
            assertTrue(run.rtts() <= 1.5 + 1e-9, "cone pair settled within 1.5 RTT of the answer: " + run);
        } else {
            assertTrue(run.rtts() <= 3 + 1e-9, "symmetric pair settled within 3 RTT of the answer: " + run);
        }
    }
}
