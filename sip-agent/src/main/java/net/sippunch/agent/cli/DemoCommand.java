package net.sippunch.agent.cli;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.sippunch.agent.report.ProfileJson;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscovery;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sip-agent demo}: the embedded default, everything in one JVM on loopback. It starts an RFC 5780
 * discovery server on 127.0.0.1 and 127.0.0.2 and probes it from a local port; on loopback there is no
 * NAT, so the expected profile is "open".
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = "Runs the embedded default on loopback and prints what it found.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        EventLoopGroup group = NettyTransport.newGroup(1, "demo");
        try {
            int portA = freeUdpPort();
            int portB = freeUdpPort();
            ServerAddresses addresses = new ServerAddresses(List.of(
                    new InetSocketAddress(a.getAddress(), portA),
                    new InetSocketAddress(InetAddress.getByName("127.0.0.2"), portB)));
            BindingResponder responder = new BindingResponder(addresses, "sippunch-demo");
            try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses, responder, group)) {
                System.err.println("demo: discovery server on " + server.addresses());
                DiscoveryOutcome outcome = NettyDiscovery.run(group.next(), a,
                                DiscoveryConfig.defaults(addresses.listen()), new SplittableRandom())
                        .get(10, TimeUnit.SECONDS);
                System.out.println(json ? ProfileJson.toJson(outcome) : ProfileJson.toText(outcome));
                System.err.println("demo: server counters: " + responder.stats());
                return outcome instanceof DiscoveryOutcome.Profiled ? 0 : 1;
            }
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("demo: " + e);
            return 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private static int freeUdpPort() throws java.net.SocketException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
