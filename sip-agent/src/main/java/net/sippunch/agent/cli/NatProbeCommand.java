package net.sippunch.agent.cli;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.sippunch.agent.report.ProfileJson;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.netty.NettyDiscovery;
import net.sippunch.traversal.netty.NettyTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sip-agent nat-probe}: learn how the NAT in front of one local UDP port maps it. */
@Command(name = "nat-probe",
        mixinStandardHelpOptions = true,
        description = {
                "Asks the discovery servers, in order, from one local UDP port and prints the NAT profile: "
                        + "mapped tuples, delta, and the classification in the method's and RFC 4787 terms.",
                "Exit status: 0 when a profile was obtained, 1 when too few servers answered (they are named), "
                        + "2 on a usage error."})
final class NatProbeCommand implements Callable<Integer> {

    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", converter = HostPort.class,
            description = "discovery (STUN) server; give two, at different IPs, for a delta")
    List<InetSocketAddress> servers;

    @Option(names = "--local-port", defaultValue = "0", paramLabel = "N",
            description = "local UDP port to probe from, the one media will use (default: any free port)")
    int localPort;

    @Option(names = "--local-address", defaultValue = "0.0.0.0", paramLabel = "IP",
            description = "local address to bind (default: ${DEFAULT-VALUE})")
    String localAddress;

    @Option(names = "--timeout-ms", defaultValue = "1500", paramLabel = "MS",
            description = "cap on the whole probe (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--samples", paramLabel = "N",
            description = "mapped tuples to collect at most (default: 4, or the number of servers)")
    Integer samples;

    @Option(names = "--no-filtering-test", description = "skip the RFC 5780 filtering tests")
    boolean noFilteringTest;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (localPort < 0 || localPort > 65535 || timeoutMs < 1 || timeoutMs > 60_000) {
            System.err.println("nat-probe: --local-port must be 0..65535 and --timeout-ms 1..60000");
            return 2;
        }
        DiscoveryConfig defaults = DiscoveryConfig.defaults(servers);
        DiscoveryConfig config;
        try {
            config = new DiscoveryConfig(servers, samples == null ? defaults.maxSamples() : samples,
                    defaults.initialRto(), defaults.maxRetransmissions(), Duration.ofMillis(timeoutMs),
                    !noFilteringTest, defaults.filteringWait(), defaults.sequentialDeltaLimit(), defaults.software());
        } catch (IllegalArgumentException e) {
            System.err.println("nat-probe: " + e.getMessage());
            return 2;
        }
        EventLoopGroup group = NettyTransport.newGroup(1, "nat-probe");
        try {
            DiscoveryOutcome outcome = NettyDiscovery.run(group.next(),
                            new InetSocketAddress(localAddress, localPort), config, new SplittableRandom())
                    .get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
            System.out.println(json ? ProfileJson.toJson(outcome) : ProfileJson.toText(outcome));
            if (!outcome.silentServers().isEmpty()) {
                System.err.println("nat-probe: no answer from " + outcome.silentServers());
            }
            if (outcome instanceof DiscoveryOutcome.Failed failed) {
                System.err.println("nat-probe: " + failed.reason());
                return 1;
            }
            return 0;
        } catch (ExecutionException e) {
            System.err.println("nat-probe: " + e.getCause().getMessage());
            return 1;
        } catch (TimeoutException e) {
            System.err.println("nat-probe: no outcome within the cap");
            return 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
