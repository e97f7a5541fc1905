package net.sippunch.agent.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sip.SipException;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.proxy.SipProxy;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.netty.EmulatedNatBox;
import net.sippunch.traversal.netty.EmulatedNatRoutes;
import net.sippunch.traversal.netty.NettyDiscovery;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;

/**
 * The embedded default, composed in one place: a discovery server on 127.0.0.1 and 127.0.0.2, the
 * in-process registrar and proxy on 127.0.0.1, and two sites, each an agent in NAT traversal mode behind an
 * emulated NAT box ({@link EmulatedNatBox}: the simulator's NAT model on loopback sockets, public address
 * 127.0.0.11 for site a, 127.0.0.12 for site b); one call from alice (site a) to bob (site b) with a tone each
 * way. Discovery, probes, RTP and RTCP cross both boxes; SIP goes straight to the proxy. Every port is one the
 * system hands out or a box allocates, so it runs beside anything else. Everything is closed in reverse order,
 * each step bounded.
 */
final class LoopbackDemo {

    static final String DOMAIN = "demo.sippunch.test";
    private static final String LOOPBACK = "127.0.0.1";
    private static final String SECOND_LOOPBACK = "127.0.0.2";
    /** Sequential boxes start their port sequence somewhere in here, so two demos at once rarely meet. */
    private static final int SEQUENCE_BASE_MIN = 20000;
    private static final int SEQUENCE_BASE_SPAN = 30000;

    /** The NAT pair of each site: which preset, on which addresses. */
    record SiteSpec(String name, String user, double toneHz, NatPreset nat, InetAddress publicIp, InetAddress host,
                    InetSocketAddress inside) {

        static SiteSpec of(String name, String user, double toneHz, NatPreset nat, int index) {
            InetAddress publicIp = ip("127.0.0." + (10 + index));
            InetAddress lan = ip("127.0." + (10 * index) + ".1");
            return nat == NatPreset.OPEN
                    ? new SiteSpec(name, user, toneHz, nat, publicIp, publicIp, null)
                    : new SiteSpec(name, user, toneHz, nat, publicIp, lan,
                    new InetSocketAddress(ip("127.0." + (10 * index) + ".254"), 0));
        }
    }

    /**
     * One site as the demo ran it.
     *
     * @param stats what its NAT box did (null for {@link NatPreset#OPEN}: no box)
     */
    record Site(String name, String user, NatPreset nat, String publicAddress, String hostAddress,
                EmulatedNatBox.Stats stats) {
    }

    /** What the demo did: where its servers listened, both sites, both sides' reports (callee null when it never rang). */
    record Result(List<InetSocketAddress> discoveryServers, String proxy, Site siteA, Site siteB, CallReport caller,
                  CallReport callee) {

        /** True when RTP went both ways on both sides. */
        boolean mediaBothWays() {
            return caller.mediaBothWays() && callee != null && callee.mediaBothWays();
        }

        /**
         * True when both sides settled a path by probes and each sent its media to the other site's public
         * address: the path runs directly through both NATs.
         */
        boolean directThroughBothNats() {
            return callee != null && settledTo(caller, siteB) && settledTo(callee, siteA);
        }

        private static boolean settledTo(CallReport side, Site other) {
            return side.traversal() != null && side.traversal().settledMillis() != null && side.remoteMedia() != null
                    && side.remoteMedia().startsWith(other.publicAddress() + ":");
        }
    }

    private LoopbackDemo() {
    }

    /**
     * Runs the demo with alice behind {@code natA} and bob behind {@code natB}; progress lines go to
     * {@code progress}.
     *
     * @throws SipException when a SIP stack cannot start (for instance a port taken in between)
     */
    static Result run(Duration callLength, NatPreset natA, NatPreset natB, PrintWriter progress)
            throws IOException, SipException, InterruptedException, ExecutionException, TimeoutException {
        return run(callLength, natA, natB, progress, null, null, null);
    }

