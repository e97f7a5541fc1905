package net.sippunch.agent.cli;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import net.sippunch.agent.report.PunchJson;
import net.sippunch.sdp.OfferAnswer;
import net.sippunch.sdp.PeerExtension;
import net.sippunch.sdp.PunchAttributes;
import net.sippunch.sdp.SdpReading;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.call.TraversalMilestones;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchRole;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sip-agent punch-test}: one side of a call's traversal without SIP. Standard input and output carry
 * the offer and answer between two processes (a person or a test harness relays the lines, standing in for
 * the signalling server). It drives the call's {@link CallTraversal} on a {@link NettyMediaPort}, as the agent
 * does for each call.
 */
@Command(name = "punch-test",
        mixinStandardHelpOptions = true,
        description = {
                "Runs one side of the traversal on real sockets: discovery from the media port, the SDP offer or "
                        + "answer with the punch attributes, then the punch engine on the same port.",
                "Lines on standard output: the caller prints 'OFFER <base64 SDP>' and reads 'ANSWER <base64 SDP>' "
                        + "on standard input; the callee reads 'OFFER ...' and prints 'ANSWER ...', then starts "
                        + "punching at once (the caller when it reads the answer). Relay each side's line to the "
                        + "other. Last comes the result: one JSON line with --json (ok, strategy, settledPath, "
                        + "elapsedMs, probesSent, reason, natType, peerNatType, ...), else one line of text.",
                "Exit status: 0 when a direct path settled, 1 when punching gave up or discovery failed, "
                        + "2 on a usage error or a bad line from the peer."})
final class PunchTestCommand implements Callable<Integer> {

    private static final Logger LOG = LogManager.getLogger(PunchTestCommand.class);

