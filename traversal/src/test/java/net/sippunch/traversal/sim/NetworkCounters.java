package net.sippunch.traversal.sim;

import java.util.EnumMap;
import java.util.Map;

/**
 * What the virtual network has done so far: datagrams sent by sessions and servers, delivered to them,
 * and dropped, by reason. A snapshot is an immutable copy; {@link #minus} gives the counts of a phase.
 *
 * @param sent      datagrams sessions and discovery servers handed to the network
 * @param delivered datagrams handed to a session or a discovery server
 * @param dropped   datagrams dropped, by reason (every reason present, zero when none)
 */
public record NetworkCounters(long sent, long delivered, Map<Drop, Long> dropped) {

    public NetworkCounters {
        EnumMap<Drop, Long> copy = new EnumMap<>(Drop.class);
        for (Drop d : Drop.values()) {
            copy.put(d, dropped.getOrDefault(d, 0L));
        }
        dropped = Map.copyOf(copy);
    }

    /** Drops for one reason. */
    public long dropped(Drop reason) {
        return dropped.get(reason);
    }

    /** All drops. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The counts since {@code earlier}. */
    public NetworkCounters minus(NetworkCounters earlier) {
        EnumMap<Drop, Long> d = new EnumMap<>(Drop.class);
        for (Drop r : Drop.values()) {
            d.put(r, dropped(r) - earlier.dropped(r));
        }
        return new NetworkCounters(sent - earlier.sent, delivered - earlier.delivered, d);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("sent=" + sent + " delivered=" + delivered);
        for (Drop r : Drop.values()) {
            if (dropped(r) != 0) {
                sb.append(' ').append(r.name().toLowerCase()).append('=').append(dropped(r));
            }
        }
        return sb.toString();
    }
}
