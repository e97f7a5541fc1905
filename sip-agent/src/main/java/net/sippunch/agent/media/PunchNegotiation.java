package net.sippunch.agent.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import net.sippunch.agent.config.SipHostPort;
import net.sippunch.agent.report.ProfileJson;
import net.sippunch.sdp.OfferAnswer;
import net.sippunch.sdp.PeerExtension;
import net.sippunch.sdp.PunchAttributes;
import net.sippunch.sdp.SdpReading;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.discovery.DiscoveryClient;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.PunchSession;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * NAT traversal mode: discovery from the media port before the offer or answer, the project's SDP attributes
 * beside standard {@code c=}/{@code m=} lines (which carry the first mapped tuple, so a plain peer still
 * reaches us), then the punch engine on the same port; RTP starts on the settled path. A peer without the
 * extension gets standard SDP and symmetric RTP. Discovery and punching run on one media loop thread.
 */
public final class PunchNegotiation implements MediaNegotiation {

    private static final Logger LOG = LogManager.getLogger(PunchNegotiation.class);

    /**
     * What every call of an agent shares: servers, tunables, codecs, and the UPnP step's plan (empty: the
     * media port is not mapped).
     */
    public record Settings(List<InetSocketAddress> discoveryServers, Duration discoveryCap, PunchConfig punch,
                           List<Codec> codecs, Optional<MediaPortMapping.Plan> upnp) {
        public Settings {
            discoveryServers = List.copyOf(discoveryServers);
            codecs = List.copyOf(codecs);
            upnp = upnp != null ? upnp : Optional.empty();
        }

        /** Settings without the UPnP step. */
        public Settings(List<InetSocketAddress> discoveryServers, Duration discoveryCap, PunchConfig punch,
                        List<Codec> codecs) {
            this(discoveryServers, discoveryCap, punch, codecs, Optional.empty());
        }
    }

    /**
     * A discovery server from the config, {@code host:port} as {@code ConfigValidator} accepted it (the same
     * parser); resolved once at start-up.
     */
    public static InetSocketAddress server(String hostPort) {
        SipHostPort parsed = SipHostPort.parse(hostPort)
                .orElseThrow(() -> new IllegalArgumentException("not host:port: " + hostPort));
        return new InetSocketAddress(parsed.host(), parsed.port());
    }

    private final Settings settings;
    private final MediaPort port;
    private final boolean caller;
    private final RandomGenerator random;
    private final IceCredentials credentials;
    private final SessionTask task;
    private final long sessionId;
    private final CompletableFuture<MediaPath> path = new CompletableFuture<>();

    /** The discovery run and its result, set on the loop thread. */
    private DiscoveryClient discovery;
    private CompletableFuture<DiscoveryOutcome> discoveryDone;
    private NatProfile profile;
    private PunchAttributes ownAttributes;
    private PeerExtension peer;
    private Codec codec;
    private boolean rtcpMux = true;
    private InetSocketAddress plainTarget;
    private PunchSession punch;
    private PunchEvent outcome;
    private long startedAt;
    private String failure;
    /** Written by the thread preparing the SDP, read by {@link #stop()} on another. */
    private volatile MediaPortMapping upnp;
    private boolean stopped; // guarded by this
    private Optional<InetSocketAddress> upnpTuple = Optional.empty();

    public PunchNegotiation(Settings settings, MediaLoop loop, MediaPort port, boolean caller, RandomGenerator random) {
        this.settings = settings;
        this.port = port;
        this.caller = caller;
        this.random = random;
        this.credentials = IceCredentials.random(random);
        this.sessionId = random.nextLong() & Long.MAX_VALUE;
        this.task = new SessionTask(loop.next(), port.channel(), port.port(), this::progress);
    }

    @Override
    public String offer() throws SdpProblem {
        discover();
        return render(settings.codecs().stream().map(Codec::payloadType).toList(), true, false);
    }

    /** Discovery (and the UPnP step) run before the offer or answer: yes. */
    @Override
    public boolean preparationWaits() {
        return true;
    }

    @Override
    public String answer(String offer) throws SdpProblem {
        PlainSdp remote = PlainSdp.parse(offer);
        codec = settings.codecs().stream().filter(c -> remote.payloadTypes().contains(c.payloadType())).findFirst()
                .orElseThrow(() -> new SdpProblem("no common codec: offer has payload types " + remote.payloadTypes()));
        rtcpMux = remote.rtcpMux();
        SdpReading reading = OfferAnswer.readOffer(offer);
        if (reading instanceof SdpReading.Invalid invalid) {
            throw new SdpProblem(invalid.message());
        }
        discover();
        if (reading instanceof SdpReading.Extended extended) {
            peer = extended.peer();
            return render(List.of(codec.payloadType()), rtcpMux, true);
        }
        plainTarget = ((SdpReading.Plain) reading).mediaTarget();
        return render(List.of(codec.payloadType()), rtcpMux, false);
    }

