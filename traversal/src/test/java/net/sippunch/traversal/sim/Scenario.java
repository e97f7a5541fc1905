package net.sippunch.traversal.sim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.discovery.DiscoveryClient;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.NatProfile;

/**
 * Two sites behind NATs, two discovery servers, and the method's order of events, on a
 * {@link VirtualNetwork}: the harness for punch tests and benchmarks.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * Scenario scenario = Scenario.builder()
 *         .seed(7)
 *         .nat(Scenario.Side.A, NatPreset.SYMMETRIC_SEQUENTIAL, 1)   // or .nat(side, NatBehavior...) outer first
 *         .nat(Scenario.Side.B, NatPreset.PORT_RESTRICTED_CONE)
 *         .oneWayDelay(Duration.ofMillis(50))                        // every site-to-site and site-to-server path
 *         .loss(0.01)                                               // per datagram, on the internet core
 *         .neighbours(100)                                          // new flows/s behind each NAT (Poisson)
 *         .build();
 * Scenario.Discovery discovery = scenario.discover();              // A, then signalling delay, then B
 * Scenario.Result<PunchSession> r = scenario.punch(
 *         peer -> new PunchSession(config, peer.localPort(), peer.localProfile(), peer.remoteProfile(),
 *                 peer.localCredentials(), peer.remoteCredentials(), peer.random(), peer.nowNanos()),
 *         session -> session.settled().isPresent(),
 *         Duration.ofSeconds(30));
 * assertTrue(r.completed());
 * double rtts = r.elapsedNanos() / (double) scenario.rttNanos();
 * }</pre>
 *
 * <h2>What happens</h2>
 * <ul>
 *   <li>Addresses: discovery servers at {@link #SERVER_1} and {@link #SERVER_2} (one RFC 5780 server with
 *       two IPs, answering on all four address combinations, like {@code NettyDiscoveryServer}). Site A's
 *       outermost NAT is 198.18.1.1, site B's 198.18.2.1; an inner NAT of a double NAT is 100.64.N.1 on the
 *       outer LAN; the client host is 10.0.N.2 and the neighbour host 10.0.N.3 (N = 1 for A, 2 for B). An
 *       OPEN site has no NAT: its client is public at 198.18.N.2 and it has no neighbour.</li>
 *   <li>Links: the one-way delay, jitter and loss of the builder are the internet core's, paid once by
 *       every datagram between two public points; LAN links are perfect unless set with
 *       {@link Builder#wanLink}, which adds a link between a site's outermost NAT and the core.</li>
 *   <li>{@link #discover()}: at the current time A runs the project's unchanged {@code DiscoveryClient} from
 *       {@link Builder#localPort} (default 5004) until its outcome; then the offer travels
 *       ({@link Builder#signallingDelay}, default the one-way delay); then B runs discovery. Neighbours run
 *       all along (from time 0; {@link Builder#warmUp} runs them alone first).</li>
 *   <li>{@link #punch}: the answer is sent when B's discovery ends, so B's session is made and attached at
 *       once, and A's one signalling delay later, each by the factory given a {@link Peer} (own and remote
 *       outcome/profile, credentials, a seeded generator, the time). Each session owns the local port from
 *       the start and every further port it sends from (birthday mode may use many). The run stops when
 *       {@code done} holds for both sessions or at the deadline, counted from B's start.</li>
 *   <li>{@link Result}: whether both finished, the virtual time from B's start to the moment both were done
 *       (or the deadline), when each was done, the sessions themselves, and datagram counters of the
 *       punch phase (per client host and network-wide, drops by reason).</li>
 * </ul>
 * Same builder settings and seed give the same run. Not thread-safe; one scenario, one run.
 */
public final class Scenario {

    /** Server 1's address: the first configured discovery server. */
    public static final InetSocketAddress SERVER_1 = new InetSocketAddress(VirtualNetwork.ip("198.18.0.21"), 3478);
    /** Server 2's address: same server, the second IP and port. */
    public static final InetSocketAddress SERVER_2 = new InetSocketAddress(VirtualNetwork.ip("198.18.0.31"), 3479);

    /** The two sides: A is the caller (sends the offer), B the callee. */
    public enum Side {
        A, B;

        public Side other() {
            return this == A ? B : A;
        }

        int number() {
            return this == A ? 1 : 2;
        }
    }

