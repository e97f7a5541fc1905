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
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.call.TraversalEvent;
import net.sippunch.traversal.discovery.DiscoveryClient;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.NatKnowledge;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.emulated.Nat;
import net.sippunch.traversal.nat.emulated.NatBehavior;
import net.sippunch.traversal.nat.emulated.NatPreset;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchRole;

/**
 * Two sites behind NATs, two discovery servers, and a call between them on a {@link VirtualNetwork}: each
 * client runs the project's {@link CallTraversal} on its media port ({@link SimulatedMediaPort}), fed in the
 * method's order. The harness for punch tests, the NAT &times; NAT matrix and benchmarks.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * Scenario scenario = Scenario.builder()
 *         .seed(7)                                                  // same settings + seed = same run
 *         .nat(Scenario.Side.A, NatPreset.SYMMETRIC_SEQUENTIAL, 1)   // preset and sequence step
 *         .nat(Scenario.Side.B, NatPreset.PORT_RESTRICTED_CONE)      // or .nat(side, NatBehavior...) outer first
 *         .oneWayDelay(Duration.ofMillis(50))                        // every public-to-public path
 *         .loss(0.01)                                               // per datagram crossing the internet
 *         .neighbours(100)                                          // new flows/s behind each NAT (Poisson)
 *         .punchConfig(PunchConfig.defaults().withSchedule(schedule)) // the punch engine's tunables
 *         .warmDiscovery()                                          // calls discover with NAT knowledge
 *         .build();
 * Scenario.Discovery d = scenario.discover();                      // A, signalling delay, B
 * Scenario.Result<SimulatedMediaPort> r = scenario.punch(Duration.ofSeconds(30)); // deadline from B's start
 * assertTrue(r.completed());                                        // both settled or gave up
 * Optional<PunchPath> path = r.a().traversal().settledPath();
 * double rtts = r.elapsedNanos() / (double) scenario.rttNanos();
 * }</pre>
 *
 * <h2>Topology</h2>
 * <ul>
 *   <li>Discovery servers: {@link #SERVER_1} (198.18.0.21:3478) and {@link #SERVER_2} (198.18.0.31:3479), one
 *       RFC 5780 server running the project's {@code BindingResponder} on all four address combinations, like
 *       {@code NettyDiscoveryServer}; or two plain servers ({@link Builder#plainServers()}).</li>
 *   <li>Site A is N = 1, site B is N = 2. The outermost NAT's public address is 198.18.N.1; an inner NAT of a
 *       double NAT has 100.64.N.i on the LAN of the one outside it; the client host is 10.0.N.2 behind the
 *       innermost NAT, the neighbour host 10.0.N.3 on the same LAN (10.0.1.x on both sites with
 *       {@link Builder#samePrivateAddresses()}). An {@link NatPreset#OPEN} site has no NAT:
 *       its client is public at 198.18.N.2, and it has no neighbour.</li>
 *   <li>Links: {@link Builder#oneWayDelay}, {@link Builder#jitter} and {@link Builder#loss} are the internet
 *       core's, paid once by every datagram between two public points (site to site, site to server), so
 *       {@link #rttNanos()} is twice the one-way delay unless {@link Builder#wanLink} adds a link between a
 *       site's outermost NAT (or open host) and the core. LAN links are perfect.</li>
 * </ul>
 *
 * <h2>Order of events</h2>
 * <ul>
 *   <li>Neighbours open flows from time 0 ({@link Builder#warmUp} runs them alone before anything else).</li>
 *   <li>{@link #discover()}: A's traversal starts discovery (configuration from {@link Builder#discoveryConfig},
 *       default {@code DiscoveryConfig.defaults}) from its media port {@link #localPort()} (default 5004) and
 *       runs until {@link TraversalEvent.Discovered} or {@link TraversalEvent.DiscoveryFailed}; the offer then
 *       travels for the signalling delay ({@link Builder#signallingDelay}, default the one-way delay); then B
 *       runs discovery the same way. Each traversal keeps its media port open from then on.</li>
 *   <li>{@link #punch(Duration)}: the answer is sent when B's discovery ends, so B's traversal is given A's
 *       description ({@link CallTraversal#peer}) at once; A's is given B's one signalling delay later (when
 *       the answer arrives). Birthday sockets a plan wants are bound at once on the client host. The run
 *       stops as soon as both traversals have finished, or at the deadline.</li>
 *   <li>{@link #punch(Function, Predicate, Duration)}: the same order with other sessions in place of the
 *       traversals' punch (the harness's own naive probe): at each side's start its media port closes and
 *       the factory's session, given a {@link Peer}, owns the port from then on and every further port it
 *       sends from. The run stops as soon as {@code done} holds for both, or at the deadline.</li>
 *   <li>{@link Result}: completed or not, the virtual time from B's start to both done (or the deadline),
 *       when each side was done, the two sessions, datagrams sent and received by each client host during
 *       the punch phase, and network-wide counters of the phase (drops by {@link Drop} reason; they include
 *       the neighbours' flows, which all end as {@link Drop#NO_ROUTE}).</li>
 * </ul>
 *
 * <h2>Going further</h2>
 * After {@link #punch} the sessions stay attached: {@code scenario.network().runUntil(...)} keeps time
 * going (keepalives, consent freshness), and {@link SimulatedMediaPort#pollEvent()} hands out what the
 * traversal reported (path changes, consent loss). {@link #site(Side)} gives a side's {@link Site}: its client
 * {@link Host}, its {@link Router}s whose {@link Nat} can be peeked ({@link Nat#peek}) or reset
 * ({@link Nat#reset()}, a rebinding), and its {@link Neighbour}. {@link VirtualNetwork#inject} puts a
 * hand-made datagram with any source on the internet; a {@link ScriptedSession} on an extra public host
 * ({@code scenario.network().addHost(...)}) is an attacker from its own address. {@link Builder#trace}
 * records every send, delivery and drop ({@link VirtualNetwork#trace()}) to explain a failure.
 *
 * <p>Not thread-safe; one scenario, one discovery, one punch phase.
 */