    /** Which side of the call this process plays. */
    enum Role { caller, callee }

    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", converter = HostPort.class,
            description = "discovery (STUN) server; give two, at different IPs, for a delta")
    List<InetSocketAddress> servers;

    @Option(names = "--role", required = true, paramLabel = "caller|callee",
            description = "caller: prints the offer, reads the answer; callee: reads the offer, prints the answer")
    Role role;

    @Option(names = "--local-port", defaultValue = "0", paramLabel = "N",
            description = "the media port: discovery and probes leave from it (default: any free port)")
    int localPort;

    @Option(names = "--local-address", defaultValue = "0.0.0.0", paramLabel = "IP",
            description = "local address of the media port and of any extra sockets (default: ${DEFAULT-VALUE})")
    String localAddress;

    @Option(names = "--linger-ms", defaultValue = "1500", paramLabel = "MS",
            description = "after the result, keep answering the peer's probes this long so it can settle too "
                    + "(default: ${DEFAULT-VALUE})")
    long lingerMs;

    @Option(names = "--json", description = "print the result as one JSON line")
    boolean json;

    private final BufferedReader in;
    private final PrintStream out;
    private final EventLoopGroup sharedGroup;
    private final Consumer<NettyMediaPort> keeper;

    /** Reads standard input, writes standard output, runs its own event loop. */
    PunchTestCommand() {
        this(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out, null, null);
    }

    /**
     * For a process that runs several trials: lines from {@code in}, lines to {@code out}, sockets on a
     * loop of {@code group}, which stays the caller's. After the result the open media port goes to
     * {@code keeper}, which closes it when the peer is done too ({@code --linger-ms} does not apply).
     */
    PunchTestCommand(BufferedReader in, PrintStream out, EventLoopGroup group, Consumer<NettyMediaPort> keeper) {
        this.in = in;
        this.out = out;
        this.sharedGroup = group;
        this.keeper = keeper;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (localPort < 0 || localPort > 65535 || lingerMs < 0 || lingerMs > 60_000) {
            System.err.println("punch-test: --local-port must be 0..65535 and --linger-ms 0..60000");
            return 2;
        }
        EventLoopGroup group = sharedGroup != null ? sharedGroup : NettyTransport.newGroup(1, "punch-test");
        EventLoop loop = group.next();
        NettyMediaPort port = null;
        try {
            port = NettyMediaPort.open(loop, new InetSocketAddress(localAddress, localPort)).get(10, TimeUnit.SECONDS);
            return trial(port);
        } catch (BadPeerLine e) {
            return usage(e.getMessage());
        } catch (ExecutionException e) {
            System.err.println("punch-test: " + e.getCause().getMessage());
            return 1;
        } catch (TimeoutException e) {
            System.err.println("punch-test: no outcome within the cap");
            return 1;
        } catch (IOException e) {
            System.err.println("punch-test: reading the peer's line: " + e.getMessage());
            return 2;
        } finally {
            if (sharedGroup == null) {
                if (port != null) {
                    TimeUnit.MILLISECONDS.sleep(lingerMs);
                    port.close();
                }
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            } else if (port != null) {
                keeper.accept(port);
            }
        }
    }

    private int trial(NettyMediaPort port)
            throws InterruptedException, ExecutionException, TimeoutException, IOException, BadPeerLine {
        // probe credentials, tie-breaker and transaction ids: an off-path attacker must not guess them
        SecureRandom random = new SecureRandom();
        CallTraversal.Settings settings = new CallTraversal.Settings(DiscoveryConfig.defaults(servers),
                PunchConfig.defaults());
        CallTraversal traversal = new CallTraversal(settings,
                role == Role.caller ? PunchRole.CONTROLLING : PunchRole.CONTROLLED, IceCredentials.random(random),
                port.privateTuple(servers.get(0)), Optional.empty(), random);
        TraversalMilestones milestones = new TraversalMilestones(event -> LOG.debug("{}: {}", role, event));
        port.run(traversal, milestones);
        TraversalEvent found = milestones.discovery()
                .get(settings.discovery().totalCap().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        if (found instanceof TraversalEvent.DiscoveryFailed failed) {
            printResult(PunchJson.discoveryFailed(role.name(), failed.reason(), failed.elapsedNanos() / 1_000_000));
            return 1;
        }
        TraversalEvent.Discovered discovered = (TraversalEvent.Discovered) found;
        long discoveryMs = discovered.elapsedNanos() / 1_000_000;
        NatProfile profile = discovered.profile();
        IceCredentials credentials = discovered.local().credentials();
        PunchAttributes mine = OfferAnswer.attributes(profile, Optional.empty());
        PeerExtension peer;
        if (role == Role.caller) {
            out.println("OFFER " + encode(description(profile, mine, credentials, -1)));
            SdpReading answer = OfferAnswer.readAnswer(readPeer("ANSWER"), mine.version());
            if (!(answer instanceof SdpReading.Extended e)) {
                return usage("the answer has no usable punch extension: " + answer);
            }
            peer = e.peer();
        } else {
            SdpReading offer = OfferAnswer.readOffer(readPeer("OFFER"));
            if (!(offer instanceof SdpReading.Extended e)) {
                return usage("the offer has no usable punch extension: " + offer);
            }
            peer = e.peer();
            out.println("ANSWER " + encode(description(profile, mine, credentials, peer.attributes().version())));
        }
        // the peer's samples on the loop's clock: its freshest sample taken now (the signalling delay is unknown)
        Optional<PunchEndpoint> peerSide = peer.punchEndpointReceivedAt(System.nanoTime());
        if (peerSide.isEmpty()) {
            return usage("the peer named no mapped tuple");
        }
        PunchEndpoint remote = peerSide.get();
        port.execute(() -> {
            traversal.peer(System.nanoTime(), remote);
            // the operator pasted the peer's description: that is the peer's consent (a call's ACK)
            traversal.confirmed(System.nanoTime());
        });
        PunchEvent event = milestones.outcome()
                .get(settings.punch().giveUpNanos() / 1_000_000 + 10_000, TimeUnit.MILLISECONDS);
        printResult(PunchJson.outcome(role.name(), event, profile, remote.profile(), discoveryMs,
                port.localAddress().getPort(), port.extraAddresses().size()));
        return event instanceof PunchEvent.Settled ? 0 : 1;
    }

    private void printResult(Map<String, Object> result) {
        out.println(json ? PunchJson.toJson(result) : PunchJson.toText(result));
    }

    /** The SDP of this side: a plain audio stream at the signalled target, with the punch attributes. */
    private static String description(NatProfile profile, PunchAttributes mine, IceCredentials credentials,
                                      int offerVersion) {
        InetSocketAddress target = OfferAnswer.signalledTarget(profile, Optional.empty());
        String ip = target.getAddress().getHostAddress();
        String family = ip.contains(":") ? "IP6" : "IP4";
        String text = "v=0\r\n"
                + "o=- " + (System.currentTimeMillis() / 1000) + " 1 IN " + family + " " + ip + "\r\n"
                + "s=punch-test\r\n"
                + "c=IN " + family + " " + ip + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + target.getPort() + " RTP/AVP 0\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n";
        try {
            SessionDescription sdp = SdpFactory.getInstance().createSessionDescription(text);
            if (offerVersion < 0) {
                OfferAnswer.writeOffer(sdp, mine, credentials);
            } else {
                OfferAnswer.writeAnswer(sdp, mine, credentials, offerVersion);
            }
            return sdp.toString();
        } catch (SdpException e) {
            throw new IllegalStateException("the fixed SDP template must parse", e);
        }
    }

    private static String encode(String sdp) {
        return Base64.getEncoder().encodeToString(sdp.getBytes(StandardCharsets.UTF_8));
    }

    /** A line from the peer that is not what this side waits for. */
    private static final class BadPeerLine extends Exception {
        BadPeerLine(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads the peer's line, skipping blank ones, and returns its decoded SDP text. */
    private String readPeer(String keyword) throws IOException, BadPeerLine {
        String line = in.readLine();
        while (line != null && line.isBlank()) {
            line = in.readLine();
        }
        if (line == null) {
            throw new BadPeerLine("standard input ended before the peer's " + keyword + " line");
        }
        line = line.strip();
        if (!line.startsWith(keyword + " ")) {
            throw new BadPeerLine("expected '" + keyword + " <base64>', got '" + shorten(line) + "'");
        }
        try {
            byte[] sdp = Base64.getDecoder().decode(line.substring(keyword.length() + 1).strip());
            if (sdp.length > OfferAnswer.MAX_SDP_CHARS) {
                throw new BadPeerLine("the peer's SDP is longer than " + OfferAnswer.MAX_SDP_CHARS + " bytes");
            }
            return new String(sdp, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadPeerLine("the peer's " + keyword + " line is not base64: " + e.getMessage());
        }
    }

    private static int usage(String problem) {
        System.err.println("punch-test: " + problem);
        return 2;
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
