package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.call.TraversalMilestones;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.Strategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A call's traversal (discovery, then the punch engine) on one media port of real loopback sockets. */
class NettyMediaPortTest {

    /** Generous bound on a loopback exchange that takes milliseconds; a hang fails instead of blocking. */
    private static final long BOUND_SECONDS = 20;

    private EventLoopGroup group;
    private NettyDiscoveryServer server;
    private final SplittableRandom random = new SplittableRandom(7);

    @BeforeEach
    void start() throws Exception {
        group = NettyTransport.newGroup(2, "media-port-test");
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
    void discoveryThenPunchOnTheSamePortSettleOpenToOpen() throws Exception {
        try (NettyMediaPort caller = open(); NettyMediaPort callee = open()) {
            CallTraversal.Settings settings = new CallTraversal.Settings(
                    DiscoveryConfig.defaults(server.addresses().subList(0, 2)), PunchConfig.defaults());
            CallTraversal atCaller = traversal(caller, settings, PunchRole.CONTROLLING);
            CallTraversal atCallee = traversal(callee, settings, PunchRole.CONTROLLED);
            TraversalMilestones callerEvents = new TraversalMilestones();
            TraversalMilestones calleeEvents = new TraversalMilestones();
            caller.run(atCaller, callerEvents);
            callee.run(atCallee, calleeEvents);
            PunchEndpoint callerSide = discovered(callerEvents);
            PunchEndpoint calleeSide = discovered(calleeEvents);
            NatProfile callerProfile = callerSide.profile();
            assertEquals(NatType.OPEN, callerProfile.type(), callerProfile.toString());
            assertEquals(caller.localAddress(), callerProfile.privateTuple(), "discovered from the media port");
            assertEquals(caller.localAddress().getPort(), callerProfile.lastMapping().orElseThrow().port());

            callee.execute(() -> atCallee.peer(System.nanoTime(), callerSide));
            caller.execute(() -> atCaller.peer(System.nanoTime(), calleeSide));

            PunchEvent.Settled settledAtCaller = assertInstanceOf(PunchEvent.Settled.class,
                    callerEvents.outcome().get(BOUND_SECONDS, TimeUnit.SECONDS));
            PunchEvent.Settled settledAtCallee = assertInstanceOf(PunchEvent.Settled.class,
                    calleeEvents.outcome().get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertEquals(Strategy.DIRECT, settledAtCaller.plan().strategy());
            assertEquals(caller.localAddress().getPort(), settledAtCaller.path().localPort(),
                    "punched from the media port");
            assertEquals(callee.localAddress(), settledAtCaller.path().remote());
            assertEquals(caller.localAddress(), settledAtCallee.path().remote());
            assertTrue(caller.extraAddresses().isEmpty(), "a direct plan binds no extra socket");

            // after settling, a non-STUN datagram (an RTP header) goes to the owner's handler
            CompletableFuture<byte[]> media = new CompletableFuture<>();
            caller.onUnhandled((port, source, payload) -> {
                if (port == caller.localAddress().getPort() && (payload[0] & 0xC0) == 0x80) {
                    media.complete(payload);
                }
            });
            byte[] rtp = {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42};
            callee.send(new Transmit(settledAtCallee.path().localPort(), settledAtCallee.path().remote(), rtp));
            assertArrayEquals(rtp, media.get(BOUND_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBirthdayPlanBindsItsExtraSocketsOnTheMediaPortsAddress() throws Exception {
        PunchConfig defaults = PunchConfig.defaults();
        PunchConfig config = new PunchConfig(defaults.schedule(), defaults.initialWaitNanos(),
                defaults.initialWaitRtts(), defaults.initialWaitFloorNanos(), defaults.probeIntervalNanos(),
                defaults.windowBelow(), defaults.windowAbove(), defaults.sweepRate(),
                defaults.maxProbes(), 12, defaults.birthdayRefreshNanos(), defaults.randomPortLow(),
                defaults.giveUpNanos(), defaults.driftAim(), defaults.settleLingerNanos(),
                defaults.consentIntervalNanos(), defaults.consentTimeoutNanos(), defaults.sha256());
        CallTraversal.Settings settings = new CallTraversal.Settings(
                DiscoveryConfig.defaults(server.addresses().subList(0, 2)), config);
        try (NettyMediaPort random = open(); NettyMediaPort cone = open()) {
            // no NAT on loopback: the profiles say what the plan is decided from
            CallTraversal atRandom = traversal(random, settings, PunchRole.CONTROLLING);
            CallTraversal atCone = traversal(cone, settings, PunchRole.CONTROLLED);
            TraversalMilestones randomEvents = new TraversalMilestones();
            TraversalMilestones coneEvents = new TraversalMilestones();
            random.run(atRandom, described(random.localAddress(), NatType.SYMMETRIC_RANDOM,
                    MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.RANDOM), randomEvents);
            cone.run(atCone, described(cone.localAddress(), NatType.PORT_RESTRICTED_CONE,
                    MappingBehavior.ENDPOINT_INDEPENDENT, PortAllocation.PRESERVING), coneEvents);
            PunchEndpoint randomSide = discovered(randomEvents);
            PunchEndpoint coneSide = discovered(coneEvents);
            cone.execute(() -> atCone.peer(System.nanoTime(), randomSide));
            random.execute(() -> atRandom.peer(System.nanoTime(), coneSide));

            PunchEvent.Settled settled = assertInstanceOf(PunchEvent.Settled.class,
                    randomEvents.outcome().get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(PunchEvent.Settled.class, coneEvents.outcome().get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertEquals(Strategy.BIRTHDAY_SOCKETS, settled.plan().strategy());
            List<InetSocketAddress> extra = random.extraAddresses();
            assertEquals(12, extra.size(), extra.toString());
            Set<Integer> ports = new HashSet<>();
            for (InetSocketAddress a : extra) {
                assertEquals(random.localAddress().getAddress(), a.getAddress(), "bound on the media port's address");
                assertNotEquals(random.localAddress().getPort(), a.getPort());
                ports.add(a.getPort());
            }
            assertEquals(12, ports.size(), "every extra socket has its own port");
            assertTrue(cone.extraAddresses().isEmpty(), "the spraying side needs no extra socket");
        }
    }

    private CallTraversal traversal(NettyMediaPort port, CallTraversal.Settings settings, PunchRole role) {
        return new CallTraversal(settings, role, IceCredentials.random(random),
                port.privateTuple(server.addresses().get(0)), Optional.empty(), random.split());
    }

    private static PunchEndpoint discovered(TraversalMilestones events) throws Exception {
        return assertInstanceOf(TraversalEvent.Discovered.class,
                events.discovery().get(BOUND_SECONDS, TimeUnit.SECONDS)).local();
    }

    private NettyMediaPort open() throws Exception {
        return NettyMediaPort.open(group.next(), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
                .get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    private static NatProfile described(InetSocketAddress local, NatType type, MappingBehavior mapping,
                                        PortAllocation allocation) {
        InetSocketAddress server = new InetSocketAddress(local.getAddress(), 3478);
        return new NatProfile(local, List.of(new MappedTuple(server, local, System.nanoTime())), mapping,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, allocation, type);
    }
}