public final class Scenario {

    /** Server 1's address: the first configured discovery server. */
    public static final InetSocketAddress SERVER_1 = new InetSocketAddress(VirtualNetwork.ip("198.18.0.21"), 3478);
    /** Server 2's address: same server, the second IP and port. */
    public static final InetSocketAddress SERVER_2 = new InetSocketAddress(VirtualNetwork.ip("198.18.0.31"), 3479);

    /** The port a side's warm-up discovery runs from ({@link Builder#warmDiscovery()}). */
    public static final int SPARE_PORT = 6004;

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

    /** What a custom session's factory is given ({@link #punch(Function, Predicate, Duration)}). */
    public record Peer(Side side, int localPort, Discovery discovery, long nowNanos) {

        /** This side's profile; throws naming the reason when its discovery failed. */
        public NatProfile localProfile() {
            return discovery.endpoint(side).profile();
        }

        /** The other side's profile, as its SDP would carry it; throws when its discovery failed. */
        public NatProfile remoteProfile() {
            return discovery.endpoint(side.other()).profile();
        }
    }

    /**
     * How discovery ended on each side ({@link TraversalEvent.Discovered} or
     * {@link TraversalEvent.DiscoveryFailed}), and when discovery started and ended.
     */
    public record Discovery(TraversalEvent a, TraversalEvent b, long startNanos, long endNanos) {
        public NatProfile profileA() {
            return endpoint(Side.A).profile();
        }

        public NatProfile profileB() {
            return endpoint(Side.B).profile();
        }

        public TraversalEvent outcome(Side side) {
            return side == Side.A ? a : b;
        }

