package net.sippunch.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.media.WavFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sip-agent call --config FILE sip:user@host}: one call; prints its JSON report and exits 0 only
 * when the call was answered and RTP flowed both ways.
 */
@Command(name = "call",
        mixinStandardHelpOptions = true,
        description = {"Places one call with the account of a config file and prints its JSON report.",
                "Exit code 0 only when the call was answered and media flowed both ways."})
final class CallCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent config (YAML)")
    Path configFile;

    @Parameters(index = "0", paramLabel = "URI", description = "whom to call, e.g. sip:bob@example.org")
    String target;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "10", description = "seconds after the answer (default ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--play", paramLabel = "F.wav", description = "WAV to send (16-bit mono 8 kHz); default: the config's")
    Path play;

    @Option(names = "--record", paramLabel = "F.wav", description = "write what arrives to this WAV")
    Path record;

    @Option(names = "--report", paramLabel = "F.json", description = "write the call's report here too")
    Path reportFile;

    @Option(names = "--register", description = "register before calling")
    boolean register;

    @Override
    public Integer call() throws Exception {
        Optional<AgentConfig> loaded = AgentLaunch.config(configFile);
        if (loaded.isEmpty()) {
            return 2;
        }
        AgentConfig config = loaded.get();
        if (!target.regionMatches(true, 0, "sip:", 0, 4) && !target.regionMatches(true, 0, "sips:", 0, 5)) {
            System.err.println("call: not a sip: or sips: URI: " + target);
            return 2;
        }
        if (duration < 1) {
            System.err.println("call: --duration must be positive");
            return 2;
        }
        short[] audio;
        try {
            audio = play != null ? WavFile.read(play) : null;
        } catch (IOException e) {
            System.err.println("call: --play " + e.getMessage());
            return 2;
        }
        StopSignal stop = StopSignal.install();
        Optional<UserAgent> started = AgentLaunch.start("call", config);
        if (started.isEmpty()) {
            return 1;
        }
        try (UserAgent agent = started.get()) {
            if (register && AgentLaunch.register("call", agent, config).isEmpty()) {
                return 1;
            }
            Call call = agent.dial(target, new Call.Options(Duration.ofSeconds(duration), audio, record));
            call.done().whenComplete((r, e) -> stop.fire());
            long bound = (config.timeouts().invite() + duration + 2L * config.timeouts().shutdown()) * 1000L;
            stop.await(bound);
            if (!call.done().isDone()) {
                call.hangup(stop.received() ? "stopped by signal" : "call took too long");
            }
            CallReport report;
            try {
                report = call.done().get(2L * config.timeouts().shutdown(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.err.println("call: the call did not end in time");
                return 1;
            }
            System.out.println(report.toJson());
            if (reportFile != null) {
                Files.writeString(reportFile, report.toJson());
            }
            boolean ok = "completed".equals(report.outcome()) && report.mediaBothWays();
            if (!ok) {
                System.err.println("call: " + report.outcome() + ": " + report.reason()
                        + (report.media() == null ? "" : "; RTP sent " + report.media().rtpSent()
                        + ", received " + report.media().rtpReceived()));
            }
            return ok ? 0 : 1;
        }
    }
}
