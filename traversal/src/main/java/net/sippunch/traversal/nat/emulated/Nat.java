package net.sippunch.traversal.nat.emulated;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The translation state of one NAT, sans-IO: outbound datagrams get (or reuse) a mapping, inbound ones
 * are filtered and translated back. Time is an argument; randomness comes from the generator given at
 * construction. An external port belongs to one internal endpoint at a time; mappings of an address- or
 * port-dependent NAT each take their own port. Expired mappings free their port (checked lazily and in a
 * periodic sweep), so a later mapping of the same flow gets a new port.
 */
public final class Nat {

    private static final int SWEEP_EVERY = 1024;

    private final NatBehavior behavior;
    private final InetAddress publicIp;
    private final RandomGenerator random;
    private final Map<Key, Entry> byKey = new LinkedHashMap<>();
    private final Map<Integer, List<Entry>> byPort = new HashMap<>();
    private final Map<InetSocketAddress, List<Entry>> byInternal = new HashMap<>();
    private int sequenceNext;
    private int createdSinceSweep;

    private long mappingsCreated;
    private long collisions;
    private long exhausted;
    private long filtered;
    private long unmapped;
    private long expired;

    /** One mapping; its filter permissions (the endpoints it has sent to) live as long as it does. */
    private static final class Entry {
        final Key key;
        final int externalPort;
        /** The first endpoint sent to; most mappings never see another, so the set is made on demand. */
        InetSocketAddress firstPermitted;
        Set<InetSocketAddress> morePermitted;
        long expiresAt;

        Entry(Key key, int externalPort) {
            this.key = key;
            this.externalPort = externalPort;
        }

        boolean live(long now) {
            return now < expiresAt;
        }

        void permit(InetSocketAddress remote) {
            if (firstPermitted == null) {
                firstPermitted = remote;
            } else if (!firstPermitted.equals(remote)) {
                if (morePermitted == null) {
                    morePermitted = new HashSet<>();
                }
                morePermitted.add(remote);
            }
        }

        boolean permitsEndpoint(InetSocketAddress remote) {
            return remote.equals(firstPermitted) || (morePermitted != null && morePermitted.contains(remote));
        }

