package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.sim.Scenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both sides claim the same role (a full agent facing one that also thinks it offered, or two answerers):
 * the tie-breakers settle it with 487 answers (RFC 8445 section 7.3.1.1) and the call still connects, with
 * one controlling side.
 */
class RoleConflictTest {

    @ParameterizedTest
    @EnumSource(PunchRole.class)
    void theTieBreakersGiveOneSideEachRole(PunchRole both) {
        Scenario scenario = Scenario.builder().seed(21).nat(Scenario.Side.A, NatPreset.PORT_RESTRICTED_CONE)
                .nat(Scenario.Side.B, NatPreset.PORT_RESTRICTED_CONE).oneWayDelay(Duration.ofMillis(20)).build();
        Scenario.Discovery discovery = scenario.discover();
        Scenario.Result<PunchSession> result = scenario.punch(peer -> {
            PunchSession session = new PunchSession(PunchConfig.defaults(), both,
                    discovery.endpoint(peer.side()), discovery.endpoint(peer.side().other()),
                    new SplittableRandom(peer.side().ordinal() + 7));
            session.confirm(peer.nowNanos());
            session.start(peer.nowNanos(), List.of());
            return session;
        }, s -> s.settledPath().isPresent(), Duration.ofSeconds(5));
        assertTrue(result.completed(), "both settled: " + result);
        assertNotEquals(result.a().role(), result.b().role(), "one side changed its role");
    }
}
