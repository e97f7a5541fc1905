package net.sippunch.agent.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sip.SipException;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.ConfigException;
import net.sippunch.agent.config.ConfigLoader;
import net.sippunch.agent.metrics.MetricsEndpoint;

/**
 * What {@code run} and {@code call} share: the config loaded and checked, then the agent (and for {@code run} its
 * metrics endpoint) started from it.
 */
final class AgentLaunch {

    private AgentLaunch() {
    }

    /** The config, or empty after every problem was printed (the command exits 2). */
    static Optional<AgentConfig> config(Path file) {
        try {
            return Optional.of(ConfigLoader.load(file));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return Optional.empty();
        }
    }

    /** Registers when the config asks for it: the granted expiry, or empty after the reason was printed. */
    static Optional<Integer> register(String command, UserAgent agent, AgentConfig config) throws InterruptedException {
        try {
            return Optional.of(agent.register().get(config.timeouts().register(), TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            System.err.println(command + ": registration failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            System.err.println(command + ": registration failed: no answer in " + config.timeouts().register() + " s");
        }
        return Optional.empty();
    }

    /**
     * The metrics endpoint when the config has {@code metrics.listen}, bound and serving.
     *
     * @throws IOException naming the address and the reason when it cannot be bound (the command exits 1)
     */
    static Optional<MetricsEndpoint> metrics(AgentConfig config) throws IOException {
        Optional<InetSocketAddress> address = config.metrics().address();
        return address.isEmpty() ? Optional.empty() : Optional.of(MetricsEndpoint.start(address.get()));
    }

    /** The started agent, or empty after the reason was printed (the command exits 1). */
    static Optional<UserAgent> start(String command, AgentConfig config) {
        try {
            return Optional.of(UserAgent.start(config));
        } catch (SipException | IOException e) {
            System.err.println(command + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