        boolean permitsAddress(InetAddress remote) {
            if (firstPermitted != null && firstPermitted.getAddress().equals(remote)) {
                return true;
            }
            if (morePermitted != null) {
                for (InetSocketAddress p : morePermitted) {
                    if (p.getAddress().equals(remote)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** What an outbound datagram's mapping is looked up by: the remote parts are null when they do not matter. */
    private record Key(InetSocketAddress internal, InetAddress remoteIp, int remotePort) {
    }

    public Nat(NatBehavior behavior, InetAddress publicIp, RandomGenerator random) {
        this.behavior = Objects.requireNonNull(behavior, "behavior");
        this.publicIp = Objects.requireNonNull(publicIp, "publicIp");
        this.random = Objects.requireNonNull(random, "random");
        int base = behavior.portMin();
        if (behavior.allocation() instanceof Allocation.Sequential s) {
            base = s.base();
        } else if (behavior.allocation() instanceof Allocation.SecondPriority s) {
            base = s.base();
        }
        this.sequenceNext = base;
    }

    public NatBehavior behavior() {
        return behavior;
    }

    /** The address the NAT's mappings appear under on its outside. */
    public InetAddress publicIp() {
        return publicIp;
    }

    /**
     * Translates the source of an outbound datagram, creating a mapping when none fits, and refreshes the
     * mapping and its filter permission for {@code destination}.
     *
     * @return the external port, or empty when no port is free (the datagram is dropped and counted)
     */
    public OptionalInt outbound(long nowNanos, InetSocketAddress internal, InetSocketAddress destination) {
        Key key = switch (behavior.mapping()) {
            case ENDPOINT_INDEPENDENT -> new Key(internal, null, -1);
            case ADDRESS_DEPENDENT -> new Key(internal, destination.getAddress(), -1);
            case ADDRESS_AND_PORT_DEPENDENT -> new Key(internal, destination.getAddress(), destination.getPort());
        };
        Entry entry = byKey.get(key);
        if (entry != null && !entry.live(nowNanos)) {
            remove(entry);
            entry = null;
        }
        if (entry == null) {
            int port = allocate(nowNanos, internal);
            if (port < 0) {
                exhausted++;
                return OptionalInt.empty();
            }
            entry = new Entry(key, port);
            byKey.put(key, entry);
            byPort.computeIfAbsent(port, p -> new ArrayList<>(1)).add(entry);
            byInternal.computeIfAbsent(internal, i -> new ArrayList<>(1)).add(entry);
            mappingsCreated++;
            // sweeping costs the table's size, so sweep once per half a table of new mappings
            if (++createdSinceSweep >= Math.max(SWEEP_EVERY, byKey.size() / 2)) {
                sweep(nowNanos);
            }
        }
        entry.expiresAt = nowNanos + behavior.mappingTimeoutNanos();
        entry.permit(destination);
        return OptionalInt.of(entry.externalPort);
    }

    /**
     * Filters and translates the destination of an inbound datagram sent to {@code externalPort} of the
     * public address from {@code remote}.
     *
     * @return the internal endpoint to deliver to, or empty when no live mapping holds the port or the
     *         filter refuses the sender (both counted)
     */
    public Optional<InetSocketAddress> inbound(long nowNanos, int externalPort, InetSocketAddress remote) {
        List<Entry> entries = livePortEntries(nowNanos, externalPort);
        if (entries.isEmpty()) {
            unmapped++;
            return Optional.empty();
        }
        InetSocketAddress internal = entries.get(0).key.internal();
        boolean allowed = false;
        for (Entry e : entries) {
            boolean permits = switch (behavior.filtering()) {
                case ENDPOINT_INDEPENDENT -> true;
                case ADDRESS_DEPENDENT -> e.permitsAddress(remote.getAddress());
                case ADDRESS_AND_PORT_DEPENDENT -> e.permitsEndpoint(remote);
            };
            if (permits) {
                allowed = true;
                if (behavior.inboundRefresh()) {
                    e.expiresAt = nowNanos + behavior.mappingTimeoutNanos();
                }
            }
        }
        if (!allowed) {
            filtered++;
            return Optional.empty();
        }
        return Optional.of(internal);
    }

    /** The external port of a live mapping that an outbound datagram to {@code destination} would use. */
    public OptionalInt peek(long nowNanos, InetSocketAddress internal, InetSocketAddress destination) {
        for (Entry e : byInternal.getOrDefault(internal, List.of())) {
            if (e.live(nowNanos) && matches(e.key, destination)) {
                return OptionalInt.of(e.externalPort);
            }
        }
        return OptionalInt.empty();
    }

    /** Whether a live mapping holds {@code externalPort} at {@code nowNanos}. */
    public boolean holds(long nowNanos, int externalPort) {
        return !free(nowNanos, externalPort);
    }

    /**
     * Forgets every mapping, as a NAT reboot or a mapping flush does; the allocator's sequence goes on, so
     * a sequential NAT gives the next flow a new port (a NAT rebinding, as seen from outside).
     */
    public void reset() {
        byKey.clear();
        byPort.clear();
        byInternal.clear();
    }

    /** Mappings alive at {@code nowNanos}. */
    public int liveMappings(long nowNanos) {
        int n = 0;
        for (Entry e : byKey.values()) {
            if (e.live(nowNanos)) {
                n++;
            }
        }
        return n;
    }

    /** Mappings created so far. */
    public long mappingsCreated() {
        return mappingsCreated;
    }

    /** Ports the allocator wanted but found held by a live mapping (it moved on). */
    public long collisions() {
        return collisions;
    }

    /** Outbound datagrams dropped because no port of the range was free. */
    public long exhausted() {
        return exhausted;
    }

    /** Inbound datagrams dropped by the filter. */
    public long filtered() {
        return filtered;
    }

    /** Inbound datagrams dropped because no live mapping held the port. */
    public long unmapped() {
        return unmapped;
    }

    /** Mappings removed after their timeout. */
    public long expired() {
        return expired;
    }

    private boolean matches(Key key, InetSocketAddress destination) {
        return (key.remoteIp() == null || key.remoteIp().equals(destination.getAddress()))
                && (key.remotePort() < 0 || key.remotePort() == destination.getPort());
    }

    private int allocate(long now, InetSocketAddress internal) {
        Allocation a = behavior.allocation();
        if (a instanceof Allocation.PortPreserving) {
            return scanUp(now, internal.getPort());
        }
        if (a instanceof Allocation.Sequential s) {
            return sequence(now, s.delta());
        }
        if (a instanceof Allocation.SecondPriority s) {
            boolean first = liveInternalEntries(now, internal) == 0;
            if (first && free(now, internal.getPort())) {
                return internal.getPort();
            }
            return sequence(now, s.delta());
        }
        return randomPort(now);
    }

    /** The wanted port if free, else the next free one up, wrapping inside the range. */
    private int scanUp(long now, int wanted) {
        if (free(now, wanted)) {
            return wanted;
        }
        collisions++;
        int size = rangeSize();
        int start = wanted < behavior.portMin() || wanted > behavior.portMax() ? behavior.portMin() : wanted;
        for (int i = 1; i <= size; i++) {
            int p = wrap(start + i);
            if (free(now, p)) {
                return p;
            }
        }
        return -1;
    }

    private int sequence(long now, int delta) {
        int size = rangeSize();
        for (int i = 0; i < size; i++) {
            int p = sequenceNext;
            sequenceNext = wrap(sequenceNext + delta);
            if (free(now, p)) {
                return p;
            }
            collisions++;
        }
        return -1;
    }

    private int randomPort(long now) {
        for (int i = 0; i < 64; i++) {
            int p = behavior.portMin() + random.nextInt(rangeSize());
            if (free(now, p)) {
                return p;
            }
            collisions++;
        }
        int start = behavior.portMin() + random.nextInt(rangeSize());
        for (int i = 0; i < rangeSize(); i++) {
            int p = wrap(start + i);
            if (free(now, p)) {
                return p;
            }
        }
        return -1;
    }

    private int rangeSize() {
        return behavior.portMax() - behavior.portMin() + 1;
    }

    private int wrap(int port) {
        int size = rangeSize();
        return behavior.portMin() + Math.floorMod(port - behavior.portMin(), size);
    }

    private boolean free(long now, int port) {
        return livePortEntries(now, port).isEmpty();
    }

    private List<Entry> livePortEntries(long now, int port) {
        List<Entry> entries = byPort.get(port);
        if (entries == null) {
            return List.of();
        }
        for (Entry e : List.copyOf(entries)) {
            if (!e.live(now)) {
                remove(e);
            }
        }
        return byPort.getOrDefault(port, List.of());
    }

    private int liveInternalEntries(long now, InetSocketAddress internal) {
        int n = 0;
        for (Entry e : byInternal.getOrDefault(internal, List.of())) {
            if (e.live(now)) {
                n++;
            }
        }
        return n;
    }

    private void sweep(long now) {
        createdSinceSweep = 0;
        for (Iterator<Entry> it = byKey.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (!e.live(now)) {
                it.remove();
                unlink(e);
            }
        }
    }

    private void remove(Entry e) {
        byKey.remove(e.key);
        unlink(e);
    }

    private void unlink(Entry e) {
        expired++;
        List<Entry> onPort = byPort.get(e.externalPort);
        if (onPort != null) {
            onPort.remove(e);
            if (onPort.isEmpty()) {
                byPort.remove(e.externalPort);
            }
        }
        List<Entry> ofInternal = byInternal.get(e.key.internal());
        if (ofInternal != null) {
            ofInternal.remove(e);
            if (ofInternal.isEmpty()) {
                byInternal.remove(e.key.internal());
            }
        }
    }
}
