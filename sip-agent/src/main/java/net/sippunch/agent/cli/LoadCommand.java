package net.sippunch.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.config.AgentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sip-agent load --config FILE --calls N --rate R --duration S URI}: many calls from one agent, each held
 * {@code S} s after its answer, started {@code R} per second; prints what they got together. The agent's own
 * load generator: unlike sipp it speaks the method, ICE and SRTP, so a benchmark can run agent against agent.
 */
@Command(name = "load",
        mixinStandardHelpOptions = true,
        description = {"Places many calls with the account of a config file, R per second, each held S seconds "
                + "after its answer, and prints a summary of their reports.",
                "Exit code 0 only when every call was answered and media flowed both ways.",
                "Only toward agents you run: it is a load generator."})
final class LoadCommand implements Callable<Integer> {

    private static final int MAX_CALLS = 100_000;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent config (YAML)")
    java.nio.file.Path configFile;

    @Parameters(index = "0", paramLabel = "URI", description = "whom to call, e.g. sip:bob@example.org")
    String target;

    @Option(names = "--calls", required = true, paramLabel = "N", description = "calls to place, 1..100000")
    int calls;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "R",
            description = "calls started per second (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "10",
            description = "seconds each call lasts after its answer (default ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--register", description = "register before calling")
    boolean register;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (calls < 1 || calls > MAX_CALLS || !(rate > 0 && rate <= 10_000) || duration < 1 || duration > 86_400) {
            System.err.println("load: need 1..100000 calls, a rate of more than 0 and at most 10000 per second, "
                    + "a duration of 1..86400 s");
            return 2;
        }
        if (!target.regionMatches(true, 0, "sip:", 0, 4)) {
            System.err.println("load: not a sip: URI: " + target);
            return 2;
        }
        Optional<AgentConfig> loaded = AgentLaunch.config(configFile);
        if (loaded.isEmpty()) {
            return 2;
        }
        AgentConfig config = loaded.get();
        if (calls > config.maxCalls()) {
            System.err.println("load: " + calls + " calls, but the config allows " + config.maxCalls()
                    + " at once (policy.maxCalls, media.portMin..portMax)");
            return 2;
        }
        StopSignal stop = StopSignal.install();
        Optional<UserAgent> started = AgentLaunch.start("load", config);
        if (started.isEmpty()) {
            return 1;
        }
        try (UserAgent agent = started.get()) {
            if (register && AgentLaunch.register("load", agent, config).isEmpty()) {
                return 1;
            }
            List<Call> placed = place(agent, stop);
            List<CallReport> reports = collect(placed, config, stop);
            LoadSummary summary = LoadSummary.of(calls, reports);
            System.out.println(json ? new ObjectMapper().writeValueAsString(summary.asMap()) : summary.text());
            return summary.allCompletedBothWays() ? 0 : 1;
        }
    }

    /** Starts the calls at the rate, until all are placed or a signal stops it. */
    private List<Call> place(UserAgent agent, StopSignal stop) throws InterruptedException {
        List<Call> placed = new ArrayList<>();
        long start = System.nanoTime();
        long gapNanos = (long) (1e9 / rate);
        for (int i = 0; i < calls && !stop.received(); i++) {
            long due = start + i * gapNanos;
            long wait = due - System.nanoTime();
            if (wait > 0 && stop.await(TimeUnit.NANOSECONDS.toMillis(wait) + 1)) {
                break;
            }
            placed.add(agent.dial(target, new Call.Options(Duration.ofSeconds(duration), null, null)));
        }
        return placed;
    }

    /** Every placed call's report; calls still up after their bound (or a signal) are hung up first. */
    private List<CallReport> collect(List<Call> placed, AgentConfig config, StopSignal stop)
            throws InterruptedException {
        long bound = (config.timeouts().invite() + duration + 2L * config.timeouts().shutdown()) * 1000L;
        CompletableFuture<Void> all = CompletableFuture.allOf(placed.stream().map(Call::done)
                .toArray(CompletableFuture[]::new));
        all.whenComplete((r, e) -> stop.fire());
        stop.await(bound);
        for (Call call : placed) {
            if (!call.done().isDone()) {
                call.hangup(stop.received() && !all.isDone() ? "stopped by signal" : "call took too long");
            }
        }
        List<CallReport> reports = new ArrayList<>();
        for (Call call : placed) {
            try {
                reports.add(call.done().get(2L * config.timeouts().shutdown(), TimeUnit.SECONDS));
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                // counted as a call without a report
            }
        }
        return reports;
    }

    /** What the calls of a run got, together. */
    record LoadSummary(int offered, int reported, int completedBothWays, Map<String, Integer> outcomes,
                       Map<String, Integer> encryption, long rtpSent, long rtpReceived, long rtpLost,
                       long srtpDropped, Long medianPostDialDelayMillis) {

        static LoadSummary of(int offered, List<CallReport> reports) {
            Map<String, Integer> outcomes = new TreeMap<>();
            Map<String, Integer> encryption = new TreeMap<>();
            long sent = 0;
            long received = 0;
            long lost = 0;
            long dropped = 0;
            int both = 0;
            List<Long> pdd = new ArrayList<>();
            for (CallReport r : reports) {
                boolean ok = "completed".equals(r.outcome()) && r.mediaBothWays();
                both += ok ? 1 : 0;
                outcomes.merge(ok ? "completed, media both ways" : r.outcome() + ": " + r.reason(), 1, Integer::sum);
                encryption.merge(String.valueOf(r.encryption()), 1, Integer::sum);
                if (r.media() != null) {
                    sent += r.media().rtpSent();
                    received += r.media().rtpReceived();
                    lost += r.media().rtpLost();
                    dropped += r.media().srtpDropped().values().stream().mapToLong(Long::longValue).sum();
                }
                if (r.timings() != null && r.timings().postDialDelayMillis() != null) {
                    pdd.add(r.timings().postDialDelayMillis());
                }
            }
            pdd.sort(null);
            return new LoadSummary(offered, reports.size(), both, outcomes, encryption, sent, received, lost, dropped,
                    pdd.isEmpty() ? null : pdd.get(pdd.size() / 2));
        }

        boolean allCompletedBothWays() {
            return completedBothWays == offered;
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schemaVersion", CallReport.SCHEMA_VERSION);
            m.put("offered", offered);
            m.put("reported", reported);
            m.put("completedBothWays", completedBothWays);
            m.put("outcomes", outcomes);
            m.put("encryption", encryption);
            m.put("rtpSent", rtpSent);
            m.put("rtpReceived", rtpReceived);
            m.put("rtpLost", rtpLost);
            m.put("srtpDropped", srtpDropped);
            m.put("medianPostDialDelayMillis", medianPostDialDelayMillis);
            return m;
        }

        String text() {
            return String.format("load: %d calls offered, %d reported, %d completed with media both ways; outcomes "
                            + "%s; encryption %s; RTP sent %d, received %d, lost %d (%.2f %%), SRTP dropped %d; "
                            + "median post-dial delay %s ms", offered, reported, completedBothWays, outcomes,
                    encryption, rtpSent, rtpReceived, rtpLost, rtpSent == 0 ? 0.0 : 100.0 * rtpLost / rtpSent,
                    srtpDropped, medianPostDialDelayMillis);
        }
    }
}