    /** What a punch session's factory is given. */
    public record Peer(Side side, InetSocketAddress privateTuple, int localPort, DiscoveryOutcome localDiscovery,
                       DiscoveryOutcome remoteDiscovery, IceCredentials localCredentials,
                       IceCredentials remoteCredentials, RandomGenerator random, long nowNanos) {

        /** This side's profile; throws naming the reason when its discovery failed. */
        public NatProfile localProfile() {
            return profile(localDiscovery, side);
        }

        /** The other side's profile, as its SDP would carry it; throws when its discovery failed. */
        public NatProfile remoteProfile() {
            return profile(remoteDiscovery, side.other());
        }

        /** True for A, the side that sent the offer. */
        public boolean caller() {
            return side == Side.A;
        }
    }

    /** The two discovery outcomes and when discovery started and ended. */
    public record Discovery(DiscoveryOutcome a, DiscoveryOutcome b, long startNanos, long endNanos) {
        public NatProfile profileA() {
            return profile(a, Side.A);
        }

        public NatProfile profileB() {
            return profile(b, Side.B);
        }

        public DiscoveryOutcome outcome(Side side) {
            return side == Side.A ? a : b;
        }
    }

    /**
     * How a punch run ended.
     *
     * @param a, b          the sessions (A's is null when the deadline came before its start)
     * @param completed     both sessions reported done
     * @param startNanos    B's start: the moment the answer was sent
     * @param elapsedNanos  from {@code startNanos} to both done, or to the deadline
     * @param doneA, doneB  when each side was first seen done, from {@code startNanos}
     * @param sentA, sentB  datagrams the client host of each side sent during the punch phase
     * @param receivedA, receivedB datagrams delivered to the client host of each side
     * @param network       network-wide counters of the punch phase (includes neighbours' traffic)
     */
    public record Result<S extends DatagramSession>(S a, S b, boolean completed, long startNanos, long elapsedNanos,
                                                    OptionalLong doneA, OptionalLong doneB, long sentA,
                                                    long receivedA, long sentB, long receivedB,
                                                    NetworkCounters network) {
    }

    /** One site: its client host, its NATs (outermost first), its neighbour, its discovery. */
    public static final class Site {
        private final Side side;
        private final Host host;
        private final List<Router> routers;
        private final Neighbour neighbour;
        private final IceCredentials credentials;
        private DiscoveryOutcome discovery;

        private Site(Side side, Host host, List<Router> routers, Neighbour neighbour, IceCredentials credentials) {
            this.side = side;
            this.host = host;
            this.routers = List.copyOf(routers);
            this.neighbour = neighbour;
            this.credentials = credentials;
        }

        public Side side() {
            return side;
        }

        /** The client host, where discovery and the punch session run. */
        public Host host() {
            return host;
        }

        /** The NATs between the client and the internet, outermost first; empty for an OPEN site. */
        public List<Router> routers() {
            return routers;
        }

        public Optional<Neighbour> neighbour() {
            return Optional.ofNullable(neighbour);
        }

        public IceCredentials credentials() {
            return credentials;
        }

        /** The discovery outcome, once {@link #discover()} has run. */
        public Optional<DiscoveryOutcome> discovery() {
            return Optional.ofNullable(discovery);
        }
    }

    private final Builder settings;
    private final VirtualNetwork network;
    private final DiscoveryServer server;
    private final Map<Side, Site> sites = new EnumMap<>(Side.class);
    private Discovery discovery;
    private boolean punched;