    @Override
    public void acceptAnswer(String answer) throws SdpProblem {
        PlainSdp remote = PlainSdp.parse(answer);
        codec = remote.payloadTypes().stream().map(Codec::ofPayloadType)
                .filter(c -> c != null && settings.codecs().contains(c)).findFirst()
                .orElseThrow(() -> new SdpProblem("answer has no codec we offered: " + remote.payloadTypes()));
        rtcpMux = remote.rtcpMux();
        SdpReading reading = OfferAnswer.readAnswer(answer, ownAttributes.version());
        if (reading instanceof SdpReading.Invalid invalid) {
            throw new SdpProblem(invalid.message());
        }
        if (reading instanceof SdpReading.Extended extended) {
            peer = extended.peer();
        } else {
            plainTarget = ((SdpReading.Plain) reading).mediaTarget();
        }
    }

    /** Runs discovery from the media port, time-capped; a failure leaves the private tuple as the only one. */
    private void discover() throws SdpProblem {
        if (profile != null) {
            return;
        }
        if (settings.upnp().isPresent() && upnp == null) {
            // the method's first step: map the media port on the LAN's IGD, before discovery
            synchronized (this) {
                if (stopped) {
                    throw new SdpProblem("stopped before discovery");
                }
                upnp = new MediaPortMapping(settings.upnp().get(), port.port());
            }
            upnp.await();
        }
        InetSocketAddress privateTuple = privateTuple();
        DiscoveryConfig config = DiscoveryConfig.defaults(settings.discoveryServers())
                .withTotalCap(settings.discoveryCap());
        CompletableFuture<DiscoveryOutcome> done = new CompletableFuture<>();
        task.worker().execute(() -> {
            synchronized (this) {
                if (stopped) { // the call ended while the SDP was being prepared: no discovery on its port
                    done.completeExceptionally(new IOException("stopped before discovery"));
                    return;
                }
            }
            try {
                DiscoveryClient client = new DiscoveryClient(config, privateTuple, port.port(), random,
                        System.nanoTime());
                discovery = client;
                discoveryDone = done;
                task.drive(client, System.nanoTime());
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            DiscoveryOutcome outcome = done.get(settings.discoveryCap().toMillis() + 2000, TimeUnit.MILLISECONDS);
            if (!(outcome instanceof DiscoveryOutcome.Profiled profiled)) {
                throw new SdpProblem("discovery failed: " + ((DiscoveryOutcome.Failed) outcome).reason());
            }
            profile = profiled.profile();
            upnpTuple = upnp == null ? Optional.empty() : upnp.confirm(profile);
            ownAttributes = OfferAnswer.attributes(profile, upnpTuple);
            LOG.info("discovery: {} ({} samples, delta {})", profile.type().label(), profile.samples().size(),
                    profile.delta());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SdpProblem("interrupted during discovery");
        } catch (ExecutionException | TimeoutException e) {
            throw new SdpProblem("discovery failed: " + e);
        }
    }

    private InetSocketAddress privateTuple() {
        InetAddress local = port.local().getAddress();
        if (local.isAnyLocalAddress()) {
            try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
                probe.connect(settings.discoveryServers().get(0));
                local = probe.getLocalAddress();
            } catch (IOException e) {
                LOG.debug("no route to the first discovery server: {}", e.toString());
            }
        }
        return new InetSocketAddress(local, port.port());
    }

    /** Standard SDP toward the first mapped tuple, plus the extension (offer, or answer to an extended offer). */
    private String render(List<Integer> payloadTypes, boolean mux, boolean extendedAnswer) throws SdpProblem {
        InetSocketAddress target = OfferAnswer.signalledTarget(profile, upnpTuple);
        String plain = new PlainSdp(target.getAddress().getHostAddress(), target.getPort(), payloadTypes, mux, 20)
                .render(sessionId, 1);
        if (!caller && !extendedAnswer) {
            return plain;
        }
        try {
            SessionDescription sd = SdpFactory.getInstance().createSessionDescription(plain);
            if (caller) {
                OfferAnswer.writeOffer(sd, ownAttributes, credentials);
            } else {
                OfferAnswer.writeAnswer(sd, ownAttributes, credentials, peer.attributes().version());
            }
            return sd.toString();
        } catch (SdpException e) {
            throw new SdpProblem("could not write the SDP: " + e.getMessage());
        }
    }

    @Override
    public CompletableFuture<MediaPath> start() {
        if (codec == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("start before offer/answer"));
        }
        if (peer == null || peer.punchEndpoint(0).isEmpty()) {
            InetSocketAddress target = plainTarget != null ? plainTarget : peer.mediaTarget();
            task.worker().execute(task::stop);
            path.complete(new MediaPath(target, codec, rtcpMux, "plain (peer without the extension)"));
            return path;
        }
        long receivedAt = System.nanoTime();
        // the peer's samples: its last one is taken to be as old as the signalling took, which is unknown,
        // so zero: the prediction then aims low, where the sweeps start anyway
        long lastOffset = peer.attributes().mapped().get(peer.attributes().mapped().size() - 1).offsetMillis();
        PunchEndpoint remote = peer.punchEndpoint(receivedAt - lastOffset * 1_000_000L).orElseThrow();
        PunchEndpoint own = new PunchEndpoint(credentials, profile, upnpTuple);
        punch = new PunchSession(settings.punch(), caller ? PunchRole.CONTROLLING : PunchRole.CONTROLLED, own, remote,
                random);
        if (punch.plan().extraSockets(settings.punch()) > 0) {
            // the agent's media runs on its one media port; birthday sockets would move it elsewhere
            failure = "the plan needs " + punch.plan().extraSockets(settings.punch())
                    + " birthday sockets, which the agent does not open: " + punch.plan().explanation();
            task.worker().execute(task::stop);
            path.complete(new MediaPath(remote.reported(), codec, rtcpMux, "fallback: " + failure));
            return path;
        }
        task.worker().execute(() -> {
            try {
                startedAt = System.nanoTime();
                punch.start(startedAt, List.of());
                task.drive(punch, startedAt);
            } catch (IOException | RuntimeException e) {
                path.completeExceptionally(e);
            }
        });
        return path;
    }

