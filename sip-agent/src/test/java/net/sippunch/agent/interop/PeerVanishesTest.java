package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A peer that vanishes mid-call ({@code kill -9} of its process: no BYE, no more RTP or consent answers):
 * the other agent ends the call within 35 s with the reason that fits its mode, on the defaults: consent
 * lost (RFC 7675, 30 s without an authenticated answer) on a punched path, the media timeout (30 s without
 * RTP) in plain mode. Until then it keeps sending media only while the peer still answers.
 * <p>
 * The two calls mostly wait out those 30 s: the class runs beside the others, each mode's call at once
 * ({@link ExecutionMode#CONCURRENT}, on ports of their own).
 */
@Execution(ExecutionMode.CONCURRENT)
class PeerVanishesTest {

    private static final long BOUND_MILLIS = 35_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"traversal", "plain"})
    void theOtherSideEndsTheCallWithTheReasonWithin35Seconds(String mode, @TempDir Path dir) throws Exception {
        boolean traversal = mode.equals("traversal");
        int base = traversal ? 13500 : 13600; // blocks no other test uses: the two calls run beside other classes
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), base + 90),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), base + 91)));
        String discovery = traversal ? "discovery:\n  servers: [\"127.0.0.1:" + (base + 90) + "\", \"127.0.0.2:"
                + (base + 91) + "\"]\n  timeoutMillis: 1500\n" : "";
        Path bobYaml = dir.resolve("bob.yaml");
        Files.writeString(bobYaml, """
                account: {user: bob, domain: 127.0.0.1, register: false}
                sip: {listenAddress: 127.0.0.1, listenPort: %d}
                media: {localAddress: 127.0.0.1, portMin: %d, portMax: %d, tone: {frequency: 1000}}
                """.formatted(base + 20, base + 40, base + 59) + discovery);
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, base + 10, base + 60, base + 79, 440,
                     0, null, "timeouts: {invite: 10, shutdown: 2}\n" + discovery));
             AgentProcess bob = AgentProcess.start(dir, List.of("run", "--config", bobYaml.toString()))) {
            bob.awaitLine("ready", 60);
            Call call = alice.dial("sip:bob@127.0.0.1:" + (base + 20), new Call.Options(Duration.ofSeconds(120),
                    null, null));
            bob.awaitLine("media: ", 30); // bob's RTP runs: the call is up on both sides

            long killedAt = System.currentTimeMillis();
            bob.close(); // SIGKILL
            CallReport report = call.done().get(BOUND_MILLIS + 15_000, TimeUnit.MILLISECONDS);

            long endedAfter = report.timings().ended() - killedAt;
            String expected = traversal ? "consent-lost" : "media-timeout";
            assertTrue(report.reason().startsWith(expected), report.toJson());
            assertTrue(endedAfter <= BOUND_MILLIS, "ended " + endedAfter + " ms after the kill: " + report.toJson());
            assertEquals(traversal ? "traversal" : "plain", report.traversal().mode(), report.toJson());
            if (traversal) {
                assertTrue(report.traversal().reason().startsWith("consent-lost"), report.toJson());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
