package net.sippunch.agent.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;

/**
 * The embedded default, composed in one place: a discovery server on 127.0.0.1 and 127.0.0.2, the
 * in-process registrar and proxy on 127.0.0.1, two agents (alice, bob) in NAT traversal mode registered
 * there, one call from alice to bob with a tone each way. Every port is one the system hands out, so it
 * runs beside anything else. Everything is closed in reverse order, each step bounded.
 */
final class LoopbackDemo {

    static final String DOMAIN = "demo.sippunch.test";
    private static final String LOOPBACK = "127.0.0.1";
    private static final String SECOND_LOOPBACK = "127.0.0.2";

    /** What the demo did: where its servers listened and both sides' reports (callee null when it never rang). */
    record Result(List<InetSocketAddress> discoveryServers, String proxy, CallReport caller, CallReport callee) {

        /** True when RTP went both ways on both sides. */
        boolean mediaBothWays() {
            return caller.mediaBothWays() && callee != null && callee.mediaBothWays();
        }
    }

    private LoopbackDemo() {
    }

    /**
     * Runs the demo; progress lines go to {@code progress}.
     *
     * @throws SipException when a SIP stack cannot start (for instance a port taken in between)
     */
    static Result run(Duration callLength, PrintWriter progress)
            throws IOException, SipException, InterruptedException, ExecutionException, TimeoutException {
        InetAddress one = InetAddress.getByName(LOOPBACK);
        InetAddress two = InetAddress.getByName(SECOND_LOOPBACK);
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(one, EphemeralPort.udp(one)), new InetSocketAddress(two, EphemeralPort.udp(two))));
        EventLoopGroup group = NettyTransport.newGroup(1, "demo-discovery");
        try (NettyDiscoveryServer discovery = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "sippunch-demo"), group);
             SipProxy proxy = SipProxy.start(SipProxy.Settings.open(DOMAIN, LOOPBACK, EphemeralPort.udp(one)))) {
            String proxyUri = "sip:" + LOOPBACK + ":" + proxy.port();
            List<String> servers = addresses.listen().stream()
                    .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList();
            progress.printf("demo: discovery servers %s, registrar and proxy %s (domain %s)%n",
                    String.join(" and ", servers), proxyUri, DOMAIN);
            progress.flush();
            UserAgent alice = UserAgent.start(agent("alice", 440, proxyUri, servers));
            UserAgent bob;
            try {
                bob = UserAgent.start(agent("bob", 1000, proxyUri, servers));
            } catch (SipException | IOException | RuntimeException e) {
                alice.close();
                throw e;
            }
            try {
                alice.register().get(10, TimeUnit.SECONDS);
                bob.register().get(10, TimeUnit.SECONDS);
                LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
                bob.onCallEnded(bobsCalls::add);
                progress.printf("demo: alice and bob registered; alice calls sip:bob@%s for %d s%n", DOMAIN,
                        callLength.toSeconds());
                progress.flush();
                Call call = alice.dial("sip:bob@" + DOMAIN, new Call.Options(callLength, null, null));
                CallReport caller = call.done().get(callLength.toSeconds() + 15, TimeUnit.SECONDS);
                CallReport callee = caller.timings().answered() == null && caller.timings().provisional() == null
                        ? bobsCalls.poll() : bobsCalls.poll(5, TimeUnit.SECONDS);
                progress.printf("demo: call ended (%s); shutting down%n", caller.reason());
                progress.flush();
                return new Result(addresses.listen(), proxyUri, caller, callee);
            } finally {
                closeBoth(alice, bob);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
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

    /** An agent on loopback in NAT traversal mode, all ports handed out by the system. */
    private static AgentConfig agent(String user, double toneHz, String proxyUri, List<String> servers) {
        int media = Math.min(EphemeralPort.udp(LOOPBACK), 65535 - 99);
        return new AgentConfig(
                new AgentConfig.Account(user, DOMAIN, null, null, null, null, null, proxyUri, true, 300, null),
                new AgentConfig.Sip(LOOPBACK, EphemeralPort.udp(LOOPBACK), "udp", null, "none", null, "sippunch-demo",
                        null),
                new AgentConfig.Media(LOOPBACK, null, media, media + 99, null, null, null,
                        new AgentConfig.Tone(toneHz, 0.3), null, null),
                new AgentConfig.Discovery(servers, 1500, null),
                null, null, null, null,
                new AgentConfig.Timeouts(5, 10, 5, null, 3, null), null, null);
    }
}