    /**
     * Runs the demo as {@link #run(Duration, NatPreset, NatPreset, PrintWriter)} does, with a TURN relay for
     * alice (the caller) and both sides' recordings in {@code recordDir}.
     *
     * @param callerTurn alice's {@code turn:} section (null: none)
     * @param recordDir  where both agents record what they hear (null: nowhere)
     * @param encryption both agents' {@code media.encryption} (null: none)
     */
    static Result run(Duration callLength, NatPreset natA, NatPreset natB, PrintWriter progress,
                      AgentConfig.Turn callerTurn, java.nio.file.Path recordDir, String encryption)
            throws IOException, SipException, InterruptedException, ExecutionException, TimeoutException {
        InetAddress one = InetAddress.getByName(LOOPBACK);
        InetAddress two = InetAddress.getByName(SECOND_LOOPBACK);
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(one, EphemeralPort.udp(one)), new InetSocketAddress(two, EphemeralPort.udp(two))));
        SiteSpec a = SiteSpec.of("a", "alice", 440, natA, 1);
        SiteSpec b = SiteSpec.of("b", "bob", 1000, natB, 2);
        EventLoopGroup group = NettyTransport.newGroup(1, "demo-discovery");
        EventLoopGroup natGroup = NettyTransport.newGroup(2, "demo-nat");
        SplittableRandom random = new SplittableRandom();
        List<Runnable> sites = new ArrayList<>();
        try (NettyDiscoveryServer discovery = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "sippunch-demo"), group);
             SipProxy proxy = SipProxy.start(SipProxy.Settings.open(DOMAIN, LOOPBACK, EphemeralPort.udp(one)))) {
            EmulatedNatBox boxA = startBox(a, natGroup, random, sites);
            EmulatedNatBox boxB = startBox(b, natGroup, random, sites);
            String proxyUri = "sip:" + LOOPBACK + ":" + proxy.port();
            List<String> servers = addresses.listen().stream()
                    .map(x -> x.getAddress().getHostAddress() + ":" + x.getPort()).toList();
            progress.printf("demo: discovery servers %s, registrar and proxy %s (domain %s)%n",
                    String.join(" and ", servers), proxyUri, DOMAIN);
            describe(progress, a);
            describe(progress, b);
            progress.flush();
            // each box seen once from its site before the agents start: this warms every code path a datagram
            // takes (tunnel, box, server), so that the agents' first discovery, run while their SIP stacks still
            // start, is not slowed past the discovery client's hold and skips no filtering test
            CompletableFuture.allOf(look(a, group, addresses.listen(), progress),
                    look(b, group, addresses.listen(), progress)).get(5, TimeUnit.SECONDS);
            UserAgent alice = UserAgent.start(agent(a, proxyUri, servers, callerTurn, recordDir, encryption));
            UserAgent bob;
            try {
                bob = UserAgent.start(agent(b, proxyUri, servers, null, recordDir, encryption));
            } catch (SipException | IOException | RuntimeException e) {
                alice.close();
                throw e;
            }
            CallReport caller;
            CallReport callee;
            try {
                alice.register().get(10, TimeUnit.SECONDS);
                bob.register().get(10, TimeUnit.SECONDS);
                LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
                bob.onCallEnded(bobsCalls::add);
                progress.printf("demo: alice and bob registered; alice calls sip:bob@%s for %d s%n", DOMAIN,
                        callLength.toSeconds());
                progress.flush();
                Call call = alice.dial("sip:bob@" + DOMAIN, new Call.Options(callLength, null, null));
                caller = call.done().get(callLength.toSeconds() + 15, TimeUnit.SECONDS);
                callee = caller.timings().answered() == null && caller.timings().provisional() == null
                        ? bobsCalls.poll() : bobsCalls.poll(5, TimeUnit.SECONDS);
                progress.printf("demo: call ended (%s); shutting down%n", caller.reason());
                progress.flush();
            } finally {
                closeBoth(alice, bob);
            }
            return new Result(addresses.listen(), proxyUri, site(a, boxA), site(b, boxB), caller, callee);
        } finally {
            closeAll(sites);
            natGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** The site's NAT box, with its host address routed through it (null for an open site: no box). */
    private static EmulatedNatBox startBox(SiteSpec site, EventLoopGroup group, SplittableRandom random,
                                           List<Runnable> opened)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (site.inside() == null) {
            return null;
        }
        int base = SEQUENCE_BASE_MIN + random.nextInt(SEQUENCE_BASE_SPAN);
        EmulatedNatBox box = EmulatedNatBox.start(group.next(),
                site.nat().behavior().orElseThrow().withSequenceBase(base), site.publicIp(), site.inside(),
                random.split()).get(5, TimeUnit.SECONDS);
        opened.add(box::close);
        EmulatedNatRoutes.Route route = box.route(site.host());
        opened.add(route::close);
        return box;
    }

    /** A discovery from a spare port of the site's host address, its outcome on the progress lines. */
    private static CompletableFuture<Void> look(SiteSpec site, EventLoopGroup group, List<InetSocketAddress> servers,
                                                PrintWriter progress) {
        return NettyDiscovery.run(group.next(), new InetSocketAddress(site.host(), 0),
                DiscoveryConfig.defaults(servers), new SecureRandom()).thenAccept(outcome -> {
                    synchronized (progress) {
                        progress.printf("demo: site %s seen from %s: %s%n", site.name(), site.host().getHostAddress(),
                                outcome instanceof DiscoveryOutcome.Profiled p ? p.profile().type()
                                        : ((DiscoveryOutcome.Failed) outcome).reason());
                        progress.flush();
                    }
                });
    }

    private static void describe(PrintWriter progress, SiteSpec site) {
        if (site.inside() == null) {
            progress.printf("demo: site %s: %s on %s, no NAT (open)%n", site.name(), site.user(),
                    site.host().getHostAddress());
        } else {
            progress.printf("demo: site %s: %s on %s behind an emulated %s NAT, public address %s%n", site.name(),
                    site.user(), site.host().getHostAddress(), site.nat(), site.publicIp().getHostAddress());
        }
    }

    private static Site site(SiteSpec spec, EmulatedNatBox box)
            throws InterruptedException, ExecutionException, TimeoutException {
        return new Site(spec.name(), spec.user(), spec.nat(), spec.publicIp().getHostAddress(),
                spec.host().getHostAddress(), box == null ? null : box.stats().get(2, TimeUnit.SECONDS));
    }

    /** Closes routes and boxes, the last opened first. */
    private static void closeAll(List<Runnable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).run();
        }
    }

    /** Closes both agents at once (un-REGISTER, stack stop), so their bounded steps overlap. */
    private static void closeBoth(UserAgent alice, UserAgent bob) {
        Thread other = new Thread(bob::close, "demo-close-bob");
        other.start();
        alice.close();
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An agent in NAT traversal mode: SIP on 127.0.0.1 (straight to the proxy), media on the site's host
     * address (behind its box), all ports handed out by the system.
     */
    private static AgentConfig agent(SiteSpec site, String proxyUri, List<String> servers, AgentConfig.Turn turn,
                                     java.nio.file.Path recordDir, String encryption) {
        String host = site.host().getHostAddress();
        int media = Math.min(EphemeralPort.udp(site.host()), 65535 - 99);
        return new AgentConfig(
                new AgentConfig.Account(site.user(), DOMAIN, null, null, null, null, null, proxyUri, true, 300, null),
                new AgentConfig.Sip(LOOPBACK, EphemeralPort.udp(LOOPBACK), "udp", null, "none", null, "sippunch-demo",
                        null, null),
                new AgentConfig.Media(host, null, media, media + 99, null, null, null,
                        new AgentConfig.Tone(site.toneHz(), 0.3), recordDir == null ? null : recordDir.toString(), null,
                        encryption, encryption == null ? null : Boolean.TRUE, null, null, null),
                new AgentConfig.Discovery(servers, 1500, null),
                null, null, null, null,
                new AgentConfig.Timeouts(5, 10, 5, null, 3, null), null, null, turn);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + literal, e);
        }
    }
}
