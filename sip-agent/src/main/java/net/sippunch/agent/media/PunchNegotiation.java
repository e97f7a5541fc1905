package net.sippunch.agent.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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
import net.sippunch.sdp.IceCandidateCodec;
import net.sippunch.sdp.OfferAnswer;
import net.sippunch.sdp.PeerExtension;
import net.sippunch.sdp.PunchAttributes;
import net.sippunch.sdp.PunchRelay;
import net.sippunch.sdp.SdpReading;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.call.TraversalMilestones;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.NatKnowledge;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.punch.LocalCandidates;
import net.sippunch.traversal.punch.MappingClass;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchRole;
import net.sippunch.traversal.punch.StandardPeer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * NAT traversal mode: the call's {@link CallTraversal} on its media port (discovery before the offer or
 * answer, the punch once the peer's description is known, consent while media flows), the project's SDP
 * attributes beside standard {@code c=}/{@code m=} lines (which carry the first mapped tuple, so a plain peer
 * still reaches us), and RTP on the settled path. A peer without the extension gets standard SDP and plain
 * mode's symmetric RTP. The UPnP step (a blocking IGD dialogue) runs on the thread preparing the SDP, before
 * discovery; everything else runs on the media port's event loop.
 */
public final class PunchNegotiation implements MediaNegotiation {

    private static final Logger LOG = LogManager.getLogger(PunchNegotiation.class);
    /** Ports above a plain peer's signalled one opened toward it (see {@link #window}). */
    static final int PLAIN_WINDOW = 32;
    /** How often the callee checks the caller's relayed address, and how many checks at most (10 s). */
    static final long RELAY_CHECK_INTERVAL_NANOS = 200_000_000L;
    static final int RELAY_CHECKS = 50;

