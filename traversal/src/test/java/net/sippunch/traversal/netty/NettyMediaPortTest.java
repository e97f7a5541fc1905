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
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
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

/** Discovery, then the punch engine, on one media port of real loopback sockets. */
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
            DiscoveryConfig discovery = DiscoveryConfig.defaults(server.addresses().subList(0, 2));
            NatProfile callerProfile = profiled(caller.discover(discovery, random.split()));
            NatProfile calleeProfile = profiled(callee.discover(discovery, random.split()));
            assertEquals(NatType.OPEN, callerProfile.type(), callerProfile.toString());
            assertEquals(caller.localAddress(), callerProfile.privateTuple(), "discovered from the media port");
            assertEquals(caller.localAddress().getPort(), callerProfile.lastMapping().orElseThrow().port());

            PunchEndpoint callerSide = endpoint(callerProfile);
            PunchEndpoint calleeSide = endpoint(calleeProfile);
            CompletableFuture<PunchEvent> calleeDone = callee.punch(PunchConfig.defaults(), PunchRole.CONTROLLED,
                    calleeSide, callerSide, random.split(), s -> { });
            CompletableFuture<PunchEvent> callerDone = caller.punch(PunchConfig.defaults(), PunchRole.CONTROLLING,
                    callerSide, calleeSide, random.split(), s -> { });

            PunchEvent.Settled atCaller = assertInstanceOf(PunchEvent.Settled.class,
                    callerDone.get(BOUND_SECONDS, TimeUnit.SECONDS));
            PunchEvent.Settled atCallee = assertInstanceOf(PunchEvent.Settled.class,
                    calleeDone.get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertEquals(Strategy.DIRECT, atCaller.plan().strategy());
            assertEquals(caller.localAddress().getPort(), atCaller.path().localPort(), "punched from the media port");
            assertEquals(callee.localAddress(), atCaller.path().remote());
            assertEquals(caller.localAddress(), atCallee.path().remote());
            assertTrue(caller.extraAddresses().isEmpty(), "a direct plan binds no extra socket");

            // after settling, a non-STUN datagram (an RTP header) goes to the owner's handler
            CompletableFuture<byte[]> media = new CompletableFuture<>();
            caller.onUnhandled((port, source, payload) -> {
                if (port == caller.localAddress().getPort() && (payload[0] & 0xC0) == 0x80) {
                    media.complete(payload);
                }
            });
            byte[] rtp = {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42};
            callee.send(new Transmit(atCallee.path().localPort(), atCallee.path().remote(), rtp));
            assertArrayEquals(rtp, media.get(BOUND_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBirthdayPlanBindsItsExtraSocketsOnTheMediaPortsAddress() throws Exception {
        PunchConfig defaults = PunchConfig.defaults();
        PunchConfig config = new PunchConfig(defaults.schedule(), defaults.initialWaitNanos(),
                defaults.probeIntervalNanos(), defaults.windowBelow(), defaults.windowAbove(), defaults.sweepRate(),
                defaults.maxProbes(), 12, defaults.birthdayRefreshNanos(), defaults.randomPortLow(),
                defaults.giveUpNanos(), defaults.driftAim(), defaults.settleLingerNanos(),
                defaults.consentIntervalNanos(), defaults.consentTimeoutNanos(), defaults.sha256());
        try (NettyMediaPort random = open(); NettyMediaPort cone = open()) {
            // no NAT on loopback: the profiles say what the plan is decided from
            PunchEndpoint randomSide = endpoint(described(random.localAddress(), NatType.SYMMETRIC_RANDOM,
                    MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.RANDOM));
            PunchEndpoint coneSide = endpoint(described(cone.localAddress(), NatType.PORT_RESTRICTED_CONE,
                    MappingBehavior.ENDPOINT_INDEPENDENT, PortAllocation.PRESERVING));
            CompletableFuture<PunchEvent> atCone = cone.punch(config, PunchRole.CONTROLLED, coneSide, randomSide,
                    this.random.split(), s -> { });
            CompletableFuture<PunchEvent> atRandom = random.punch(config, PunchRole.CONTROLLING, randomSide, coneSide,
                    this.random.split(), s -> { });

            PunchEvent.Settled settled = assertInstanceOf(PunchEvent.Settled.class,
                    atRandom.get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(PunchEvent.Settled.class, atCone.get(BOUND_SECONDS, TimeUnit.SECONDS));
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

    private NettyMediaPort open() throws Exception {
        return NettyMediaPort.open(group.next(), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
                .get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    private static NatProfile profiled(CompletableFuture<DiscoveryOutcome> outcome) throws Exception {
        return assertInstanceOf(DiscoveryOutcome.Profiled.class, outcome.get(BOUND_SECONDS, TimeUnit.SECONDS))
                .profile();
    }

    private PunchEndpoint endpoint(NatProfile profile) {
        return new PunchEndpoint(IceCredentials.random(random), profile, Optional.empty());
    }

    private static NatProfile described(InetSocketAddress local, NatType type, MappingBehavior mapping,
                                        PortAllocation allocation) {
        InetSocketAddress server = new InetSocketAddress(local.getAddress(), 3478);
        return new NatProfile(local, List.of(new MappedTuple(server, local, System.nanoTime())), mapping,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, allocation, type);
    }
}
