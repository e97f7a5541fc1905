package net.sippunch.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;
import net.sippunch.traversal.discovery.DiscoveryServerStats;

/**
 * The discovery server's counters as meters, read from its {@link DiscoveryServerStats} at each scrape:
 * {@code sippunch_discovery_received_total}, {@code sippunch_discovery_answers_total{kind="success"|"error"}}
 * and {@code sippunch_discovery_dropped_total{reason="malformed"|"oversized"|"not-binding-request"}}.
 */
public final class DiscoveryMetrics {

    private DiscoveryMetrics() {
    }

    public static void bind(MeterRegistry registry, DiscoveryServerStats stats) {
        counter(registry, stats, "sippunch.discovery.received", "datagrams received", null, null,
                DiscoveryServerStats::received);
        counter(registry, stats, "sippunch.discovery.answers", "answers sent", "kind", "success",
                DiscoveryServerStats::answered);
        counter(registry, stats, "sippunch.discovery.answers", "answers sent", "kind", "error",
                DiscoveryServerStats::errors);
        counter(registry, stats, "sippunch.discovery.dropped", "datagrams dropped unanswered", "reason", "malformed",
                DiscoveryServerStats::malformed);
        counter(registry, stats, "sippunch.discovery.dropped", "datagrams dropped unanswered", "reason", "oversized",
                DiscoveryServerStats::oversized);
        counter(registry, stats, "sippunch.discovery.dropped", "datagrams dropped unanswered", "reason",
                "not-binding-request", DiscoveryServerStats::notBindingRequest);
    }

    private static void counter(MeterRegistry registry, DiscoveryServerStats stats, String name, String description,
                                String tag, String value, ToDoubleFunction<DiscoveryServerStats> count) {
        FunctionCounter.Builder<DiscoveryServerStats> b = FunctionCounter.builder(name, stats, count)
                .description(description);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }
}
