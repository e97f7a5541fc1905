package net.sippunch.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.netty.BindingLoadGenerator;
import net.sippunch.traversal.netty.NettyTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sip-agent stun-load}: open-loop STUN Binding load against any STUN server, for benchmarks. */
@Command(name = "stun-load",
        mixinStandardHelpOptions = true,
        description = {
                "Sends STUN Binding requests at each given rate for a fixed time and reports answers, loss and "
                        + "latency; with several rates, also the highest rate that lost no answer.",
                "Only for servers you run: it is a load generator."})
final class StunLoadCommand implements Callable<Integer> {

    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", converter = HostPort.class,
            description = "the STUN server under load")
    InetSocketAddress server;

    @Option(names = "--rates", required = true, split = ",", paramLabel = "R1,R2,...",
            description = "requests per second, one step each, in the order given")
    List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "duration of each step (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--sockets", defaultValue = "4", paramLabel = "N",
            description = "client sockets the requests are spread over (default: ${DEFAULT-VALUE})")
    int sockets;

    @Option(names = "--drain-ms", defaultValue = "500", paramLabel = "MS",
            description = "wait for late answers after each step (default: ${DEFAULT-VALUE})")
    long drainMs;

    @Option(names = "--warmup-seconds", defaultValue = "2", paramLabel = "S",
            description = "an unreported first step at the first rate, so the server's JIT is warm "
                    + "(default: ${DEFAULT-VALUE}; 0 for none)")
    double warmupSeconds;

    @Option(names = "--stop-on-loss", description = "stop at the first step that lost answers")
    boolean stopOnLoss;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try {
            return measure();
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.println("stun-load: a step did not finish in its time (the machine is too busy to keep the"
                    + " offered rate); nothing measured");
            return 1;
        }
    }

    private Integer measure() throws Exception {
        if (seconds <= 0 || seconds > 600 || warmupSeconds < 0 || warmupSeconds > 600 || sockets < 1 || sockets > 64
                || rates.stream().anyMatch(r -> r < 1 || r > 2_000_000)) {
            System.err.println("stun-load: need 0 < seconds <= 600, 1..64 sockets, rates 1..2000000");
            return 2;
        }
        double longest = Math.max(seconds, warmupSeconds);
        if (rates.stream().anyMatch(r -> r * longest > BindingLoadGenerator.MAX_REQUESTS_PER_STEP)) {
            System.err.println("stun-load: a step may send at most " + BindingLoadGenerator.MAX_REQUESTS_PER_STEP
                    + " requests (rate times seconds)");
            return 2;
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        int bestLossless = 0;
        EventLoopGroup group = NettyTransport.newGroup(1, "stun-load");
        try {
            if (warmupSeconds > 0) {
                BindingLoadGenerator.run(group, server, rates.get(0), warmupSeconds, sockets, drainMs)
                        .get((long) (warmupSeconds * 1000) + drainMs + 30_000, TimeUnit.MILLISECONDS);
            }
            for (int rate : rates) {
                BindingLoadGenerator.Result r = BindingLoadGenerator.run(group, server, rate, seconds, sockets, drainMs)
                        .get((long) (seconds * 1000) + drainMs + 30_000, TimeUnit.MILLISECONDS);
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("offeredRate", rate);
                step.put("sent", r.sent());
                step.put("answered", r.answered());
                step.put("lost", r.lost());
                step.put("achievedSendRate", Math.round(r.achievedSendRate()));
                step.put("p50Micros", r.p50Micros());
                step.put("p99Micros", r.p99Micros());
                step.put("maxMicros", r.maxMicros());
                step.put("generatorBusy", Math.round(r.generatorBusy() * 100) / 100.0);
                steps.add(step);
                if (!json) {
                    System.out.printf("rate %8d/s  sent %8d (%8.0f/s)  answered %8d  lost %7d  p50 %6d us  p99 %7d us"
                                    + "  generator busy %3.0f %%%n",
                            rate, r.sent(), r.achievedSendRate(), r.answered(), r.lost(), r.p50Micros(),
                            r.p99Micros(), 100 * r.generatorBusy());
                }
                if (r.lossless()) {
                    bestLossless = Math.max(bestLossless, rate);
                } else if (stopOnLoss) {
                    break;
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("server", HostPort.format(server));
            out.put("highestLosslessRate", bestLossless);
            out.put("steps", steps);
            System.out.println(new ObjectMapper().writeValueAsString(out));
        } else {
            System.out.println("highest lossless rate: " + bestLossless + "/s");
        }
        return 0;
    }
}