    private Scenario(Builder b) {
        this.settings = b;
        this.network = new VirtualNetwork(b.seed).trace(b.trace);
        network.core(new LinkModel(b.oneWayDelay.toNanos(), b.jitter.toNanos(), b.loss));
        this.server = network.addDiscoveryServer(new ServerAddresses(List.of(SERVER_1, SERVER_2)), LinkModel.NONE);
        for (Side side : Side.values()) {
            sites.put(side, buildSite(side));
        }
        if (b.warmUp.toNanos() > 0) {
            network.runFor(b.warmUp.toNanos());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public VirtualNetwork network() {
        return network;
    }

    public DiscoveryServer discoveryServer() {
        return server;
    }

    public Site site(Side side) {
        return sites.get(side);
    }

    /** The media (and discovery) port of both clients. */
    public int localPort() {
        return settings.localPort;
    }

    /** The signalling delay between the two sides (offer, answer). */
    public long signallingDelayNanos() {
        return settings.signallingDelay().toNanos();
    }

    /** Round-trip time between the two clients without jitter: twice the sum of the link delays on the path. */
    public long rttNanos() {
        long oneWay = network.core().oneWayDelayNanos();
        for (Site s : sites.values()) {
            oneWay += s.host.link.oneWayDelayNanos();
            for (Router r : s.routers) {
                oneWay += r.link.oneWayDelayNanos();
            }
        }
        return 2 * oneWay;
    }

    /** Runs discovery on A, waits the signalling delay, runs discovery on B. Once per scenario. */
    public Discovery discover() {
        if (discovery != null) {
            throw new IllegalStateException("discovery has already run");
        }
        long start = network.now();
        DiscoveryOutcome a = discoverOn(site(Side.A));
        network.runFor(signallingDelayNanos());
        DiscoveryOutcome b = discoverOn(site(Side.B));
        discovery = new Discovery(a, b, start, network.now());
        return discovery;
    }

    /**
     * Runs the punch phase (after {@link #discover()}, which it runs first if needed): B's session starts
     * now, A's one signalling delay later; both own {@link #localPort()} from the start.
     *
     * @param factory  makes a side's session from what that side knows
     * @param done     when a session has finished (settled or given up)
     * @param deadline virtual time limit, from B's start
     */
    public <S extends DatagramSession> Result<S> punch(Function<Peer, S> factory, Predicate<S> done,
                                                       Duration deadline) {
        if (punched) {
            throw new IllegalStateException("the punch phase has already run");
        }
        punched = true;
        if (discovery == null) {
            discover();
        }
        long start = network.now();
        NetworkCounters before = network.counters();
        Site sa = site(Side.A);
        Site sb = site(Side.B);
        long sentA = sa.host.sent();
        long receivedA = sa.host.received();
        long sentB = sb.host.sent();
        long receivedB = sb.host.received();
        List<S> sessions = new ArrayList<>(Arrays.asList(null, null));
        long[] doneAt = {-1, -1};
        sessions.set(1, startSession(sb, factory));
        network.clock().schedule(start + signallingDelayNanos(), () -> sessions.set(0, startSession(sa, factory)));
        boolean completed = network.runUntil(() -> {
            for (int i = 0; i < 2; i++) {
                if (doneAt[i] < 0 && sessions.get(i) != null && done.test(sessions.get(i))) {
                    doneAt[i] = network.now() - start;
                }
            }
            return doneAt[0] >= 0 && doneAt[1] >= 0;
        }, start + deadline.toNanos());
        return new Result<>(sessions.get(0), sessions.get(1), completed, start, network.now() - start,
                doneAt[0] < 0 ? OptionalLong.empty() : OptionalLong.of(doneAt[0]),
                doneAt[1] < 0 ? OptionalLong.empty() : OptionalLong.of(doneAt[1]),
                sa.host.sent() - sentA, sa.host.received() - receivedA,
                sb.host.sent() - sentB, sb.host.received() - receivedB,
                network.counters().minus(before));
    }

    private <S extends DatagramSession> S startSession(Site site, Function<Peer, S> factory) {
        Site remote = site(site.side.other());
        Peer peer = new Peer(site.side, site.host.address(settings.localPort), settings.localPort,
                discovery.outcome(site.side), discovery.outcome(remote.side), site.credentials, remote.credentials,
                network.newRandom(), network.now());
        S session = Objects.requireNonNull(factory.apply(peer), "the factory returned null");
        site.host.attach(session, settings.localPort);
        return session;
    }

    private DiscoveryOutcome discoverOn(Site site) {
        DiscoveryConfig config = settings.discoveryConfig.apply(List.of(SERVER_1, SERVER_2));
        DiscoveryClient client = new DiscoveryClient(config, site.host.address(settings.localPort),
                settings.localPort, network.newRandom(), network.now());
        Attachment attachment = site.host.attach(client, settings.localPort);
        long deadline = network.now() + config.totalCap().toNanos() + 1_000_000_000L;
        network.runUntil(() -> client.outcome().isPresent(), deadline);
        attachment.detach();
        site.discovery = client.outcome().orElseThrow(
                () -> new IllegalStateException("discovery did not end by its cap on side " + site.side));
        return site.discovery;
    }

    private Site buildSite(Side side) {
        int n = side.number();
        List<NatBehavior> layers = settings.nats.getOrDefault(side, List.of());
        IceCredentials credentials = IceCredentials.random(network.newRandom());
        if (layers.isEmpty()) {
            Host host = network.addHost("198.18." + n + ".2", settings.wanLinks.getOrDefault(side, LinkModel.NONE));
            return new Site(side, host, List.of(), null, credentials);
        }
        List<Router> routers = new ArrayList<>();
        Router router = network.addRouter("198.18." + n + ".1", settings.wanLinks.getOrDefault(side, LinkModel.NONE),
                layers.get(0));
        routers.add(router);
        for (int i = 1; i < layers.size(); i++) {
            router = router.addRouter("100.64." + n + "." + i, LinkModel.NONE, layers.get(i));
            routers.add(router);
        }
        Host host = router.addHost("10.0." + n + ".2", LinkModel.NONE);
        double rate = settings.neighbours.getOrDefault(side, 0.0);
        Neighbour neighbour = null;
        if (rate > 0) {
            neighbour = new Neighbour(rate, settings.arrivals, network.newRandom(), 0);
            router.addHost("10.0." + n + ".3", LinkModel.NONE).attach(neighbour);
        }
        return new Site(side, host, routers, neighbour, credentials);
    }

    private static NatProfile profile(DiscoveryOutcome outcome, Side side) {
        if (outcome instanceof DiscoveryOutcome.Profiled p) {
            return p.profile();
        }
        throw new IllegalStateException("discovery failed on side " + side + ": "
                + ((DiscoveryOutcome.Failed) outcome).reason());
    }

    /** Settings of a scenario; every setter returns the builder. */
    public static final class Builder {
        private long seed = 1;
        private final Map<Side, List<NatBehavior>> nats = new EnumMap<>(Side.class);
        private final Map<Side, Double> neighbours = new EnumMap<>(Side.class);
        private final Map<Side, LinkModel> wanLinks = new EnumMap<>(Side.class);
        private Neighbour.Arrivals arrivals = Neighbour.Arrivals.POISSON;
        private Duration oneWayDelay = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private double loss;
        private Duration signallingDelay;
        private Duration warmUp = Duration.ZERO;
        private int localPort = 5004;
        private boolean trace;
        private Function<List<InetSocketAddress>, DiscoveryConfig> discoveryConfig = DiscoveryConfig::defaults;

        private Builder() {
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** A side's NAT from a preset, with sequence step 1 where it has one. */
        public Builder nat(Side side, NatPreset preset) {
            return nat(side, preset, 1);
        }

        /** A side's NAT from a preset with sequence step {@code delta}. */
        public Builder nat(Side side, NatPreset preset, int delta) {
            nats.put(side, preset.behavior(delta).map(List::of).orElse(List.of()));
            return this;
        }

        /** A side's NATs, outermost first (two for a double NAT); none for an open site. */
        public Builder nat(Side side, NatBehavior... outermostFirst) {
            nats.put(side, List.of(outermostFirst));
            return this;
        }

        /** One-way delay of the internet core (so of every site-to-site and site-to-server path). */
        public Builder oneWayDelay(Duration value) {
            this.oneWayDelay = value;
            return this;
        }

        /** Extra random delay on the core, uniform in [0, value). */
        public Builder jitter(Duration value) {
            this.jitter = value;
            return this;
        }

        /** Loss probability of the core, per datagram. */
        public Builder loss(double value) {
            this.loss = value;
            return this;
        }

        /** A link between a site's outermost NAT (or open host) and the core. */
        public Builder wanLink(Side side, LinkModel link) {
            wanLinks.put(side, link);
            return this;
        }

        /** New flows per second of a neighbour behind each site's innermost NAT. */
        public Builder neighbours(double flowsPerSecond) {
            neighbours.put(Side.A, flowsPerSecond);
            neighbours.put(Side.B, flowsPerSecond);
            return this;
        }

        /** New flows per second of a neighbour behind one site's innermost NAT. */
        public Builder neighbours(Side side, double flowsPerSecond) {
            neighbours.put(side, flowsPerSecond);
            return this;
        }

        /** Poisson (default) or regular neighbour flows. */
        public Builder arrivals(Neighbour.Arrivals value) {
            this.arrivals = value;
            return this;
        }

        /** Time the offer (and the answer) takes between the sides; default the one-way delay. */
        public Builder signallingDelay(Duration value) {
            this.signallingDelay = value;
            return this;
        }

        /** Neighbours run this long before discovery starts. */
        public Builder warmUp(Duration value) {
            this.warmUp = value;
            return this;
        }

        /** The media port of both clients (default 5004). */
        public Builder localPort(int port) {
            this.localPort = port;
            return this;
        }

        /** Records a {@link VirtualNetwork#trace()} of the whole run. */
        public Builder trace(boolean on) {
            this.trace = on;
            return this;
        }

        /** The discovery configuration for the two server addresses (default {@code DiscoveryConfig.defaults}). */
        public Builder discoveryConfig(Function<List<InetSocketAddress>, DiscoveryConfig> value) {
            this.discoveryConfig = value;
            return this;
        }

        private Duration signallingDelay() {
            return signallingDelay == null ? oneWayDelay : signallingDelay;
        }

        public Scenario build() {
            return new Scenario(this);
        }
    }
}
