package net.sippunch.agent.media.srtp;

import java.util.EnumMap;
import java.util.Map;

/**
 * What a sender or receiver did: packets passed, and packets dropped by reason.
 *
 * @param srtp  SRTP packets protected (sender) or accepted (receiver)
 * @param srtcp SRTCP packets protected or accepted
 */
public record SrtpCounters(long srtp, long srtcp, Map<DropReason, Long> dropped) {

    public SrtpCounters {
        dropped = Map.copyOf(dropped);
    }

    /** Packets dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }

    /** Packets dropped for any reason. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Mutable tallies behind a snapshot; owned by one event loop. */
    static final class Tally {
        long srtp;
        long srtcp;
        private final long[] dropped = new long[DropReason.values().length];

        private static final SrtpResult.Dropped[] DROPS = java.util.Arrays.stream(DropReason.values())
                .map(SrtpResult.Dropped::new).toArray(SrtpResult.Dropped[]::new);

        SrtpResult drop(DropReason reason) {
            dropped[reason.ordinal()]++;
            return DROPS[reason.ordinal()];
        }

        SrtpCounters snapshot() {
            Map<DropReason, Long> map = new EnumMap<>(DropReason.class);
            for (DropReason r : DropReason.values()) {
                if (dropped[r.ordinal()] > 0) {
                    map.put(r, dropped[r.ordinal()]);
                }
            }
            return new SrtpCounters(srtp, srtcp, map);
        }
    }
}
