package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent in NAT traversal mode and baresip with {@code medianat=ice} (a standard ICE agent, no extension)
 * call each other through Kamailio on loopback, both directions: the agent's offer and answer carry ICE
 * candidates, its probes are connectivity checks baresip accepts, and media flows on the pair the checks
 * settled. baresip multiplexes RTCP on the RTP port only when told to ({@code rtcp_mux yes}); by default it
 * wants an RTCP component of its own, with candidates and checks of its own (RFC 8445 section 5.1.1).
 */
class BaresipIceCallTest {

    private static final int DISCOVERY = 27600;
    private static final String STUN = "127.0.0.1:" + DISCOVERY;
    private static final String DISCOVERY_YAML = "discovery:\n  servers: [\"127.0.0.1:" + DISCOVERY
            + "\", \"127.0.0.2:" + (DISCOVERY + 1) + "\"]\n  timeoutMillis: 1500\n";

    private EventLoopGroup group;
    private NettyDiscoveryServer server;

    @BeforeEach
    void discoveryServer() throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), DISCOVERY),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), DISCOVERY + 1)));
        group = NettyTransport.newGroup(1, "test-discovery");
        server = NettyDiscoveryServer.start(addresses, new BindingResponder(addresses, "test"), group);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "baresip rtcp_mux {0}")
    @ValueSource(booleans = {true, false})
    void agentCallsBaresip(boolean rtcpMux, @TempDir Path dir) throws Exception {
        ExternalTools.require("baresip", "baresip");
        Path wav = dir.resolve("baresip-1000hz.wav");
        WavFile.write(wav, WavFile.tone(1000, 20, 0.3));
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, BaresipCallTest.PASSWORDS);
             Baresip carol = Baresip.start(dir, "carol", TestAgents.DOMAIN, "carol-pw", KamailioCallTest.PROXY,
                     26040, 26045, 26400, 26499, wav, "ice", STUN, rtcpMux);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 26010, 26100, 26199, 440,
                     KamailioCallTest.PROXY, null, DISCOVERY_YAML))) {
            carol.awaitLine("200 OK", 20); // registered
            Path heard = dir.resolve("alice-heard.wav");
            CallReport r = alice.dial("sip:carol@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(3), null, heard)).done().get(30, TimeUnit.SECONDS);
            carol.awaitLine("terminated", 10);

            assertEquals("completed", r.outcome(), r.reason() + "\n" + carol.output());
            assertEquals("ice (peer without the extension)", r.traversal().mode(), r.toJson());
            assertNotNull(r.traversal().settledMillis(), "a pair settled by checks: " + r.toJson());
            assertTrue(r.mediaBothWays(), r.toJson() + "\n" + carol.output());
            ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
            ToneCheck.assertTone(WavFile.read(carol.decodedDump()), 440, 1000);
        }
    }

    @ParameterizedTest(name = "baresip rtcp_mux {0}")
    @ValueSource(booleans = {true, false})
    void baresipCallsTheAgent(boolean rtcpMux, @TempDir Path dir) throws Exception {
        ExternalTools.require("baresip", "baresip");
        Path wav = dir.resolve("baresip-1000hz.wav");
        WavFile.write(wav, WavFile.tone(1000, 3, 0.3)); // baresip hangs up when its file ends
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, BaresipCallTest.PASSWORDS);
             Baresip carol = Baresip.start(dir, "carol", TestAgents.DOMAIN, "carol-pw", KamailioCallTest.PROXY,
                     26040, 26045, 26400, 26499, wav, "ice", STUN, rtcpMux);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 26020, 26200, 26299, 440,
                     KamailioCallTest.PROXY, dir, DISCOVERY_YAML))) {
            bob.register().get(10, TimeUnit.SECONDS);
            LinkedBlockingQueue<CallReport> calls = new LinkedBlockingQueue<>();
            bob.onCallEnded(calls::add);
            carol.awaitLine("200 OK", 20);
            carol.command("dial", "sip:bob@" + TestAgents.DOMAIN);
            CallReport r = calls.poll(30, TimeUnit.SECONDS);
            carol.awaitLine("terminated", 10);

            assertNotNull(r, "no call reached the agent; baresip said:\n" + carol.output());
            assertEquals("completed", r.outcome(), r.reason() + "\n" + carol.output());
            assertEquals("ice (peer without the extension)", r.traversal().mode(), r.toJson());
            assertNotNull(r.traversal().settledMillis(), "a pair settled by checks: " + r.toJson());
            assertTrue(r.mediaBothWays(), r.toJson() + "\n" + carol.output());
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(dir, "in-")), 1000, 440);
            ToneCheck.assertTone(WavFile.read(carol.decodedDump()), 440, 1000);
        }
    }
}
