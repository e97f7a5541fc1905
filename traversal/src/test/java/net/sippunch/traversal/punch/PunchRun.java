package net.sippunch.traversal.punch;

import java.time.Duration;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.sim.Scenario;
import net.sippunch.traversal.sim.SimulatedMediaPort;

/** One punch between two simulated sites: the scenario, both sessions, and what came of it. */
record PunchRun(NatPreset a, NatPreset b, boolean direct, boolean bothEnded, long elapsedNanos, long rttNanos,
                long probesA, long probesB, Strategy strategyA, Strategy strategyB, String reason) {

    /** Settings of a run beyond the NAT pair. */
    record Conditions(long seed, Duration oneWayDelay, double neighbourFlowsPerSecond, double loss) {
        static Conditions plain(long seed) {
            return new Conditions(seed, Duration.ofMillis(20), 0, 0);
        }
    }

    static PunchRun run(NatPreset a, NatPreset b, Conditions conditions, PunchConfig config) {
        return run(a, b, conditions, config, false);
    }

    /** A run whose sides discover warm ({@link Scenario.Builder#warmDiscovery()}) when {@code warm}. */
    static PunchRun run(NatPreset a, NatPreset b, Conditions conditions, PunchConfig config, boolean warm) {
        Scenario.Builder builder = Scenario.builder()
                .seed(conditions.seed())
                .nat(Scenario.Side.A, a)
                .nat(Scenario.Side.B, b)
                .oneWayDelay(conditions.oneWayDelay())
                .loss(conditions.loss());
        if (conditions.neighbourFlowsPerSecond() > 0) {
            builder.neighbours(conditions.neighbourFlowsPerSecond());
        }
        if (warm) {
            builder.warmDiscovery();
        }
        Scenario scenario = builder.punchConfig(config).build();
        Scenario.Result<SimulatedMediaPort> r = scenario.punch(Duration.ofNanos(config.giveUpNanos() + 2_000_000_000L));
        CallTraversal sa = r.a() == null ? null : r.a().traversal();
        CallTraversal sb = r.b().traversal();
        boolean direct = sa != null && sa.punchOutcome().orElse(null) instanceof PunchEvent.Settled ea
                && sb.punchOutcome().orElse(null) instanceof PunchEvent.Settled eb
                && ea.path().localPort() > 0 && eb.path().localPort() > 0;
        String reason = direct ? "" : describe(sa) + " / " + describe(sb);
        return new PunchRun(a, b, direct, r.completed(), r.elapsedNanos(), scenario.rttNanos(),
                sa == null ? 0 : sa.punchStats().probesSent(), sb.punchStats().probesSent(),
                strategy(sa), strategy(sb), reason);
    }

    private static Strategy strategy(CallTraversal s) {
        return s == null ? null : s.plan().map(PunchPlan::strategy).orElse(null);
    }

    private static String describe(CallTraversal s) {
        if (s == null) {
            return "not started";
        }
        return s.punchOutcome().map(e -> e instanceof PunchEvent.GaveUp g ? g.reason() : "settled")
                .orElse("unfinished");
    }

    /** Round trips from the caller's start (the answer arriving) until both sides were done. */
    double rtts() {
        return (elapsedNanos - rttNanos / 2.0) / rttNanos;
    }
}
