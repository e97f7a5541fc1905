package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The strategy table: the two sides' plans must fit together. */
class PunchPlanTest {

    private static PunchEndpoint endpoint(NatType type, FilteringBehavior filtering, Optional<InetSocketAddress> upnp) {
        MappingBehavior mapping = type.endpointIndependentMapping() ? MappingBehavior.ENDPOINT_INDEPENDENT
                : MappingBehavior.ADDRESS_AND_PORT_DEPENDENT;
        NatProfile profile = new NatProfile(new InetSocketAddress("10.0.0.2", 5004),
                List.of(new MappedTuple(new InetSocketAddress("198.18.0.21", 3478),
                        new InetSocketAddress("198.18.1.1", 40000), 0)),
                mapping, filtering, PortAllocation.UNKNOWN, type);
        return new PunchEndpoint(IceCredentials.random(new SplittableRandom(1)), profile, upnp);
    }

    @ParameterizedTest(name = "{0} x {1}: {2} / {3}")
    @CsvSource({
        "PORT_RESTRICTED_CONE, PORT_RESTRICTED_CONE, DIRECT, DIRECT",
        "FULL_CONE, SYMMETRIC_RANDOM, DIRECT, DIRECT",
        "RESTRICTED_CONE, SYMMETRIC_SEQUENTIAL, DIRECT, DIRECT",
        "PORT_RESTRICTED_CONE, SYMMETRIC_SEQUENTIAL, SWEEP, HOLD",
        "SYMMETRIC_SECOND_PRIORITY, PORT_RESTRICTED_CONE, HOLD, SWEEP",
        "SYMMETRIC_SEQUENTIAL, SYMMETRIC_SEQUENTIAL, CROSSING, CROSSING",
        "PORT_RESTRICTED_CONE, SYMMETRIC_RANDOM, BIRTHDAY_SPRAY, BIRTHDAY_SOCKETS",
        "CONE_FILTERING_UNKNOWN, SYMMETRIC_RANDOM, BIRTHDAY_SPRAY, BIRTHDAY_SOCKETS",
        "SYMMETRIC_SEQUENTIAL, SYMMETRIC_RANDOM, INFEASIBLE, INFEASIBLE",
        "SYMMETRIC_RANDOM, SYMMETRIC_RANDOM, INFEASIBLE, INFEASIBLE",
    })
    void plansFitTogether(NatType caller, NatType callee, Strategy callerStrategy, Strategy calleeStrategy) {
        FilteringBehavior f = FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT;
        PunchEndpoint a = endpoint(caller, caller == NatType.CONE_FILTERING_UNKNOWN ? FilteringBehavior.UNKNOWN : f,
                Optional.empty());
        PunchEndpoint b = endpoint(callee, f, Optional.empty());
        PunchConfig config = PunchConfig.defaults();
        PunchPlan mine = PunchPlan.decide(a, b, PunchRole.CONTROLLING, config);
        PunchPlan theirs = PunchPlan.decide(b, a, PunchRole.CONTROLLED, config);
        assertEquals(callerStrategy, mine.strategy(), mine.explanation());
        assertEquals(calleeStrategy, theirs.strategy(), theirs.explanation());
        if (mine.strategy() == Strategy.CROSSING) {
            assertEquals(1, mine.stride());
            assertEquals(2, theirs.stride(), "strides 1 and 2: the two diagonals always cross");
        }
        assertEquals(theirs.strategy() == Strategy.BIRTHDAY_SOCKETS ? config.birthdaySockets() : 0,
                theirs.extraSockets(config));
    }

    @Test
    void aUpnpMappingMakesEvenRandomAgainstRandomDirect() {
        PunchEndpoint a = endpoint(NatType.SYMMETRIC_RANDOM, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                Optional.of(new InetSocketAddress("198.18.1.1", 5004)));
        PunchEndpoint b = endpoint(NatType.SYMMETRIC_RANDOM, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                Optional.empty());
        assertEquals(Strategy.DIRECT, PunchPlan.decide(b, a, PunchRole.CONTROLLED, PunchConfig.defaults()).strategy());
    }

    @Test
    void theBaselineIsTheMethodForEveryPair() {
        PunchEndpoint a = endpoint(NatType.SYMMETRIC_RANDOM, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                Optional.empty());
        PunchPlan plan = PunchPlan.decide(a, a, PunchRole.CONTROLLING,
                PunchConfig.defaults().withSchedule(PunchConfig.Schedule.METHOD));
        assertEquals(Strategy.METHOD_WINDOW, plan.strategy());
        assertTrue(plan.explanation().contains("-16..+32"));
    }
}
