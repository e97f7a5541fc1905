package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/**
 * The config's {@code punch:} section reaches the engine of a real call: two agents in NAT traversal mode on
 * loopback with the method's schedule and their own window run the method's plan with that window, where the
 * default schedule would probe directly.
 */
class PunchSectionCallTest {

    @Test
    void theConfiguredScheduleAndWindowAreWhatTheCallRuns() throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 27440),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 27441)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        String extra = """
                discovery: {servers: ["127.0.0.1:27440", "127.0.0.2:27441"], timeoutMillis: 1500}
                punch: {schedule: method, windowBelow: 7, windowAbove: 9}
                """;
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 27050, 27500, 27599, 440, 0, null,
                     extra));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 27060, 27600, 27699, 1000, 0, null,
                     extra))) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            CallReport caller = alice.dial("sip:bob@127.0.0.1:27060",
                    new net.sippunch.agent.call.Call.Options(Duration.ofSeconds(1), null, null))
                    .done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);

            for (CallReport r : List.of(caller, callee)) {
                assertEquals("traversal", r.traversal().mode(), r.toJson());
                assertTrue(r.traversal().strategy().startsWith("METHOD_WINDOW: "), r.toJson());
                assertTrue(r.traversal().strategy().contains("a window of -7..+9"), r.toJson());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