        /** A side's description for its SDP; throws naming the reason when its discovery failed. */
        public PunchEndpoint endpoint(Side side) {
            if (outcome(side) instanceof TraversalEvent.Discovered d) {
                return d.local();
            }
            throw new IllegalStateException("discovery failed on side " + side + ": "
                    + ((TraversalEvent.DiscoveryFailed) outcome(side)).reason());
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

    private final Builder settings;
    private final VirtualNetwork network;
    private final List<DiscoveryServer> servers = new ArrayList<>();
    private final Map<Side, Site> sites = new EnumMap<>(Side.class);
    private final Map<Side, NatKnowledge> knowledge = new EnumMap<>(Side.class);
    private Discovery discovery;
    private boolean punched;

    private Scenario(Builder b) {
        this.settings = b;
        this.network = new VirtualNetwork(b.seed).trace(b.trace);
        network.core(new LinkModel(b.oneWayDelay.toNanos(), b.jitter.toNanos(), b.loss));
        if (b.rfc5780) {
            servers.add(network.addDiscoveryServer(new ServerAddresses(List.of(SERVER_1, SERVER_2)), LinkModel.NONE));
        } else {
            servers.add(network.addDiscoveryServer(new ServerAddresses(List.of(SERVER_1)), LinkModel.NONE));
            servers.add(network.addDiscoveryServer(new ServerAddresses(List.of(SERVER_2)), LinkModel.NONE));
        }
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

    /** The discovery servers: one RFC 5780 server with both addresses, or two plain ones. */
    public List<DiscoveryServer> discoveryServers() {
        return List.copyOf(servers);
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
            oneWay += s.host().link.oneWayDelayNanos();
            for (Router r : s.routers()) {
                oneWay += r.link.oneWayDelayNanos();
            }
        }
        return 2 * oneWay;
    }

    /**
     * Runs discovery on A, waits the signalling delay, runs discovery on B. Once per scenario. With
     * {@link Builder#warmDiscovery()}, each side first learns its NAT with a full discovery from a spare port
     * ({@link #knowledge(Side)}), and the call's discovery then runs with that knowledge.
     */
    public Discovery discover() {
        if (discovery != null) {
            throw new IllegalStateException("discovery has already run");
        }
        if (settings.warmDiscovery) {
            for (Side side : Side.values()) {
                knowledge.put(side, learn(site(side)));
            }
        }
        long start = network.now();
        TraversalEvent a = discoverOn(site(Side.A));
        network.runFor(signallingDelayNanos());
        TraversalEvent b = discoverOn(site(Side.B));
        discovery = new Discovery(a, b, start, network.now());
        return discovery;
    }

    /**
     * Runs the punch phase of both sides' {@link CallTraversal}s (after {@link #discover()}, which it runs first
     * if needed): B's is given A's description now, as its answer leaves; A's is given B's one signalling
     * delay later, as the answer arrives; B's is {@link CallTraversal#confirmed} another signalling delay
     * later, as A's ACK arrives.
     *
     * @param deadline virtual time limit, from B's start
     */
    public Result<SimulatedMediaPort> punch(Duration deadline) {
        return runPunchPhase(side -> {
            discovery.endpoint(side); // throws, naming the reason, when this side's own discovery failed
            SimulatedMediaPort port = site(side).mediaPort().orElseThrow();
            port.peer(network.now(), discovery.endpoint(side.other()));
            if (side == Side.B) {
                // the ACK of B's answer: one signalling delay there, one back
                network.clock().schedule(network.now() + 2 * signallingDelayNanos(),
                        () -> port.confirmed(network.now()));
            }
            return port;
        }, SimulatedMediaPort::finished, deadline);
    }

    /**
     * Runs the punch phase with other sessions in place of the traversals' punch engine (after
     * {@link #discover()}, which it runs first if needed): at each side's start its media port is closed and
     * {@code factory}'s session takes {@link #localPort()} over; B's starts now, A's one signalling delay later.
     *
     * @param factory  makes a side's session from what that side knows
     * @param done     when a session has finished (settled or given up)
     * @param deadline virtual time limit, from B's start
     */
    public <S extends DatagramSession> Result<S> punch(Function<Peer, S> factory, Predicate<S> done,
                                                       Duration deadline) {
        return runPunchPhase(side -> {
            Site site = site(side);
            site.mediaPort().orElseThrow().close();
            Peer peer = new Peer(side, settings.localPort, discovery, network.now());
            S session = Objects.requireNonNull(factory.apply(peer), "the factory returned null");
            site.host().attach(session, settings.localPort);
            return session;
        }, done, deadline);
    }

    private <S extends DatagramSession> Result<S> runPunchPhase(Function<Side, S> startSide, Predicate<S> done,
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
        long sentA = sa.host().sent();
        long receivedA = sa.host().received();
        long sentB = sb.host().sent();
        long receivedB = sb.host().received();
        List<S> sessions = new ArrayList<>(Arrays.asList(null, null));
        long[] doneAt = {-1, -1};
        sessions.set(1, startSide.apply(Side.B));
        network.clock().schedule(start + signallingDelayNanos(), () -> sessions.set(0, startSide.apply(Side.A)));
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
                sa.host().sent() - sentA, sa.host().received() - receivedA,
                sb.host().sent() - sentB, sb.host().received() - receivedB,
                network.counters().minus(before));
    }

