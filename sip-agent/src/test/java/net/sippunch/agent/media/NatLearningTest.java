package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/**
 * A call's discovery waits for the learning run under way: behind a sequential NAT that run's late flows would
 * take the port predicted for the call.
 */
class NatLearningTest {

    @Test
    void aCallWaitsForTheLearningRunUnderWay() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        EventLoopGroup group = NettyTransport.newGroup(1, "test-learning");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        // two servers that never answer: the run lasts its whole cap
        try (DatagramSocket one = new DatagramSocket(new InetSocketAddress(loopback, 0));
             DatagramSocket two = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            Duration cap = Duration.ofMillis(800);
            NatLearning learning = new NatLearning(PunchNegotiation.Settings.discovery(
                    List.of((InetSocketAddress) one.getLocalSocketAddress(),
                            (InetSocketAddress) two.getLocalSocketAddress()), cap),
                    group, loopback, Duration.ofSeconds(300), new SecureRandom(), timer);
            long start = System.nanoTime();
            learning.start();
            one.setSoTimeout(5000);
            one.receive(new java.net.DatagramPacket(new byte[2048], 2048)); // the run is under way
            learning.awaitRunUnderWay(Duration.ofSeconds(10));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= cap.toMillis() - 50, "returned after " + waited + " ms, before the run's cap");
            long again = System.nanoTime();
            learning.awaitRunUnderWay(Duration.ofSeconds(10));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again) < 5000,
                    "no run under way: no wait");
            learning.close();
        } finally {
            timer.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
