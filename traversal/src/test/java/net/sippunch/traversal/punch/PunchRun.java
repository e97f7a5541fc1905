package net.sippunch.traversal.punch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.sim.NatPreset;
import net.sippunch.traversal.sim.Scenario;

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
        Scenario.Builder builder = Scenario.builder()
                .seed(conditions.seed())
                .nat(Scenario.Side.A, a)
                .nat(Scenario.Side.B, b)
                .oneWayDelay(conditions.oneWayDelay())
                .loss(conditions.loss());
        if (conditions.neighbourFlowsPerSecond() > 0) {
            builder.neighbours(conditions.neighbourFlowsPerSecond());
        }
        Scenario scenario = builder.build();
        Scenario.Result<PunchSession> r = scenario.punch(peer -> {
            PunchEndpoint own = new PunchEndpoint(peer.localCredentials(), peer.localProfile(), Optional.empty());
            PunchEndpoint remote = new PunchEndpoint(peer.remoteCredentials(), peer.remoteProfile(), Optional.empty());
            PunchSession session = new PunchSession(config, peer.caller() ? PunchRole.CONTROLLING : PunchRole.CONTROLLED,
                    own, remote, peer.random());
            List<Integer> extra = new ArrayList<>();
            for (int i = 1; i <= session.plan().extraSockets(config); i++) {
                extra.add(peer.localPort() + i);
            }
            session.start(peer.nowNanos(), extra);
            return session;
        }, PunchSession::finished, Duration.ofNanos(config.giveUpNanos() + 2_000_000_000L));
        PunchSession sa = r.a();
        PunchSession sb = r.b();
        boolean direct = sa != null && sb != null && sa.outcome().orElse(null) instanceof PunchEvent.Settled ea
                && sb.outcome().orElse(null) instanceof PunchEvent.Settled eb
                && ea.path().localPort() > 0 && eb.path().localPort() > 0;
        String reason = direct ? "" : describe(sa) + " / " + describe(sb);
        return new PunchRun(a, b, direct, r.completed(), r.elapsedNanos(), scenario.rttNanos(),
                sa == null ? 0 : sa.stats().probesSent(), sb == null ? 0 : sb.stats().probesSent(),
                sa == null ? null : sa.plan().strategy(), sb == null ? null : sb.plan().strategy(), reason);
    }

    private static String describe(PunchSession s) {
        if (s == null) {
            return "not started";
        }
        return s.outcome().map(e -> e instanceof PunchEvent.GaveUp g ? g.reason() : "settled").orElse("unfinished");
    }

    /** Round trips from the caller's start (the answer arriving) until both sides were done. */
    double rtts() {
        return (elapsedNanos - rttNanos / 2.0) / rttNanos;
    }
}
