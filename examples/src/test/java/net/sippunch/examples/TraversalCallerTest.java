package net.sippunch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.config.ConfigLoader;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/**
 * The integrator's program calls the agent on loopback: its own JAIN-SIP stack, the SDP extension and the
 * per-call traversal against the agent's traversal mode, with a discovery server at two addresses. Media
 * reaches both sides on the path probes settled.
 */
class TraversalCallerTest {

    private static final int MEDIA_MIN = 33600;
    private static final int MEDIA_MAX = 33699;

    @Test
    void callsTheAgentWithTraversalAndMediaFlowsBothWaysOnThePunchedPath() throws Exception {
        int discoveryPort = ExternalTools.freePortPair();
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), discoveryPort),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), discoveryPort + 1)));
        int sipPort = freeUdpPort();
        String yaml = "account:\n  user: bob\n  domain: 127.0.0.1\n  register: false\n"
                + "sip:\n  listenAddress: 127.0.0.1\n  listenPort: " + sipPort + "\n"
                + "media:\n  localAddress: 127.0.0.1\n  portMin: " + MEDIA_MIN + "\n  portMax: " + MEDIA_MAX + "\n"
                + "  tone: {frequency: 1000, amplitude: 0.3}\n"
                + "discovery:\n  servers: [\"127.0.0.1:" + discoveryPort + "\", \"127.0.0.2:" + (discoveryPort + 1)
                + "\"]\n  timeoutMillis: 1500\n"
                + "timeouts: {invite: 10, shutdown: 3}\n";
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent bob = UserAgent.start(ConfigLoader.parse(yaml, "bob"))) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);

            TraversalCaller.Result result = TraversalCaller.call("sip:bob@127.0.0.1:" + sipPort,
                    InetAddress.getByName("127.0.0.1"), server.addresses().subList(0, 2), Duration.ofSeconds(2));
            CallReport callee = bobsCalls.poll(15, TimeUnit.SECONDS);

            assertTrue(result.settled(), "a path settled by probes: " + result);
            int remotePort = result.path().remote().getPort();
            assertTrue(remotePort >= MEDIA_MIN && remotePort <= MEDIA_MAX, "the agent's media port: " + result);
            assertTrue(result.rtpReceived() > 0, "the agent's RTP reached the example: " + result);
            assertEquals(100, result.rtpSent(), result.toString());
            assertEquals(200, result.byeStatus(), result.toString());

            assertNotNull(callee, "the agent reported the call");
            assertEquals("completed", callee.outcome(), callee.toJson());
            assertEquals("traversal", callee.traversal().mode(), callee.toJson());
            assertNotNull(callee.traversal().settledMillis(), "the agent settled a path by probes: " + callee.toJson());
            assertTrue(callee.mediaBothWays(), "the example's RTP reached the agent: " + callee.toJson());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
