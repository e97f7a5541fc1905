package net.sippunch.traversal.netty;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.discovery.DiscoveryClient;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;

/** Runs one {@link DiscoveryClient} on a real UDP socket. */
public final class NettyDiscovery {

    private NettyDiscovery() {
    }

    /**
     * Binds {@code local}, runs discovery from it and closes the socket.
     *
     * @param local where to bind; a wildcard IP is replaced in the private tuple by the IP of the route
     *              toward the first server
     */
    public static CompletableFuture<DiscoveryOutcome> run(EventLoop loop, InetSocketAddress local,
                                                          DiscoveryConfig config, RandomGenerator random) {
        CompletableFuture<DiscoveryOutcome> outcome = new CompletableFuture<>();
        CompletableFuture<DatagramSessionDriver<DiscoveryClient>> driver = DatagramSessionDriver.start(loop,
                List.of(local),
                (bound, now) -> new DiscoveryClient(config,
                        privateTuple(bound.get(0), config.servers().get(0)), bound.get(0).getPort(), random, now),
                client -> client.outcome().ifPresent(outcome::complete));
        driver.whenComplete((d, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            }
        });
        return outcome.whenComplete((o, failure) -> driver.thenAccept(d -> loop.execute(d::closeAsync)));
    }

    /** The host's address toward {@code server}: the bound IP, or the kernel's route choice for a wildcard. */
    public static InetSocketAddress privateTuple(InetSocketAddress bound, InetSocketAddress server) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return bound;
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(server); // no packet is sent: this only asks the kernel for a route
            InetAddress ip = probe.getLocalAddress();
            return new InetSocketAddress(ip, bound.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no route toward " + server, e);
        }
    }
}