    /** A side's traversal: discovery from its media port until it ends. The port stays open for the punch. */
    private TraversalEvent discoverOn(Site site) {
        DiscoveryConfig config = settings.discoveryConfig.apply(List.of(SERVER_1, SERVER_2));
        CallTraversal traversal = new CallTraversal(new CallTraversal.Settings(config, settings.punchConfig),
                site.side() == Side.A ? PunchRole.CONTROLLING : PunchRole.CONTROLLED, site.credentials(),
                site.host().address(settings.localPort), Optional.empty(), network.newRandom());
        SimulatedMediaPort port = SimulatedMediaPort.start(site.host(), traversal, network.now(),
                Optional.ofNullable(knowledge.get(site.side())));
        site.mediaPort = port;
        long deadline = network.now() + config.totalCap().toNanos() + 1_000_000_000L;
        network.runUntil(() -> port.discovery().isPresent(), deadline);
        return port.discovery().orElseThrow(
                () -> new IllegalStateException("discovery did not end by its cap on side " + site.side()));
    }

    /** What a side's warm-up discovery learned ({@link Builder#warmDiscovery()}), once {@link #discover()} ran. */
    public Optional<NatKnowledge> knowledge(Side side) {
        return Optional.ofNullable(knowledge.get(side));
    }

    /**
     * A full discovery from {@link #SPARE_PORT} of the site's client host, as an agent runs one to fill its
     * knowledge cache; the port is closed again after it.
     */
    private NatKnowledge learn(Site site) {
        DiscoveryConfig config = settings.discoveryConfig.apply(List.of(SERVER_1, SERVER_2));
        DiscoveryClient client = new DiscoveryClient(config, site.host().address(SPARE_PORT), SPARE_PORT,
                network.newRandom(), network.now());
        Attachment attachment = site.host().attach(client, SPARE_PORT);
        network.runUntil(() -> client.outcome().isPresent(), network.now() + config.totalCap().toNanos() + 1);
        attachment.detach();
        if (client.outcome().orElseThrow() instanceof DiscoveryOutcome.Profiled profiled) {
            return profiled.knowledge();
        }
        throw new IllegalStateException("the warm-up discovery failed on side " + site.side() + ": "
                + client.outcome().orElseThrow());
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
        int lan = settings.samePrivateAddresses ? 1 : n;
        Host host = router.addHost("10.0." + lan + ".2", LinkModel.NONE);
        double rate = settings.neighbours.getOrDefault(side, 0.0);
        Neighbour neighbour = null;
        if (rate > 0) {
            neighbour = new Neighbour(rate, settings.arrivals, network.newRandom(), 0);
            router.addHost("10.0." + lan + ".3", LinkModel.NONE).attach(neighbour);
        }
        return new Site(side, host, routers, neighbour, credentials);
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
        private boolean rfc5780 = true;
        private boolean samePrivateAddresses;
        private boolean warmDiscovery;
        private Function<List<InetSocketAddress>, DiscoveryConfig> discoveryConfig = DiscoveryConfig::defaults;
        private PunchConfig punchConfig = PunchConfig.defaults();

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

        /**
         * Two independent plain STUN servers at {@link #SERVER_1} and {@link #SERVER_2} instead of one RFC 5780
         * server: discovery then gets two samples and cannot measure filtering.
         */
        public Builder plainServers() {
            this.rfc5780 = false;
            return this;
        }

        /**
         * Both NATed clients get 10.0.1.2 (and neighbours 10.0.1.3), as two home networks often do: the
         * peer's private tuple is then the client's own address.
         */
        public Builder samePrivateAddresses() {
            this.samePrivateAddresses = true;
            return this;
        }

        /**
         * Warm discovery: before the call, each side runs a full discovery from {@link #SPARE_PORT} through
         * its NAT, and the call's discovery runs with what it learned ({@code CallTraversal.start(now, knowledge)}),
         * as an agent with a fresh {@code NatKnowledgeCache} does.
         */
        public Builder warmDiscovery() {
            this.warmDiscovery = true;
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

        /** The punch engine's tunables, schedule included (default {@code PunchConfig.defaults()}). */
        public Builder punchConfig(PunchConfig value) {
            this.punchConfig = Objects.requireNonNull(value, "value");
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
