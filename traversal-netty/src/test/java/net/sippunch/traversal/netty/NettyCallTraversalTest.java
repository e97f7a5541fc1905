package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The integrator's entry point: two calls' traversals on loopback media ports, futures and events only. */
class NettyCallTraversalTest {

    private static final long BOUND_SECONDS = 20;

    private EventLoopGroup group;
    private NettyDiscoveryServer server;
    private final SplittableRandom random = new SplittableRandom(11);

    @BeforeEach
    void start() throws Exception {
        group = NettyTransport.newGroup(2, "call-traversal-test");
        int port = ExternalTools.freePortPair();
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port + 1)));
        server = NettyDiscoveryServer.start(addresses, new BindingResponder(addresses, "test"), group);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void callerAndCalleeSettleAPathAndCarryTheApplicationsDatagrams() throws Exception {
        CallTraversal.Settings settings = new CallTraversal.Settings(
                DiscoveryConfig.defaults(server.addresses().subList(0, 2)), PunchConfig.defaults());
        try (NettyMediaPort callerPort = open(); NettyMediaPort calleePort = open()) {
            LinkedBlockingQueue<TraversalEvent> callerEvents = new LinkedBlockingQueue<>();
            NettyCallTraversal caller = NettyCallTraversal.start(callerPort, settings, PunchRole.CONTROLLING,
                    random.split(), callerEvents::add);
            NettyCallTraversal callee = NettyCallTraversal.start(calleePort, settings, PunchRole.CONTROLLED,
                    random.split(), e -> { });

            PunchEndpoint offered = caller.discovered().get(BOUND_SECONDS, TimeUnit.SECONDS);
            PunchEndpoint answered = callee.discovered().get(BOUND_SECONDS, TimeUnit.SECONDS);
            assertEquals(NatType.OPEN, offered.profile().type(), offered.toString());
            assertEquals(callerPort.localAddress(), offered.profile().privateTuple(), "discovered from the media port");
            assertInstanceOf(TraversalEvent.Discovered.class, callerEvents.poll(BOUND_SECONDS, TimeUnit.SECONDS),
                    "the listener sees the events the futures complete from");

            // the descriptions cross as SDP would carry them: sample times relative to the first (origin 0)
            callee.peer(signalled(offered));
            callee.confirmed();
            caller.peer(signalled(answered));

            PunchPath callerPath = caller.settled().get(BOUND_SECONDS, TimeUnit.SECONDS);
            PunchPath calleePath = callee.settled().get(BOUND_SECONDS, TimeUnit.SECONDS);
            assertEquals(new PunchPath(callerPort.localAddress().getPort(), calleePort.localAddress()), callerPath);
            assertEquals(new PunchPath(calleePort.localAddress().getPort(), callerPort.localAddress()), calleePath);
            assertInstanceOf(PunchEvent.Settled.class, caller.outcome().getNow(null));

            CompletableFuture<byte[]> heard = new CompletableFuture<>();
            callerPort.onUnhandled((port, source, payload) -> {
                if (source.equals(calleePort.localAddress())) {
                    heard.complete(payload);
                }
            });
            byte[] rtp = {(byte) 0x80, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 9};
            callee.send(calleePath, rtp);
            assertArrayEquals(rtp, heard.get(BOUND_SECONDS, TimeUnit.SECONDS));
            caller.close();
            callee.close();
        }
    }

    @Test
    void silentServersFailDiscoveryAndTheSettledPath() throws Exception {
        try (DatagramSocket silent1 = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
             DatagramSocket silent2 = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
             NettyMediaPort port = open()) {
            CallTraversal.Settings settings = new CallTraversal.Settings(DiscoveryConfig.defaults(List.of(
                    (InetSocketAddress) silent1.getLocalSocketAddress(),
                    (InetSocketAddress) silent2.getLocalSocketAddress())).withTotalCap(Duration.ofMillis(600)),
                    PunchConfig.defaults());
            NettyCallTraversal call = NettyCallTraversal.start(port, settings, PunchRole.CONTROLLING, random.split(),
                    e -> { });
            ExecutionException discovery = assertThrows(ExecutionException.class,
                    () -> call.discovered().get(BOUND_SECONDS, TimeUnit.SECONDS));
            NettyCallTraversal.TraversalFailure failure =
                    assertInstanceOf(NettyCallTraversal.TraversalFailure.class, discovery.getCause());
            assertTrue(failure.getMessage().length() > 0);
            assertTrue(failure.fallback().isEmpty(), "no peer, no fallback");
            assertTrue(call.settled().isCompletedExceptionally(), "no path without discovery");
        }
    }

    /** A side's description as the peer reads it from SDP: its first sample at time 0. */
    private static PunchEndpoint signalled(PunchEndpoint side) {
        long first = side.profile().samples().get(0).atNanos();
        List<MappedTuple> samples = side.profile().samples().stream()
                .map(t -> new MappedTuple(t.server(), t.mapped(), t.atNanos() - first)).toList();
        return new PunchEndpoint(side.credentials(), new NatProfile(
                side.profile().privateTuple(), samples, side.profile().mapping(), side.profile().filtering(),
                side.profile().allocation(), side.profile().type()), side.upnp());
    }

    private NettyMediaPort open() throws Exception {
        return NettyMediaPort.open(group.next(), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
                .get(BOUND_SECONDS, TimeUnit.SECONDS);
    }
}
