package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.cli.EphemeralPort;
import net.sippunch.agent.media.WavFile;
import net.sippunch.agent.proxy.SipProxy;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents registered at the in-process registrar and record-routing proxy ({@link SipProxy}) call each
 * other through it on loopback: digest-authenticated REGISTER, INVITE, ACK and BYE through the proxy, RTP
 * both ways; an unknown user gets 404; un-REGISTER at shutdown empties the binding table.
 */
class SipProxyCallTest {

    private static final Map<String, String> PASSWORDS = Map.of("alice", "alice-pw", "bob", "bob-pw");

    private static SipProxy startProxy(Map<String, String> passwords) throws Exception {
        return SipProxy.start(new SipProxy.Settings(TestAgents.DOMAIN, "127.0.0.1",
                EphemeralPort.udp("127.0.0.1"), passwords, 3600, 3600));
    }

    private static int mediaBase() {
        return Math.min(EphemeralPort.udp("127.0.0.1"), 65000);
    }

    @Test
    void plainCallThroughTheProxyCarriesEachSidesToneBothWays(@TempDir Path dir) throws Exception {
        Path bobRecordings = Files.createDirectories(dir.resolve("bob"));
        int aliceMedia = mediaBase();
        int bobMedia = mediaBase();
        try (SipProxy proxy = startProxy(PASSWORDS)) {
            try (UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw",
                         EphemeralPort.udp("127.0.0.1"), aliceMedia, aliceMedia + 99, 440, proxy.port(), null, null));
                 UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", EphemeralPort.udp("127.0.0.1"),
                         bobMedia, bobMedia + 99, 1000, proxy.port(), bobRecordings, null))) {
                assertEquals(300, alice.register().get(10, TimeUnit.SECONDS));
                assertEquals(300, bob.register().get(10, TimeUnit.SECONDS));
                assertEquals(2, proxy.bindings().size(System.nanoTime()));
                LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
                bob.onCallEnded(bobsCalls::add);

                Path heard = dir.resolve("alice-heard.wav");
                Call call = alice.dial("sip:bob@" + TestAgents.DOMAIN,
                        new Call.Options(Duration.ofSeconds(2), null, heard));
                CallReport caller = call.done().get(30, TimeUnit.SECONDS);
                CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);

                assertEquals("completed", caller.outcome(), caller.reason());
                assertTrue(caller.mediaBothWays(), caller.toJson());
                assertNotNull(callee, "the callee's call ended");
                assertEquals("completed", callee.outcome(), callee.reason());
                assertEquals("BYE from the peer", callee.reason(), "the BYE went through the proxy");
                assertTrue(callee.mediaBothWays(), callee.toJson());
                assertEquals("sip:alice@" + TestAgents.DOMAIN, callee.from());
                assertEquals(caller.callId(), callee.callId());
                // INVITE, ACK and BYE went through the proxy (record-routed), plus the two REGISTERs answered
                assertTrue(proxy.stats().requestsForwarded() >= 3, proxy.stats().toString());

                ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
                ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(bobRecordings, "in-")), 440, 1000);
            }
            assertEquals(0, proxy.bindings().size(System.nanoTime()), "both agents un-registered");
        }
    }

    @Test
    void wrongPasswordIsRefusedAndUnknownUserGetsNotFound(@TempDir Path dir) throws Exception {
        int media = mediaBase();
        try (SipProxy proxy = startProxy(PASSWORDS);
             UserAgent mallory = UserAgent.start(TestAgents.config("alice", "not-the-pw",
                     EphemeralPort.udp("127.0.0.1"), media, media + 99, 440, proxy.port(), null, null))) {
            Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class,
                    () -> mallory.register().get(10, TimeUnit.SECONDS)).getCause();
            assertTrue(String.valueOf(refused.getMessage()).contains("401")
                            || String.valueOf(refused.getMessage()).toLowerCase().contains("auth"),
                    String.valueOf(refused));
            assertEquals(0, proxy.bindings().size(System.nanoTime()));

            CallReport report = mallory.dial("sip:nobody@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(1), null, null)).done().get(30, TimeUnit.SECONDS);
            assertEquals("rejected", report.outcome(), report.toJson());
            assertEquals(404, report.sipStatus());
            assertEquals(1, proxy.stats().notFound());
        }
    }

    @Test
    void traversalCallThroughTheProxySettlesByProbesAndCarriesRtpBothWays(@TempDir Path dir) throws Exception {
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(one, EphemeralPort.udp(one)), new InetSocketAddress(two, EphemeralPort.udp(two))));
        String discovery = "discovery:\n  servers: [\"127.0.0.1:" + addresses.listen().get(0).getPort()
                + "\", \"127.0.0.2:" + addresses.listen().get(1).getPort() + "\"]\n  timeoutMillis: 1500\n";
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        int aliceMedia = mediaBase();
        int bobMedia = mediaBase();
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             SipProxy proxy = startProxy(Map.of());
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, EphemeralPort.udp("127.0.0.1"),
                     aliceMedia, aliceMedia + 99, 440, proxy.port(), null, discovery));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, EphemeralPort.udp("127.0.0.1"),
                     bobMedia, bobMedia + 99, 1000, proxy.port(), null, discovery))) {
            alice.register().get(10, TimeUnit.SECONDS);
            bob.register().get(10, TimeUnit.SECONDS);
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            CallReport caller = alice.dial("sip:bob@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(2), null, null)).done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);

            assertEquals("completed", caller.outcome(), caller.reason());
            assertEquals("traversal", caller.traversal().mode(), caller.toJson());
            assertNotNull(caller.traversal().settledMillis(), caller.toJson());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertNotNull(callee);
            assertEquals("traversal", callee.traversal().mode(), callee.toJson());
            assertTrue(callee.mediaBothWays(), callee.toJson());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
