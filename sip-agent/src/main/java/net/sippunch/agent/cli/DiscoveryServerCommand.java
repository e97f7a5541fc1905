package net.sippunch.agent.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.metrics.DiscoveryMetrics;
import net.sippunch.agent.metrics.MetricsEndpoint;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sip-agent discovery-server}: a STUN Binding server (RFC 5780 with two IPs and two ports). */
@Command(name = "discovery-server",
        mixinStandardHelpOptions = true,
        description = {
                "Runs a STUN discovery server in the foreground until SIGTERM or SIGINT.",
                "With two --listen addresses of different IPs and ports (A:p, B:q) it also binds A:q and B:p "
                        + "and answers RFC 5780 CHANGE-REQUEST, like coturn."})
final class DiscoveryServerCommand implements Callable<Integer> {

    private static final Logger LOG = LogManager.getLogger(DiscoveryServerCommand.class);

    @Option(names = "--listen", required = true, paramLabel = "IP:PORT", converter = HostPort.class,
            description = "address to answer on; repeat for more (two give RFC 5780)")
    List<InetSocketAddress> listen;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "event loop threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--software", defaultValue = "sippunch", paramLabel = "TEXT",
            description = "SOFTWARE attribute of answers (default: ${DEFAULT-VALUE})")
    String software;

    @Option(names = "--metrics-listen", paramLabel = "IP:PORT", converter = HostPort.class,
            description = "serve Prometheus metrics on http://IP:PORT/metrics (default: none)")
    InetSocketAddress metricsListen;

    @Override
    public Integer call() throws InterruptedException {
        if (threads < 1 || threads > 64) {
            System.err.println("discovery-server: --threads must be 1..64");
            return 2;
        }
        ServerAddresses addresses;
        try {
            addresses = new ServerAddresses(listen);
        } catch (IllegalArgumentException e) {
            System.err.println("discovery-server: " + e.getMessage());
            return 2;
        }
        EventLoopGroup group = NettyTransport.newGroup(threads, "discovery");
        BindingResponder responder = new BindingResponder(addresses, software);
        NettyDiscoveryServer server;
        try {
            server = NettyDiscoveryServer.start(addresses, responder, group);
        } catch (UncheckedIOException e) {
            System.err.println("discovery-server: " + e.getMessage());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return 1;
        }
        MetricsEndpoint metrics = null;
        if (metricsListen != null) {
            try {
                metrics = MetricsEndpoint.start(metricsListen);
            } catch (IOException e) {
                System.err.println("discovery-server: " + e.getMessage());
                server.close();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                return 1;
            }
            DiscoveryMetrics.bind(metrics.registry(), responder.stats());
        }
        System.err.println("discovery-server: listening on " + server.addresses()
                + (addresses.rfc5780() ? " (RFC 5780)" : "")
                + (metrics == null ? "" : "; metrics on http://" + HostPort.format(metrics.address()) + "/metrics"));
        CountDownLatch stopped = new CountDownLatch(1);
        MetricsEndpoint served = metrics;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (served != null) {
                served.close();
            }
            server.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            LOG.info("discovery server stopped: {}", responder.stats());
            System.err.println("discovery-server: stopped; " + responder.stats());
            stopped.countDown();
        }, "discovery-shutdown"));
        stopped.await();
        return 0;
    }
}