    /** After every input on the loop thread: discovery's end, then the punch's outcome. */
    private void progress(long now) {
        if (discovery != null && discoveryDone != null && discovery.outcome().isPresent() && !discoveryDone.isDone()) {
            discoveryDone.complete(discovery.outcome().get());
            return;
        }
        if (punch == null || outcome != null || punch.outcome().isEmpty()) {
            return;
        }
        outcome = punch.outcome().get();
        task.release();
        MediaPath result;
        if (outcome instanceof PunchEvent.Settled settled) {
            result = new MediaPath(settled.path().remote(), codec, rtcpMux,
                    settled.plan().strategy() + ": " + settled.how());
        } else {
            PunchEvent.GaveUp gaveUp = (PunchEvent.GaveUp) outcome;
            failure = gaveUp.reason();
            result = new MediaPath(gaveUp.fallback().orElseThrow().remote(), codec, rtcpMux,
                    "fallback to the reported tuple: " + gaveUp.reason());
        }
        // hand over after the loop's next select, once the cancelled read registration is gone
        task.worker().schedule(System.nanoTime() + 1_000_000, new MediaLoop.Task() {
            @Override
            public void onReadable() {
            }

            @Override
            public long onTimer(long nowNanos) {
                path.complete(result);
                return -1;
            }
        }, 0);
    }

    @Override
    public boolean handleOther(InetSocketAddress source, byte[] datagram) {
        task.worker().execute(() -> task.deliver(source, datagram));
        return true;
    }

    /**
     * Stops discovery, probing and keepalives, and deletes the UPnP mapping; may be called from another thread
     * than the one preparing the offer or answer (a call cancelled meanwhile), and again.
     */
    @Override
    public void stop() {
        MediaPortMapping mapping;
        synchronized (this) {
            stopped = true; // first: a discovery queued on the loop after this does not start
            mapping = upnp;
        }
        task.worker().execute(task::stop);
        if (mapping != null) {
            mapping.close();
        }
    }

    private MediaPortMapping.Report upnpReport() {
        return upnp == null ? null : upnp.report();
    }

    @Override
    public TraversalSummary summary() {
        ObjectMapper json = new ObjectMapper();
        try {
            JsonNode local = profile == null ? null : json.valueToTree(ProfileJson.profile(profile));
            JsonNode remote = peer == null ? null : json.valueToTree(ProfileJson.profile(peer.natProfile(0)));
            String strategy = punch == null ? null : punch.plan().strategy() + ": " + punch.plan().explanation();
            Long probes = punch == null ? null : punch.stats().probesSent();
            Long settledMillis = outcome instanceof PunchEvent.Settled s ? s.elapsedNanos() / 1_000_000 : null;
            return new TraversalSummary(peer == null ? "plain (peer without the extension)" : "traversal", local,
                    remote, strategy, probes, settledMillis, failure, upnpReport());
        } catch (IllegalArgumentException e) {
            return new TraversalSummary("traversal", null, null, null, null, null, e.toString(), upnpReport());
        }
    }
}
