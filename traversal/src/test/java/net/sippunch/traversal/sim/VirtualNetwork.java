package net.sippunch.traversal.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.emulated.NatBehavior;

/**
 * A deterministic virtual UDP network that drives unchanged sans-IO {@link DatagramSession}s.
 *
 * <p>Topology: public nodes hang off an internet core; a {@link Router} (a NAT) has a LAN of hosts and
 * further routers. Every node has a {@link LinkModel} towards its parent, and the core has one that every
 * datagram crossing it pays once; a datagram from one site to another crosses sender link, core, receiver
 * link. NATs translate when a datagram reaches them, so their port allocation follows arrival order.
 *
 * <p>Time is virtual ({@link VirtualClock}, nanoseconds from 0). {@link #runUntil} jumps to the next
 * delivery or the earliest {@link DatagramSession#pollTimeout()} of an attached session, feeds it, and after
 * every input drains {@link DatagramSession#pollTransmit()} of every session. All randomness (link loss and
 * jitter, random port allocation, neighbours) comes from generators split off one seed in creation order:
 * the same seed and the same construction give the same run, datagram for datagram ({@link #trace}).
 */
public final class VirtualNetwork {

    /** Steps at one instant without time moving that mean a session keeps asking for a past timeout. */
    private static final int MAX_STEPS_AT_ONE_INSTANT = 1_000_000;

    private final VirtualClock clock = new VirtualClock();
    private final SplittableRandom root;
    private final RandomGenerator linkRandom;
    private final Map<InetAddress, Node> publicNodes = new HashMap<>();
    private final List<Attachment> sessions = new ArrayList<>();
    private LinkModel core = LinkModel.NONE;
    private long sent;
    private long delivered;
    private final EnumMap<Drop, Long> dropped = new EnumMap<>(Drop.class);
    private List<TraceRecord> trace;

    public VirtualNetwork(long seed) {
        this.root = new SplittableRandom(seed);
        this.linkRandom = root.split();
    }

    /** The current virtual time in nanoseconds. */
    public long now() {
        return clock.now();
    }

    public VirtualClock clock() {
        return clock;
    }

    /** A new generator split off the network's seed; deterministic given the order of calls. */
    public RandomGenerator newRandom() {
        return root.split();
    }

    /** Sets what crossing the internet core does to a datagram (default: nothing). */
    public VirtualNetwork core(LinkModel model) {
        this.core = model;
        return this;
    }

    public LinkModel core() {
        return core;
    }

    /** Starts recording every send, delivery and drop (off by default: it costs memory). */
    public VirtualNetwork trace(boolean on) {
        trace = on ? new ArrayList<>() : null;
        return this;
    }

    /** The trace so far; empty when tracing is off. */
    public List<TraceRecord> trace() {
        return trace == null ? List.of() : List.copyOf(trace);
    }

    /** Adds a host with a public address. */
    public Host addHost(String publicIp, LinkModel link) {
        return registerPublic(new Host(this, ip(publicIp), null, link));
    }

    /** Adds a NAT whose outside address {@code publicIp} is on the internet. */
    public Router addRouter(String publicIp, LinkModel link, NatBehavior behavior) {
        return registerPublic(new Router(this, ip(publicIp), null, link, behavior));
    }

    /**
     * Adds a discovery server running the project's {@code BindingResponder}; with two listen addresses of
     * different IPs and ports it answers on all four combinations (RFC 5780).
     */
    public DiscoveryServer addDiscoveryServer(ServerAddresses addresses, LinkModel link) {
        DiscoveryServer server = new DiscoveryServer(this, addresses.listen().get(0).getAddress(), link, addresses);
        for (InetSocketAddress a : addresses.bindAddresses()) {
            Node existing = publicNodes.putIfAbsent(a.getAddress(), server);
            if (existing != null && existing != server) {
                throw new IllegalArgumentException(a.getAddress() + " is already on the internet");
            }
        }
        return server;
    }

    /**
     * Puts a hand-made datagram on the internet core now, with any source address (a spoofing attacker, a
     * stray packet): it is counted as sent and then routed like any other. To inject later, schedule this
     * on the {@link #clock()}.
     */
    public void inject(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
        Datagram d = new Datagram(source, destination, payload.clone());
        sent(d);
        coreArrive(d);
    }

