package net.sippunch.agent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.metrics.CallMetrics;
import net.sippunch.agent.metrics.MetricsEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sip-agent run --config FILE}: registers, answers or refuses calls per policy, places the calls
 * the config lists, writes reports; SIGTERM ends calls, un-registers and exits 0.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Runs the agent from a config file until SIGTERM: registers, answers or refuses",
                "calls per policy, places the configured calls, writes a JSON report per call."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent config (YAML)")
    Path configFile;

    @Option(names = "--exit-after-calls", description = "exit once the configured calls are done")
    boolean exitAfterCalls;

    @Override
    public Integer call() throws Exception {
        Optional<AgentConfig> loaded = AgentLaunch.config(configFile);
        if (loaded.isEmpty()) {
            return 2;
        }
        AgentConfig config = loaded.get();
        StopSignal stop = StopSignal.install();
        // the metrics address first: a failure there leaves nothing running
        Optional<MetricsEndpoint> metrics;
        try {
            metrics = AgentLaunch.metrics(config);
        } catch (IOException e) {
            System.err.println("run: " + e.getMessage());
            return 1;
        }
        Optional<UserAgent> started = AgentLaunch.start("run", config);
        if (started.isEmpty()) {
            metrics.ifPresent(MetricsEndpoint::close);
            return 1;
        }
        try (MetricsEndpoint served = metrics.orElse(null); UserAgent agent = started.get()) {
            if (served != null) {
                CallMetrics calls = new CallMetrics(served.registry(), agent::activeCalls);
                agent.onCallEnded(calls::record);
                System.err.println("run: metrics on http://" + HostPort.format(served.address()) + "/metrics");
            }
            Optional<Integer> granted = AgentLaunch.register("run", agent, config);
            if (granted.isEmpty()) {
                return 1;
            }
            if (config.account().register()) {
                System.err.println("run: registered " + config.account().user() + "@" + config.account().domain()
                        + " for " + granted.get() + " s");
            }
            System.out.println("ready sip:" + config.account().user() + "@" + agent.endpoint().contactHost() + ":"
                    + agent.endpoint().port());
            System.out.flush();
            Thread caller = new Thread(() -> placeCalls(agent, config, stop), "planned-calls");
            caller.setDaemon(true);
            caller.start();
            stop.await();
            System.err.println("run: stopping");
        }
        return 0;
    }

    private void placeCalls(UserAgent agent, AgentConfig config, StopSignal stop) {
        try {
            for (AgentConfig.PlannedCall planned : config.calls()) {
                if (stop.await(planned.delaySeconds() * 1000L)) {
                    return;
                }
                for (int i = 0; i < planned.repeat() && !stop.received(); i++) {
                    Call call = agent.dial(planned.target(),
                            new Call.Options(Duration.ofSeconds(planned.durationSeconds()), null, null));
                    CallReport report = call.done().get();
                    System.out.println(report.toJson());
                    System.out.flush();
                }
            }
            if (exitAfterCalls) {
                stop.fire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            System.err.println("run: call failed: " + e.getCause().getMessage());
        }
    }
}