    /**
     * What every call of an agent shares: servers, tunables, codecs, the UPnP step's plan (empty: the media
     * port is not mapped), and what the agent knows of its NAT between calls (empty: every call runs the whole
     * discovery, filtering tests included).
     */
    public record Settings(List<InetSocketAddress> discoveryServers, Duration discoveryCap, PunchConfig punch,
                           List<Codec> codecs, Optional<MediaPortMapping.Plan> upnp, Optional<NatLearning> learning,
                           Optional<TurnRelay.Settings> relay) {
        public Settings {
            discoveryServers = List.copyOf(discoveryServers);
            codecs = List.copyOf(codecs);
            upnp = upnp != null ? upnp : Optional.empty();
            learning = learning != null ? learning : Optional.empty();
            relay = relay != null ? relay : Optional.empty();
        }

        /** Settings without a TURN relay. */
        public Settings(List<InetSocketAddress> discoveryServers, Duration discoveryCap, PunchConfig punch,
                        List<Codec> codecs, Optional<MediaPortMapping.Plan> upnp, Optional<NatLearning> learning) {
            this(discoveryServers, discoveryCap, punch, codecs, upnp, learning, Optional.empty());
        }

        /** These settings with {@code relay} as the last resort of calls whose punch gives up. */
        public Settings withRelay(TurnRelay.Settings relay) {
            return new Settings(discoveryServers, discoveryCap, punch, codecs, upnp, learning, Optional.of(relay));
        }

        /** Settings without the UPnP step and without knowledge kept between calls. */
        public Settings(List<InetSocketAddress> discoveryServers, Duration discoveryCap, PunchConfig punch,
                        List<Codec> codecs) {
            this(discoveryServers, discoveryCap, punch, codecs, Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** The discovery of every call. */
        public DiscoveryConfig discovery() {
            return discovery(discoveryServers, discoveryCap);
        }

        /** The discovery of every call, and of the agent's learning between calls: the defaults, capped. */
        public static DiscoveryConfig discovery(List<InetSocketAddress> servers, Duration cap) {
            return DiscoveryConfig.defaults(servers).withTotalCap(cap);
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
    private final NettyMediaPort port;
    private final boolean caller;
    private final RandomGenerator random;
    private final IceCredentials credentials;
    private final long sessionId;
    private final TraversalMilestones milestones = new TraversalMilestones(this::onEvent);
    private final CompletableFuture<MediaPath> path = new CompletableFuture<>();
    /** Completes once the caller's relayed address is ready to offer (before the path: a handshake needs it). */
    private final CompletableFuture<Void> relayOfferDue = new CompletableFuture<>();

    private CallTraversal traversal;
    private NatProfile profile;
    /** This side's ICE candidates, from discovery; the preferred one goes in {@code c=}/{@code m=}. */
    private LocalCandidates candidates;
    private PunchAttributes ownAttributes;
    private PeerExtension peer;
    /** A peer that speaks standard ICE without the extension: its candidates are checked. */
    private StandardPeer icePeer;
    /** Its RTCP candidates, when it does not multiplex RTCP: they are checked from {@link #rtcp}. */
    private StandardPeer iceRtcpPeer;
    /** The RTCP component for such a peer (written by the thread preparing the SDP). */
    private volatile RtcpComponent rtcp;
    private NatProfile rtcpProfile;
    private LocalCandidates rtcpCandidates;
    private Codec codec;
    private boolean rtcpMux = true;
    private InetSocketAddress plainTarget;
    /** Written by the thread preparing the SDP, read by {@link #stop()} on another. */
    private volatile MediaPortMapping upnp;
    private boolean stopped; // guarded by this
    private Optional<InetSocketAddress> upnpTuple = Optional.empty();
    /** How discovery went, for the report; written by the thread preparing the SDP. */
    private volatile TraversalSummary.Discovery discoveryRun;
    /** What the punch did, for the report; written on the loop. */
    private volatile String strategy;
    private volatile Long probesSent;
    private volatile Long settledMillis;
    private volatile String failure;
    /** What moved or lost the path, for the call's watch (on the loop). */
    private final PathFollower follower = new PathFollower();
    /** How long the relay's socket stays open after a direct path took over: what it still brings is heard. */
    static final long HANDOVER_GRACE_MILLIS = 2000;
    /** The caller's TURN allocation once its punch gave up or ran too long (written on the loop). */
    private volatile TurnRelay relay;
    /** Why the relay was allocated: the punch's give-up, or no direct path in time. */
    private volatile String relayWanted;
    /** Set on the loop once the path given to media is relayed (the caller's relay, the callee's checked one). */
    private volatile boolean relayPathGiven;
    /**
     * When media started through the relay (the caller's first proven check, the callee's answered one), and when
     * a direct path took over from it (nanoTime).
     */
    private volatile Long relayCarriedAt;
    private volatile Long directAt;
    /** The caller's relayed address once ready, to signal in the re-offer; the callee's peer's, once offered. */
    private volatile InetSocketAddress relayed;
    private volatile boolean relayOffered;
    /** When the punch gave up (nanoTime), for the relay's times. */
    private volatile long gaveUpAt;
    /** When the callee was asked to check the peer's relayed address (nanoTime); answered: relayCarriedAt. */
    private volatile Long relayCheckedAt;
    private volatile String relayFailure;
    /** Set once the updated offer was made: the session's defaults from then on (under the call's lock). */
    private volatile Selection selection;

    /**
     * @param random a cryptographic generator ({@code SecureRandom}): the probe credentials, transaction ids
     *               and tie-breaker come from it
     */
    public PunchNegotiation(Settings settings, NettyMediaPort port, boolean caller, RandomGenerator random) {
        this.settings = settings;
        this.port = port;
        this.caller = caller;
        this.random = random;
        this.credentials = IceCredentials.random(random);
        this.sessionId = random.nextLong() & Long.MAX_VALUE;
    }

    /**
     * What a description carries besides standard SDP: an offer the extension and ICE; an answer the
     * extension and ICE, ICE alone, or nothing.
     */
    private enum Description { OFFER, EXTENDED_ANSWER, ICE_ANSWER, PLAIN_ANSWER, ICE_UPDATED_OFFER }

    /**
     * The pairs ICE selected, as the updated offer names them (RFC 8839): our candidate of each component (the
     * default from then on) and the peer's, and the o= version of the session that has them.
     */
    private record Selection(Candidate rtp, InetSocketAddress rtpRemote, Optional<Candidate> rtcp,
                             Optional<InetSocketAddress> rtcpRemote, int version) {

        /** {@code a=remote-candidates}: component, address and port of the peer's side of each pair. */
        String remoteCandidates() {
            StringBuilder s = new StringBuilder(triplet(Candidate.RTP, rtpRemote));
            rtcpRemote.ifPresent(r -> s.append(' ').append(triplet(Candidate.RTCP, r)));
            return s.toString();
        }

        private static String triplet(int component, InetSocketAddress remote) {
            return component + " " + remote.getAddress().getHostAddress() + " " + remote.getPort();
        }
    }

    @Override
    public String offer() throws SdpProblem {
        discover(true); // whether the answerer multiplexes RTCP is not known yet: an RTCP component too
        return render(settings.codecs().stream().map(Codec::payloadType).toList(), true, Description.OFFER, 1);
    }

    /** Discovery (and the UPnP step) run before the offer or answer: yes. */
    @Override
    public boolean preparationWaits() {
        return true;
    }

    /**
     * What a peer's offer says before any network work is done for the answer.
     *
     * @param stream  its audio stream
     * @param codec   the codec of ours it offers, the first in our order of preference
     * @param reading the extension: the peer's punch description, or plain
     */
    public record Offer(PlainSdp stream, Codec codec, SdpReading reading) {
    }

    /** Reads a peer's offer as {@link #answer} does before discovery; an offer that cannot be answered throws. */
    public static Offer readOffer(String offer, List<Codec> codecs) throws SdpProblem {
        PlainSdp remote = PlainSdp.parse(offer);
        Codec codec = codecs.stream().filter(c -> remote.payloadTypes().contains(c.payloadType())).findFirst()
                .orElseThrow(() -> new SdpProblem("no common codec: offer has payload types " + remote.payloadTypes()));
        SdpReading reading = OfferAnswer.readOffer(offer);
        if (reading instanceof SdpReading.Invalid invalid) {
            throw new SdpProblem(invalid.message());
        }
        return new Offer(remote, codec, reading);
    }

    @Override
    public String answer(String offer) throws SdpProblem {
        Offer read = readOffer(offer, settings.codecs());
        codec = read.codec();
        rtcpMux = read.stream().rtcpMux();
        SdpReading reading = read.reading();
        if (reading instanceof SdpReading.Extended extended) {
            discover(false);
            peer = extended.peer();
            return render(List.of(codec.payloadType()), rtcpMux, Description.EXTENDED_ANSWER, 1);
        }
        SdpReading.Plain plain = (SdpReading.Plain) reading;
        plainTarget = RtpDestination.check(plain.mediaTarget(), port.localAddress().getAddress());
        icePeer = standardPeer(plain).orElse(null);
        iceRtcpPeer = rtcpMux ? null : standardRtcpPeer(plain).orElse(null);
        discover(iceRtcpPeer != null);
        if (rtcpCandidates == null) {
            iceRtcpPeer = null; // no RTCP port of ours (logged): the peer's RTCP checks fail, RTP's need not
        }
        return render(List.of(codec.payloadType()), rtcpMux,
                icePeer != null ? Description.ICE_ANSWER : Description.PLAIN_ANSWER, 1);
    }

    /** The peer's RTCP component as a standard ICE agent's, when it has RTCP candidates. */
    private static Optional<StandardPeer> standardRtcpPeer(SdpReading.Plain plain) {
        return plain.ice().filter(ice -> !ice.rtcpCandidates().isEmpty())
                .map(ice -> new StandardPeer(ice.credentials(), ice.rtcpCandidates(), ice.iceLite()));
    }

    /**
     * The peer as a standard ICE agent, when its SDP has ICE and no extension. A description whose every
     * candidate was skipped (host names, TCP) still has the {@code c=}/{@code m=} address to check.
     */
    private static Optional<StandardPeer> standardPeer(SdpReading.Plain plain) {
        return plain.ice().map(ice -> {
            List<Candidate> candidates = ice.candidates();
            if (candidates.isEmpty()) {
                candidates = List.of(new Candidate("c", Candidate.RTP,
                        Candidate.priority(CandidateType.HOST, 0, Candidate.RTP), plain.mediaTarget(),
                        CandidateType.HOST, Optional.empty()));
            }
            return new StandardPeer(ice.credentials(), candidates, ice.iceLite());
        });
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
            SdpReading.Plain plain = (SdpReading.Plain) reading;
            plainTarget = RtpDestination.check(plain.mediaTarget(), port.localAddress().getAddress());
            icePeer = standardPeer(plain).orElse(null);
            iceRtcpPeer = rtcpMux ? null : standardRtcpPeer(plain).orElse(null);
        }
        if (iceRtcpPeer == null || rtcpCandidates == null) {
            iceRtcpPeer = null;
            closeRtcp(); // the answerer multiplexes RTCP, or speaks the extension, or no ICE
        }
    }

    /**
     * The UPnP step, then discovery from the media port through the call's traversal, time-capped; waits on
     * the thread preparing the SDP.
     */
    private void discover(boolean withRtcp) throws SdpProblem {
        if (profile != null) {
            return;
        }
        int mediaPort = port.localAddress().getPort();
        synchronized (this) {
            if (stopped) {
                throw new SdpProblem("stopped before discovery");
            }
            if (settings.upnp().isPresent()) {
                upnp = new MediaPortMapping(settings.upnp().get(), mediaPort);
            }
        }
        if (upnp != null) {
            upnp.await(); // the method's first step: map the media port on the LAN's IGD, before discovery
        }
        // a learning run of the agent's spare port (at start-up, every refresh) first: see awaitRunUnderWay
        settings.learning().ifPresent(l -> l.awaitRunUnderWay(settings.discoveryCap().plusSeconds(1)));
        InetSocketAddress privateTuple;
        try {
            privateTuple = port.privateTuple(settings.discoveryServers().get(0));
        } catch (UncheckedIOException e) {
            throw new SdpProblem("discovery failed: " + e.getMessage());
        }
        // a full agent controls against an ICE-lite one (RFC 8445 section 6.1.1), even as the callee
        boolean controlling = caller || (icePeer != null && icePeer.lite());
        // the caller allocates the relay: its traversal says when a punch has run too long without a path
        OptionalLong relayAfter = caller && settings.relay().isPresent()
                ? OptionalLong.of(settings.relay().get().after().toNanos()) : OptionalLong.empty();
        CallTraversal side = new CallTraversal(new CallTraversal.Settings(settings.discovery(), settings.punch(),
                relayAfter), controlling ? PunchRole.CONTROLLING : PunchRole.CONTROLLED, credentials, privateTuple,
                Optional.empty(), random);
        if (controlling && !caller) {
            side.awaitConsent();
        }
        synchronized (this) {
            if (stopped) { // the call ended while the SDP was being prepared: no discovery on its port
                throw new SdpProblem("stopped before discovery");
            }
            traversal = side;
        }
        // with fresh knowledge of the NAT, no filtering test: every target at once, one round trip
        Optional<NatKnowledge> known = settings.learning().flatMap(l -> l.fresh(privateTuple.getAddress()));
        if (withRtcp) {
            // first, so that the NAT allocates the RTCP port's flows before the RTP port's samples: from
            // knowledge every request leaves at once, the RTCP port's first; a whole run (filtering tests,
            // alternates asked later) is waited for, or its late flows would fall between the RTP samples
            // and the first probe and move the port a sequential NAT gives the call
            startRtcp(controlling ? PunchRole.CONTROLLING : PunchRole.CONTROLLED, !caller && controlling, known);
            if (known.isEmpty()) {
                awaitRtcpDiscovery();
            }
        }
        if (known.isPresent()) {
            port.run(side, known.get(), milestones);
        } else {
            port.run(side, milestones);
        }
        TraversalEvent found;
        try {
            found = milestones.discovery().get(settings.discoveryCap().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SdpProblem("interrupted during discovery");
        } catch (ExecutionException | TimeoutException e) {
            throw new SdpProblem("discovery failed: " + e);
        }
        if (found instanceof TraversalEvent.DiscoveryFailed failed) {
            discoveryRun = discoveryRun(failed.silentServers(), failed.elapsedNanos(), known.isPresent());
            throw new SdpProblem("discovery failed: " + failed.reason());
        }
        TraversalEvent.Discovered discovered = (TraversalEvent.Discovered) found;
        Optional<NatKnowledge> learned = side.learnedKnowledge();
        if (settings.learning().isPresent() && learned.isPresent()) {
            if (known.isEmpty()) {
                settings.learning().get().learned(learned.get(), "a call's media port");
            } else if (!Set.copyOf(learned.get().silentServers()).equals(Set.copyOf(known.get().silentServers()))) {
                // a server went silent (or came back) since the last learning: the next calls need not wait
                settings.learning().get().learned(learned.get(), "a call's media port (servers changed)");
            }
        }
        discoveryRun = discoveryRun(discovered.silentServers(), discovered.elapsedNanos(), known.isPresent());
        if (!discovered.silentServers().isEmpty()) {
            LOG.info("discovery: no answer from {}", discoveryRun.unanswered());
        }
        profile = discovered.profile();
        if (withRtcp && known.isPresent()) {
            awaitRtcpDiscovery();
        }
        upnpTuple = upnp == null ? Optional.empty() : upnp.confirm(profile);
        Optional<InetSocketAddress> confirmed = upnpTuple;
        port.execute(() -> side.confirmUpnp(confirmed));
        ownAttributes = OfferAnswer.attributes(profile, upnpTuple);
        candidates = LocalCandidates.of(profile, upnpTuple, System.nanoTime(), settings.punch().driftAim());
        if (rtcpProfile != null) {
            // the RTP port's check to the peer's reflexive address leaves first and takes a port; its check to the
            // peer's host address may (routed out) or may not (another site's private address, unroutable): the
            // two RTCP predictions cover both
            rtcpCandidates = LocalCandidates.rtcp(profile, rtcpProfile, System.nanoTime(), settings.punch().driftAim(),
                    1);
        }
        LOG.info("discovery: {} ({} samples, delta {})", profile.type().label(), profile.samples().size(),
                profile.delta());
    }

    private void startRtcp(PunchRole role, boolean awaitConsent, Optional<NatKnowledge> known) {
        Optional<RtcpComponent> started = RtcpComponent.start(port, settings, role, credentials, known, random);
        synchronized (this) {
            if (stopped) {
                started.ifPresent(RtcpComponent::close);
                return;
            }
            rtcp = started.orElse(null);
        }
        if (awaitConsent) {
            started.ifPresent(RtcpComponent::awaitConsent);
        }
    }

    /** Waits for the RTCP port's discovery; without its profile (it failed) no RTCP component. */
    private void awaitRtcpDiscovery() {
        RtcpComponent component = rtcp;
        if (component != null) {
            rtcpProfile = component.discovered(settings.discoveryCap().toMillis() + 2000).orElse(null);
            if (rtcpProfile == null) {
                closeRtcp();
            }
        }
    }

    private void closeRtcp() {
        RtcpComponent component;
        synchronized (this) {
            component = rtcp;
            rtcp = null;
        }
        if (component != null) {
            component.close();
        }
    }

    private static TraversalSummary.Discovery discoveryRun(List<InetSocketAddress> silent, long elapsedNanos,
                                                           boolean fromKnowledge) {
        return new TraversalSummary.Discovery(silent.stream().map(ProfileJson::address).toList(),
                elapsedNanos / 1_000_000, fromKnowledge);
    }

    /**
     * Standard SDP toward the preferred candidate (behind a sequential NAT the port it will give our first flow
     * to the peer, so a plain peer's RTP opens its own NAT to it), plus the extension (offer, or answer to an
     * extended offer).
     */
    private String render(List<Integer> payloadTypes, boolean mux, Description description, int version)
            throws SdpProblem {
        Selection selected = selection;
        InetSocketAddress target = selected != null ? selected.rtp().address() : candidates.preferred().address();
        String plain = new PlainSdp(target.getAddress().getHostAddress(), target.getPort(), payloadTypes, mux, 20)
                .render(sessionId, version);
        if (description == Description.PLAIN_ANSWER) {
            return plain;
        }
        try {
            SessionDescription sd = SdpFactory.getInstance().createSessionDescription(plain);
            switch (description) {
                case OFFER -> OfferAnswer.writeOffer(sd, ownAttributes, credentials);
                case EXTENDED_ANSWER -> OfferAnswer.writeAnswer(sd, ownAttributes, credentials,
                        peer.attributes().version());
                default -> OfferAnswer.writeCredentials(sd, credentials);
            }
            // once ICE selected its pairs, only their local candidates (RFC 8839's updated offer and what follows)
            List<Candidate> all = new ArrayList<>(selected != null ? List.of(selected.rtp()) : candidates.candidates());
            if (rtcpCandidates != null && (description == Description.OFFER || iceRtcpPeer != null)) {
                Optional<Candidate> rtcpSelected = selected != null ? selected.rtcp() : Optional.empty();
                all.addAll(rtcpSelected.map(List::of).orElse(rtcpCandidates.candidates()));
                InetSocketAddress rtcpDefault = rtcpSelected.orElse(rtcpCandidates.preferred()).address();
                OfferAnswer.primaryMedia(sd).setAttribute("rtcp", rtcpDefault.getPort() + " IN "
                        + (rtcpDefault.getAddress() instanceof Inet6Address ? "IP6 " : "IP4 ")
                        + rtcpDefault.getAddress().getHostAddress());
            }
            IceCandidateCodec.write(OfferAnswer.primaryMedia(sd), all);
            if (description == Description.ICE_UPDATED_OFFER) {
                OfferAnswer.primaryMedia(sd).setAttribute("remote-candidates", selected.remoteCandidates());
            }
            return sd.toString();
        } catch (SdpException e) {
            throw new SdpProblem("could not write the SDP: " + e.getMessage());
        }
    }

    /**
     * A standard ICE peer's re-INVITE that changes nothing ICE runs on (RFC 8839 section 4.4: the controlling
     * agent's updated offer once a pair is selected, or a session refresh) is answered with the session as it
     * is: the same ICE credentials (no ICE restart), our codec among its payload types. The callee's answer is
     * its first one again, the caller's an answer of the same session, one version on.
     */
    @Override
    public Optional<String> keepSession(String offer) {
        if (peer != null) {
            return relayAnswer(offer);
        }
        if (icePeer == null || codec == null) {
            return Optional.empty();
        }
        try {
            Offer read = readOffer(offer, List.of(codec));
            if (!(read.reading() instanceof SdpReading.Plain plain) || plain.ice().isEmpty()
                    || !plain.ice().get().credentials().equals(icePeer.credentials())) {
                return Optional.empty(); // the extension now, or ICE restarted or dropped: not supported
            }
            Selection selected = selection;
            return Optional.of(render(List.of(codec.payloadType()), rtcpMux, Description.ICE_ANSWER,
                    selected != null ? selected.version() : caller ? 2 : 1));
        } catch (SdpProblem e) {
            return Optional.empty();
        }
    }

    /**
     * RFC 8839's updated offer, which the controlling agent sends once ICE has selected a pair whose local
     * candidate is not the default one in its offer or answer: {@code c=}/{@code m=} (and {@code a=rtcp}) name
     * our side of the selected pairs as the peer saw it (behind a sequential NAT, the port our check really left
     * from when a prediction missed; a peer-reflexive candidate), with those candidates only and
     * {@code a=remote-candidates}. Made once; empty when it is not due: a peer with the extension or without ICE,
     * the controlled side, no pair selected, or the defaults were right.
     */
    @Override
    public synchronized Optional<String> updatedOffer() {
        if (relayed != null && caller && !relayOffered) {
            relayOffered = true;
            return relayOffer();
        }
        if (icePeer == null || codec == null || selection != null || !(caller || icePeer.lite())) {
            return Optional.empty();
        }
        if (!(milestones.outcome().getNow(null) instanceof PunchEvent.Settled rtp) || rtp.seenAs().isEmpty()) {
            return Optional.empty();
        }
        Optional<PunchEvent.Settled> rtcpPair = rtcp != null && iceRtcpPeer != null && rtcpCandidates != null
                ? rtcp.settled() : Optional.empty();
        Candidate rtpLocal = candidates.selected(rtp.seenAs().get());
        Optional<Candidate> rtcpLocal = rtcpPair.flatMap(PunchEvent.Settled::seenAs).map(seen -> rtcpCandidates.selected(seen));
        boolean moved = !rtpLocal.address().equals(candidates.preferred().address())
                || rtcpLocal.map(c -> !c.address().equals(rtcpCandidates.preferred().address())).orElse(false);
        if (!moved) {
            return Optional.empty();
        }
        // after the offer (1) and any answer to a re-INVITE (2 for the caller, 1 for the callee)
        selection = new Selection(rtpLocal, rtp.path().remote(), rtcpLocal,
                rtcpLocal.isPresent() ? rtcpPair.map(p -> p.path().remote()) : Optional.empty(), caller ? 3 : 2);
        try {
            String offer = render(List.of(codec.payloadType()), rtcpMux, Description.ICE_UPDATED_OFFER,
                    selection.version());
            LOG.info("ICE selected {} as our side, not the default {}: updated offer", rtpLocal.address(),
                    candidates.preferred().address());
            return Optional.of(offer);
        } catch (SdpProblem e) {
            LOG.warn("no updated offer: {}", e.getMessage());
            selection = null;
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<Void> updatedOfferDue() {
        return relayOfferDue;
    }

    /** The caller's re-offer with its relayed address (docs/sdp-extension.md section 4.9): the session, version 2. */
    private Optional<String> relayOffer() {
        try {
            SessionDescription sd = SdpFactory.getInstance().createSessionDescription(
                    render(List.of(codec.payloadType()), rtcpMux, Description.OFFER, 2));
            PunchRelay.write(sd, relayed);
            LOG.info("relay: offering {} to the peer", relayed);
            return Optional.of(sd.toString());
        } catch (SdpException | SdpProblem | IllegalArgumentException e) {
            relayFailure = "relay: no re-offer: " + e.getMessage();
            LOG.warn("{}", relayFailure);
            return Optional.empty();
        }
    }

    /**
     * The callee's side of a relay: the caller's re-offer with the session's credentials and {@code a=punch-relay}.
     * Answered with the session as it is; once our punch has given up, the relayed address is checked from the
     * media port, and an answered check moves media there. Empty for any other offer.
     */
    private Optional<String> relayAnswer(String offer) {
        if (caller || peer == null || codec == null) {
            return Optional.empty();
        }
        SdpReading reading = OfferAnswer.readOffer(offer);
        if (!(reading instanceof SdpReading.Extended extended)
                || !extended.peer().credentials().equals(peer.credentials())
                || !(PunchRelay.read(offer) instanceof PunchRelay.Reading.Relayed offered)) {
            return Optional.empty();
        }
        String answer;
        try {
            answer = render(List.of(codec.payloadType()), rtcpMux, Description.EXTENDED_ANSWER, 2);
        } catch (SdpProblem e) {
            return Optional.empty();
        }
        if (relayed == null) {
            relayed = offered.address();
            relayCheckedAt = System.nanoTime();
            LOG.info("relay: the peer offers {}: checking it", offered.address());
            CallTraversal side = traversal;
            port.execute(() -> {
                try {
                    if (!side.checkRelay(System.nanoTime(), offered.address(), RELAY_CHECK_INTERVAL_NANOS,
                            RELAY_CHECKS)) {
                        relayFailure = "relay offered, not used: our punch settled a direct path";
                    }
                } catch (IllegalStateException e) {
                    relayFailure = "relay offered, not checked: " + e.getMessage();
                }
            });
        }
        return Optional.of(answer);
    }

    @Override
    public CompletableFuture<MediaPath> start() {
        if (codec == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("start before offer/answer"));
        }
        if (icePeer != null) {
            CallTraversal side = traversal;
            StandardPeer standard = icePeer;
            port.execute(() -> side.peer(System.nanoTime(), standard.punchEndpoint(System.nanoTime())));
            RtcpComponent component = rtcp;
            if (component != null && iceRtcpPeer != null) {
                component.peer(iceRtcpPeer);
            }
            milestones.outcome().thenAccept(outcome -> path.complete(pathOf(outcome)));
            return path;
        }
        if (peer == null || peer.punchEndpoint(0).isEmpty()) {
            InetSocketAddress target = plainTarget != null ? plainTarget : peer.mediaTarget();
            CallTraversal side = traversal;
            port.execute(side::close);
            path.complete(new MediaPath(port.localAddress().getPort(), target, codec, rtcpMux,
                    "plain (peer without the extension)", MediaPath.Trust.LEARNED,
                    peer == null && !MappingClass.admitsAnyPort(profile) ? window(target) : List.of()));
            return path;
        }
        // the peer's samples: its last one is taken to be as old as the signalling took, which is unknown,
        // so zero: the prediction then aims low, where the sweeps start anyway
        PunchEndpoint remote = peer.punchEndpointReceivedAt(System.nanoTime()).orElseThrow();
        CallTraversal side = traversal;
        port.execute(() -> side.peer(System.nanoTime(), remote));
        milestones.outcome().thenAccept(outcome -> port.execute(() -> punchEnded(outcome)));
        return path;
    }

    /**
     * The punch's outcome, on the loop. A settled path is media's, or takes over from the relay when one carries
     * media already. A give-up leaves the relay to carry the call: the caller allocates now if it has not yet (the
     * last resort, only now that no direct path exists), and a relay already ready or under way goes on; without
     * one, media goes to the fallback.
     */
    private void punchEnded(PunchEvent outcome) {
        if (outcome instanceof PunchEvent.Settled settled) {
            if (relayPathGiven) {
                takeDirect(settled);
            } else {
                path.complete(pathOf(settled));
                TurnRelay unused = relay;
                if (unused != null) {
                    relayFailure = "relay allocated, not used: a direct path settled first";
                    unused.close();
                } else if (relayCheckedAt != null) {
                    relayFailure = "relay offered, not used: our punch settled a direct path first";
                }
            }
            return;
        }
        PunchEvent.GaveUp gaveUp = (PunchEvent.GaveUp) outcome;
        if (relayPathGiven) {
            return; // the relay carries the call
        }
        if (caller && settings.relay().isPresent()) {
            TurnRelay r = relay;
            if (r == null) {
                relay(Optional.of(gaveUp), gaveUp.reason());
            } else if (r.ready().isCompletedExceptionally()) {
                path.complete(pathOf(gaveUp)); // the relay failed already: the punch's fallback, with both reasons
            }
            return;
        }
        path.complete(pathOf(gaveUp));
    }

    /**
     * The punch settled a direct path while the relay carried media: media moves there, authenticated by the
     * punch's answered checks; the relay's socket stays open {@value #HANDOVER_GRACE_MILLIS} ms for what it still
     * brings, then the allocation is released. A path on another local socket than the media port (a birthday
     * socket) is taken as well: media leaves from that socket, as the peer, which settled the same path, expects.
     * On the loop.
     */
    private void takeDirect(PunchEvent.Settled settled) {
        directAt = System.nanoTime();
        TurnRelay r = relay;
        if (r != null) {
            r.handOver();
            port.loop().schedule(r::close, HANDOVER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
        Long since = relayCarriedAt;
        LOG.info("direct path settled ({}) after {} ms of relayed media: media moves to {}", settled.how(),
                since == null ? 0 : (directAt - since) / 1_000_000, settled.path().remote());
        follower.moved(settled.path().localPort(), settled.path().remote());
    }

    /**
     * The caller's relay once its punch gave up or ran {@code turn.afterMillis} without a direct path, on the loop:
     * a TURN allocation with permissions for the peer's public IPs; the path is ready (toward the peer's reported
     * tuple, which the relay does not send to) once the relayed address is, unless the punch settled meanwhile, and
     * moves to the peer's address as the server sees it when its first authenticated check comes through. A relay
     * that fails leaves the punch: its settled path, or its fallback once it gave up, with the reason.
     *
     * @param gaveUp the punch's give-up, or empty while it still runs
     */
    private void relay(Optional<PunchEvent.GaveUp> gaveUp, String why) {
        gaveUpAt = System.nanoTime();
        relayWanted = why;
        List<InetAddress> ips = peerIps();
        LOG.info("relaying through {} ({}), permitting {}", settings.relay().get().servers(), why, ips);
        TurnRelay opened;
        synchronized (this) {
            if (stopped) {
                gaveUp.ifPresent(g -> path.complete(pathOf(g)));
                return;
            }
            opened = TurnRelay.open(port.loop(), MediaTransport.of(port), port.localAddress(), settings.relay().get(),
                    credentials, peer.credentials(), PunchRole.CONTROLLING, ips, random, this::relayProven);
            relay = opened;
        }
        opened.ready().whenComplete((address, error) -> port.execute(() -> {
            PunchEvent outcome = milestones.outcome().getNow(null);
            if (error != null) {
                relayFailure = "relay: " + rootMessage(error);
                if (outcome instanceof PunchEvent.GaveUp g) {
                    path.complete(pathOf(g));
                }
                return;
            }
            if (outcome instanceof PunchEvent.Settled) {
                return; // settled while the relay was allocating: punchEnded closed it
            }
            relayed = address;
            relayPathGiven = true;
            relayOfferDue.complete(null);
            InetSocketAddress target = outcome instanceof PunchEvent.GaveUp g
                    ? g.fallback().orElseThrow().remote() : peer.mediaTarget();
            path.complete(new MediaPath(port.localAddress().getPort(), target, codec, rtcpMux,
                    "relayed through " + opened.server() + " at " + address + " (" + why + ")",
                    MediaPath.Trust.SIGNALLED));
        }));
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The peer's public IP addresses from its SDP: those of its mapped samples and UPnP tuple, else its target. */
    private List<InetAddress> peerIps() {
        Set<InetAddress> ips = new LinkedHashSet<>();
        peer.attributes().mapped().forEach(m -> ips.add(m.mapped().getAddress()));
        peer.attributes().upnp().ifPresent(u -> ips.add(u.getAddress()));
        if (ips.isEmpty()) {
            ips.add(peer.mediaTarget().getAddress());
        }
        return List.copyOf(ips);
    }

    /** The peer's authenticated check came through our relay from {@code seen}: media goes there. On the loop. */
    private void relayProven(InetSocketAddress seen) {
        if (directAt != null) {
            return; // a direct path took over: the relay only brings what is still in flight
        }
        if (relayCarriedAt == null) {
            relayCarriedAt = System.nanoTime();
        }
        follower.moved(port.localAddress().getPort(), seen); // the relay hands its data over as the media port's
    }

    /**
     * A relayed path's RTP goes through the relay (which hands it to the media port if a direct path takes over);
     * every other path's through the media port.
     */
    @Override
    public MediaTransport transport(NettyMediaPort mediaPort) {
        TurnRelay r = relay;
        return r != null && relayPathGiven ? r : MediaTransport.of(mediaPort);
    }

    /**
     * The ports above a plain peer's signalled one, opened from our media port when our NAT admits only the
     * ports we sent to: a peer behind a NAT that gives each flow a new port sends its RTP from one of them, not
     * from the port it signalled (its mapping toward its STUN server). One-sided traversal toward a peer that
     * knows neither the method nor ICE.
     */
    private List<InetSocketAddress> window(InetSocketAddress signalled) {
        List<InetSocketAddress> ports = new ArrayList<>(PLAIN_WINDOW);
        for (int k = 1; k <= PLAIN_WINDOW && signalled.getPort() + k <= 65535; k++) {
            ports.add(new InetSocketAddress(signalled.getAddress(), signalled.getPort() + k));
        }
        return ports;
    }

    /** The media path a punch outcome gives: the settled path, or the peer's signalled tuple after a give-up. */
    private MediaPath pathOf(PunchEvent outcome) {
        if (outcome instanceof PunchEvent.Settled settled) {
            return new MediaPath(settled.path().localPort(), settled.path().remote(), codec, rtcpMux,
                    settled.plan().strategy() + ": " + settled.how(), MediaPath.Trust.PUNCHED);
        }
        PunchEvent.GaveUp gaveUp = (PunchEvent.GaveUp) outcome;
        PunchPath fallback = gaveUp.fallback().orElseThrow();
        return new MediaPath(fallback.localPort(), fallback.remote(), codec, rtcpMux,
                "fallback to the reported tuple: " + gaveUp.reason(), MediaPath.Trust.SIGNALLED);
    }

    /** Every event of the call's traversal, on the loop. */
    private void onEvent(TraversalEvent event) {
        if (event instanceof TraversalEvent.Discovered || event instanceof TraversalEvent.DiscoveryFailed
                || event instanceof TraversalEvent.SocketsWanted) {
            return; // discovery ends the SDP preparation (milestones); the port binds the sockets
        }
        if (event instanceof TraversalEvent.RelayChecked checked) {
            relayChecked(checked);
            return;
        }
        if (event instanceof TraversalEvent.RelayWanted wanted) {
            if (caller && settings.relay().isPresent() && relay == null) {
                relay(Optional.empty(), wanted.reason()); // beside the punch, which goes on
            }
            return;
        }
        PunchEvent e = ((TraversalEvent.Punch) event).event();
        if (e instanceof PunchEvent.Settled settled) {
            strategy = settled.plan().strategy() + ": " + settled.plan().explanation();
            probesSent = settled.stats().probesSent();
            settledMillis = settled.elapsedNanos() / 1_000_000;
        } else if (e instanceof PunchEvent.GaveUp gaveUp && failure != null) {
            relayFailure = gaveUp.reason(); // a second give-up: the checks of the peer's relayed address went unanswered
        } else if (e instanceof PunchEvent.GaveUp gaveUp) {
            gaveUpAt = System.nanoTime();
            strategy = gaveUp.plan().strategy() + ": " + gaveUp.plan().explanation();
            probesSent = gaveUp.stats().probesSent();
            failure = gaveUp.reason();
        } else if (e instanceof PunchEvent.PathChanged changed) {
            if (!caller && changed.to().remote().equals(relayed)) {
                relayAnswered(); // after our punch gave up: the path moves from the fallback to the relay
            }
            follower.moved(changed.to().localPort(), changed.to().remote());
        } else if (e instanceof PunchEvent.ConsentLost lost) {
            failure = "consent-lost: no authenticated answer from " + lost.path().remote() + " for "
                    + lost.silentNanos() / 1_000_000 + " ms";
            follower.lost(failure);
        }
    }

    /** The callee's check of the caller's relayed address was answered: media goes there from now on. */
    private void relayAnswered() {
        relayCarriedAt = System.nanoTime();
        LOG.info("relay: our check of {} was answered: media goes there", relayed);
    }

    /**
     * The callee's checks of the caller's relayed address ended while its punch still runs: an answered one gives
     * media the relayed path at once (the punch goes on, and a direct path it settles takes over). On the loop.
     */
    private void relayChecked(TraversalEvent.RelayChecked checked) {
        if (!checked.answered()) {
            relayFailure = checked.reason();
            return;
        }
        relayAnswered();
        relayPathGiven = true;
        path.complete(new MediaPath(checked.path().localPort(), checked.path().remote(), codec, rtcpMux,
                "relayed through the peer's relay at " + checked.path().remote() + " (no direct path yet)",
                MediaPath.Trust.SIGNALLED));
    }

    @Override
    public void confirmed() {
        CallTraversal side;
        synchronized (this) {
            side = traversal;
        }
        if (side != null) {
            port.execute(() -> side.confirmed(System.nanoTime()));
        }
        RtcpComponent component = rtcp;
        if (component != null) {
            component.confirmed();
        }
    }

    @Override
    public void watch(PathWatch next) {
        port.execute(() -> follower.follow(next));
    }

    /**
     * Stops discovery, probing and keepalives, and deletes the UPnP mapping (waits for it at most the UPnP
     * step's cap); may be called from another thread than the one preparing the offer or answer (a call
     * cancelled meanwhile), and again.
     */
    @Override
    public void stop() {
        MediaPortMapping mapping;
        CallTraversal side;
        TurnRelay allocated;
        synchronized (this) {
            stopped = true; // first: a discovery prepared after this does not start
            mapping = upnp;
            side = traversal;
            allocated = relay;
        }
        if (allocated != null) {
            allocated.close();
        }
        if (side != null) {
            port.execute(side::close);
        }
        closeRtcp();
        if (mapping != null) {
            mapping.close();
        }
    }

    /** The relay part of the report: null when no relay was wanted or offered. */
    private TraversalSummary.Relay relayReport() {
        TurnRelay r = relay;
        Long carried = relayCarriedAt;
        Long direct = directAt;
        Long directAfter = carried != null && direct != null ? (direct - carried) / 1_000_000 : null;
        if (r != null) {
            TurnRelay.Report t = r.report();
            String why = relayFailure != null ? relayFailure : t.failure();
            return new TraversalSummary.Relay("allocated", t.server(), t.passedOver(), t.relayedAddress(), t.peer(),
                    t.readyMillis(), t.sinceMillis(), t.sinceMillis() != null && why == null, t.packetsSent(),
                    t.packetsReceived(), t.packetsDropped(), why, relayWanted, directAfter);
        }
        if (caller && settings.relay().isPresent() && (relayFailure != null || failure != null && settledMillis == null
                && gaveUpAt != 0)) {
            return new TraversalSummary.Relay("allocated",
                    ProfileJson.address(settings.relay().get().servers().get(0)), List.of(), null, null, null, null,
                    false, 0, 0, 0, relayFailure != null ? relayFailure : "relay not started", relayWanted, null);
        }
        Long checked = relayCheckedAt;
        if (checked == null) {
            return null;
        }
        Long answered = carried; // the callee's relayed media starts with the answer to its check
        InetSocketAddress offered = relayed;
        return new TraversalSummary.Relay("checked", null, List.of(), ProfileJson.address(offered), null, null,
                answered == null ? null : (answered - checked) / 1_000_000, answered != null, 0, 0, 0, relayFailure,
                null, directAfter);
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
            String mode = peer != null ? "traversal"
                    : icePeer != null ? "ice (peer without the extension)" : "plain (peer without the extension)";
            return new TraversalSummary(mode,
                    discoveryRun, local, remote, strategy, probesSent, settledMillis, failure, upnpReport(),
                    relayReport());
        } catch (IllegalArgumentException e) {
            return new TraversalSummary("traversal", discoveryRun, null, null, null, null, null, e.toString(),
                    upnpReport(), relayReport());
        }
    }
}