    /** What has been sent, delivered and dropped so far. */
    public NetworkCounters counters() {
        return new NetworkCounters(sent, delivered, dropped);
    }

    /**
     * Runs the network until {@code done} is true or the next thing to happen would be after
     * {@code deadlineNanos}; {@code done} is checked before the first step and after every step.
     *
     * @return whether {@code done} became true (false: the deadline came first, or nothing was left to
     *         happen; time is then {@code deadlineNanos}, or later if it already was)
     * @throws IllegalStateException when a session keeps asking for a timeout without time advancing
     */
    public boolean runUntil(BooleanSupplier done, long deadlineNanos) {
        drainAll();
        long stepsHere = 0;
        long lastInstant = clock.now();
        while (!done.getAsBoolean()) {
            long eventAt = clock.nextEventAt();
            Attachment due = null;
            long dueAt = Long.MAX_VALUE;
            for (Attachment a : sessions) {
                OptionalLong t = a.session().pollTimeout();
                if (t.isPresent() && t.getAsLong() < dueAt) {
                    dueAt = t.getAsLong();
                    due = a;
                }
            }
            long next = Math.max(clock.now(), Math.min(eventAt, dueAt));
            if (next > deadlineNanos || (eventAt == Long.MAX_VALUE && due == null)) {
                if (deadlineNanos != Long.MAX_VALUE) {
                    clock.advanceTo(deadlineNanos);
                }
                return false;
            }
            if (eventAt <= dueAt) {
                clock.runNext();
            } else {
                clock.advanceTo(dueAt);
                due.session().handleTimeout(clock.now());
            }
            drainAll();
            if (clock.now() != lastInstant) {
                lastInstant = clock.now();
                stepsHere = 0;
            } else if (++stepsHere > MAX_STEPS_AT_ONE_INSTANT) {
                throw new IllegalStateException("no progress at t=" + clock.now() + " ns; last session due: "
                        + (due == null ? "none" : due.session()));
            }
        }
        return true;
    }

    /** Runs for {@code nanos} of virtual time. */
    public void runFor(long nanos) {
        runUntil(() -> false, clock.now() + nanos);
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }

    // ---- package-private plumbing used by the nodes ----

    void attached(Attachment a) {
        sessions.add(a);
    }

    void detached(Attachment a) {
        sessions.remove(a);
    }

    private void drainAll() {
        for (int i = 0; i < sessions.size(); i++) {
            Attachment a = sessions.get(i);
            for (Optional<Transmit> t = a.session().pollTransmit(); t.isPresent() && !a.detached();
                 t = a.session().pollTransmit()) {
                a.host().transmit(a, t.get());
            }
        }
    }

    /** A datagram leaves over {@code link}: lost, or {@code arrival} runs after the link's delay. */
    void cross(LinkModel link, Datagram d, Runnable arrival) {
        if (link.loses(linkRandom)) {
            drop(Drop.LOST, d);
            return;
        }
        clock.schedule(clock.now() + link.delayNanos(linkRandom), arrival);
    }

    boolean routable(InetSocketAddress destination) {
        return publicNodes.containsKey(destination.getAddress());
    }

    /** A datagram reaches the internet core from a public node: across the core and the receiver's link. */
    void coreArrive(Datagram d) {
        Node target = publicNodes.get(d.destination().getAddress());
        if (target == null) {
            drop(Drop.NO_ROUTE, d);
            return;
        }
        if (core.loses(linkRandom) || target.link.loses(linkRandom)) {
            drop(Drop.LOST, d);
            return;
        }
        long delay = core.delayNanos(linkRandom) + target.link.delayNanos(linkRandom);
        clock.schedule(clock.now() + delay, () -> target.arrive(d, false));
    }

    void sent(Datagram d) {
        sent++;
        record("send", d);
    }

    void delivered(Datagram d) {
        delivered++;
        record("deliver", d);
    }

    void drop(Drop reason, Datagram d) {
        dropped.merge(reason, 1L, Long::sum);
        if (trace != null) {
            record("drop:" + reason, d);
        }
    }

    private void record(String event, Datagram d) {
        if (trace != null) {
            trace.add(TraceRecord.of(clock.now(), event, d));
        }
    }

    private <N extends Node> N registerPublic(N node) {
        if (publicNodes.putIfAbsent(node.ip, node) != null) {
            throw new IllegalArgumentException(node.ip + " is already on the internet");
        }
        return node;
    }
}
