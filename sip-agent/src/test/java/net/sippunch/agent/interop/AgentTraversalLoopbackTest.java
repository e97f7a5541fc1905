package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.WavFile;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents in NAT traversal mode call each other on loopback: discovery from each media port against an
 * RFC 5780 discovery server, the SDP extension in INVITE and 200 OK, the punch engine, then RTP both ways on
 * the settled path.
 */
class AgentTraversalLoopbackTest {

    @Test
    void callSettlesAPathByProbesAndCarriesRtpBothWays(@TempDir Path dir) throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 27400),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 27401)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        String discovery = "discovery:\n  servers: [\"127.0.0.1:27400\", \"127.0.0.2:27401\"]\n  timeoutMillis: 1500\n";
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 27010, 27100, 27199, 440, 0, null,
                     discovery));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 27020, 27200, 27299, 1000, 0, dir,
                     discovery))) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            Path heard = dir.resolve("alice-heard.wav");
            Call call = alice.dial("sip:bob@127.0.0.1:27020", new Call.Options(Duration.ofSeconds(2), null, heard));
            CallReport caller = call.done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);

            assertEquals("completed", caller.outcome(), caller.reason());
            assertEquals("traversal", caller.traversal().mode(), caller.toJson());
            assertTrue(caller.traversal().strategy().startsWith("DIRECT"), caller.toJson());
            assertNotNull(caller.traversal().settledMillis(), "a path settled by probes: " + caller.toJson());
            assertTrue(caller.traversal().probesSent() > 0);
            assertEquals("OPEN", caller.traversal().localProfile().get("type").asText(), caller.toJson());
            assertEquals("OPEN", caller.traversal().remoteProfile().get("type").asText(), caller.toJson());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertEquals("traversal", callee.traversal().mode(), callee.toJson());
            assertNotNull(callee.traversal().settledMillis(), callee.toJson());
            assertTrue(callee.mediaBothWays(), callee.toJson());
            assertSpansPlausible(caller, true);
            assertSpansPlausible(callee, false);

            ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(dir, "in-")), 440, 1000);

            // by now each agent knows its NAT (learned from a spare port, or by the first call's whole run):
            // the next call's discovery starts from that knowledge on both sides
            CallReport again = alice.dial("sip:bob@127.0.0.1:27020", new Call.Options(Duration.ofSeconds(1), null,
                    null)).done().get(30, TimeUnit.SECONDS);
            CallReport againAtBob = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertTrue(again.mediaBothWays(), again.toJson());
            assertTrue(again.traversal().discovery().fromKnowledge(), again.toJson());
            assertTrue(againAtBob.traversal().discovery().fromKnowledge(), againAtBob.toJson());
            assertEquals("OPEN", again.traversal().localProfile().get("type").asText(), "the same profile: "
                    + again.toJson());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The spans where the user feels the set-up: the post-dial delay only at the caller (the callee did not dial),
     * the first two-way media at both; neither negative nor longer than the call.
     */
    static void assertSpansPlausible(CallReport report, boolean dialled) {
        CallReport.Timings t = report.timings();
        long callMillis = t.ended() - t.invite();
        if (dialled) {
            assertNotNull(t.postDialDelayMillis(), report.toJson());
            assertTrue(t.postDialDelayMillis() >= 0 && t.postDialDelayMillis() <= callMillis, report.toJson());
        } else {
            assertNull(t.postDialDelayMillis(), "the callee did not dial: " + report.toJson());
        }
        assertNotNull(t.firstTwoWayMediaMillis(), report.toJson());
        assertTrue(t.firstTwoWayMediaMillis() >= 0 && t.firstTwoWayMediaMillis() <= t.ended() - t.answered(),
                report.toJson());
        assertTrue(t.firstTwoWayRtp() >= t.firstRtpSent(), "received after ours left: " + report.toJson());
    }
}
