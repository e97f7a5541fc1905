package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Foreign STUN clients (Debian's stun-client, coturn's turnutils) against our discovery server, and our
 * client against coturn in STUN-only mode; all on loopback, where there is no NAT.
 */
class DiscoveryInteropTest {

    private static EventLoopGroup group;

    @BeforeAll
    static void startLoop() {
        group = NettyTransport.newGroup(1, "interop");
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static ServerAddresses addresses(int port) throws IOException {
        return new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port + 1)));
    }

    @Test
    void stunClientSeesAnOpenInternetThroughOurServer() throws Exception {
        ExternalTools.require("stun", "stun-client");
        int port = ExternalTools.freePortPair();
        ServerAddresses addresses = addresses(port);
        BindingResponder responder = new BindingResponder(addresses, "interop");
        try (NettyDiscoveryServer ignored = NettyDiscoveryServer.start(addresses, responder, group)) {
            ExternalTools.Result r = ExternalTools.run(List.of("stun", "127.0.0.1:" + port, "-v"), 30);
            assertTrue(r.output().contains("Primary: Open"), r.output());
            assertTrue(r.output().contains("ChangedAddress = 127.0.0.2:" + (port + 1)), r.output());
            assertTrue(responder.stats().answered() >= 4, responder.stats().toString());
        }
    }

    @Test
    void turnutilsNatDiscoveryMeasuresMappingAndFilteringOnOurServer() throws Exception {
        ExternalTools.require("turnutils_natdiscovery", "coturn");
        int port = ExternalTools.freePortPair();
        ServerAddresses addresses = addresses(port);
        BindingResponder responder = new BindingResponder(addresses, "interop");
        try (NettyDiscoveryServer ignored = NettyDiscoveryServer.start(addresses, responder, group)) {
            ExternalTools.Result r = ExternalTools.run(
                    List.of("turnutils_natdiscovery", "-m", "-f", "-p", Integer.toString(port), "127.0.0.1"), 60);
            assertTrue(r.output().contains("NAT with Endpoint Independent Mapping"), r.output());
            assertTrue(r.output().contains("NAT with Endpoint Independent Filtering"), r.output());
            assertTrue(r.output().contains("Other addr: : 127.0.0.2:" + (port + 1)), r.output());
        }
    }

    @Test
    void turnutilsStunClientGetsItsReflexiveAddress() throws Exception {
        ExternalTools.require("turnutils_stunclient", "coturn");
        int port = ExternalTools.freePortPair();
        ServerAddresses addresses = addresses(port);
        BindingResponder responder = new BindingResponder(addresses, "interop");
        try (NettyDiscoveryServer ignored = NettyDiscoveryServer.start(addresses, responder, group)) {
            ExternalTools.Result r = ExternalTools.run(
                    List.of("turnutils_stunclient", "-p", Integer.toString(port), "127.0.0.1"), 30);
            assertTrue(r.output().contains("UDP reflexive addr: 127.0.0.1:"), r.output());
            assertEquals(0, responder.stats().malformed());
        }
    }

    @Test
    void ourClientProfilesThroughCoturnInStunOnlyMode(@TempDir Path dir) throws Exception {
        ExternalTools.require("turnserver", "coturn");
        int port = ExternalTools.freePortPair();
        Process coturn = new ProcessBuilder("turnserver", "--stun-only", "--no-cli", "--no-tls", "--no-dtls",
                "-n", "--listening-ip", "127.0.0.1", "--listening-ip", "127.0.0.2",
                "--listening-port", Integer.toString(port), "--alt-listening-port", Integer.toString(port + 1),
                "--pidfile", dir.resolve("turn.pid").toString(), "--userdb", dir.resolve("turndb").toString(),
                "--log-file", dir.resolve("coturn.log").toString(), "--simple-log")
                .redirectErrorStream(true).redirectOutput(dir.resolve("coturn.out").toFile()).start();
        try {
            awaitBindingAnswer(new InetSocketAddress("127.0.0.1", port), coturn);
            DiscoveryConfig config = DiscoveryConfig.defaults(List.of(
                    new InetSocketAddress("127.0.0.1", port), new InetSocketAddress("127.0.0.2", port + 1)));
            DiscoveryOutcome outcome = NettyDiscovery.run(group.next(), new InetSocketAddress("127.0.0.1", 0),
                    config, new SplittableRandom(3)).get(10, TimeUnit.SECONDS);
            NatProfile profile = assertInstanceOf(DiscoveryOutcome.Profiled.class, outcome, outcome.toString())
                    .profile();
            assertEquals(NatType.OPEN, profile.type());
            assertEquals(4, profile.samples().size(), "both IPs and both ports of coturn");
            assertEquals(FilteringBehavior.ENDPOINT_INDEPENDENT, profile.filtering());
        } finally {
            coturn.destroy();
            if (!coturn.waitFor(5, TimeUnit.SECONDS)) {
                coturn.destroyForcibly();
            }
        }
    }

    /** Sends Binding requests until one is answered: coturn is then ready. */
    private static void awaitBindingAnswer(InetSocketAddress server, Process process) throws Exception {
        byte[] request = StunCodec.encode(StunMessage.bindingRequest(
                TransactionId.random(new SplittableRandom(1)), List.of()));
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            socket.setSoTimeout(100);
            for (int attempt = 0; attempt < 100; attempt++) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("turnserver exited with " + process.exitValue());
                }
                socket.send(new DatagramPacket(request, request.length, server));
                try {
                    socket.receive(new DatagramPacket(new byte[1500], 1500));
                    return;
                } catch (SocketTimeoutException e) {
                    // not listening yet: ask again
                }
            }
        }
        throw new IllegalStateException("turnserver did not answer within 10 s");
    }
}
