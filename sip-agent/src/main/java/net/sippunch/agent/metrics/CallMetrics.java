package net.sippunch.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.media.TraversalSummary;

/**
 * The agent's meters, fed with each ended call's report (register {@link #record} with
 * {@code UserAgent.onCallEnded}):
 * <ul>
 *   <li>{@code sippunch_calls_total{outcome, role}}: ended calls by outcome (completed, refused, rejected,
 *       cancelled, failed) and role (caller, callee);</li>
 *   <li>{@code sippunch_punch_total{strategy, result}}: NAT traversal calls by the punch's strategy and whether
 *       a path settled ({@code settled}) or the punch gave up ({@code gave-up});</li>
 *   <li>{@code sippunch_two_way_media_seconds}: a histogram of the time from the 200 OK to the first two-way
 *       media ({@code firstTwoWayMediaMillis} of the report), by role;</li>
 *   <li>{@code sippunch_calls_active}: calls in progress.</li>
 * </ul>
 */
public final class CallMetrics {

    /** The outcomes a report has; their counters exist from the start, at 0. */
    private static final List<String> OUTCOMES = List.of("completed", "refused", "rejected", "cancelled", "failed");
    private static final List<String> ROLES = List.of("caller", "callee");
    private static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;

    /**
     * @param activeCalls calls in progress, read at each scrape
     */
    public CallMetrics(MeterRegistry registry, IntSupplier activeCalls) {
        this.registry = registry;
        for (String role : ROLES) {
            for (String outcome : OUTCOMES) {
                calls(outcome, role);
            }
            twoWayMedia(role);
        }
        Gauge.builder("sippunch.calls.active", activeCalls::getAsInt)
                .description("calls in progress")
                .register(registry);
    }

    /** Counts one ended call. */
    public void record(CallReport report) {
        calls(report.outcome(), report.role()).increment();
        TraversalSummary traversal = report.traversal();
        if (traversal != null && traversal.strategy() != null) {
            String result = traversal.settledMillis() != null ? "settled" : "gave-up";
            Counter.builder("sippunch.punch")
                    .description("NAT traversal calls by the punch's strategy and result")
                    .tag("strategy", strategyName(traversal.strategy()))
                    .tag("result", result)
                    .register(registry)
                    .increment();
        }
        Long twoWay = report.timings() == null ? null : report.timings().firstTwoWayMediaMillis();
        if (twoWay != null) {
            twoWayMedia(report.role()).record(Math.max(0, twoWay), TimeUnit.MILLISECONDS);
        }
    }

    private Counter calls(String outcome, String role) {
        return Counter.builder("sippunch.calls")
                .description("ended calls by outcome and role")
                .tag("outcome", outcome)
                .tag("role", role)
                .register(registry);
    }

    private Timer twoWayMedia(String role) {
        return Timer.builder("sippunch.two.way.media")
                .description("time from the 200 OK to the first two-way media")
                .tag("role", role)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** The strategy's name, before its explanation ({@code "DIRECT: one side admits ..."}): a bounded label. */
    static String strategyName(String strategy) {
        int colon = strategy.indexOf(':');
        return (colon < 0 ? strategy : strategy.substring(0, colon)).trim();
    }
}
