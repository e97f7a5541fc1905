package net.sippunch.traversal.call;

import java.net.InetSocketAddress;
import java.util.List;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchEvent;
import net.sippunch.traversal.punch.PunchPath;

/**
 * What a {@link CallTraversal} reports, pulled with {@link CallTraversal#pollEvent()}. Every kind has a
 * consumer: the driver binds sockets on {@link SocketsWanted}; the call's owner puts {@link Discovered} into
 * its SDP, ends the SDP preparation on {@link DiscoveryFailed}, starts media on a settled path, follows
 * {@link PunchEvent.PathChanged} and ends the call on {@link PunchEvent.ConsentLost}, allocates a relay on
 * {@link RelayWanted} and gives media a relayed path on an answered {@link RelayChecked}.
 */
public sealed interface TraversalEvent {

    /**
     * Discovery from the media port is over: this side's description for the SDP.
     *
     * @param local         credentials, profile and UPnP tuple, as the offer or answer will carry them
     * @param silentServers servers that never answered within the cap
     * @param elapsedNanos  how long discovery took
     */
    record Discovered(PunchEndpoint local, List<InetSocketAddress> silentServers, long elapsedNanos)
            implements TraversalEvent {
        public Discovered {
            silentServers = List.copyOf(silentServers);
        }

        /** This side's NAT profile. */
        public NatProfile profile() {
            return local.profile();
        }
    }

    /** Discovery got too few answers for a profile; the call cannot use the method. */
    record DiscoveryFailed(String reason, List<InetSocketAddress> silentServers, long elapsedNanos)
            implements TraversalEvent {
        public DiscoveryFailed {
            silentServers = List.copyOf(silentServers);
        }
    }

    /**
     * The punch plan needs {@code count} more sockets on the media port's local address (birthday sockets):
     * the driver binds them and calls {@link CallTraversal#socketsBound}.
     */
    record SocketsWanted(int count) implements TraversalEvent {
    }

    /**
     * An event of the punch engine: {@link PunchEvent.Settled} or {@link PunchEvent.GaveUp} once, then
     * {@link PunchEvent.PathChanged} and {@link PunchEvent.ConsentLost} on a settled path.
     */
    record Punch(PunchEvent event) implements TraversalEvent {
    }

    /**
     * The punch has settled nothing within {@link CallTraversal.Settings#relayAfterNanos} and goes on: the side that
     * allocates relays may allocate one now and offer it (a direct path the punch settles later is a
     * {@link PunchEvent.Settled} as ever). A punch that gives up says so with {@link PunchEvent.GaveUp} instead.
     *
     * @param reason why, for the call report
     */
    record RelayWanted(String reason) implements TraversalEvent {
    }

    /**
     * The checks of the peer's relayed address ({@link CallTraversal#checkRelay}) ended while the punch still
     * ran: media may go to {@code path} when {@code answered} (an authenticated answer came from there), while
     * the punch goes on and may settle a direct path later.
     *
     * @param path     the media port and the peer's relayed address
     * @param answered whether an authenticated answer came from it
     * @param reason   why not, when not answered; null otherwise
     */
    record RelayChecked(PunchPath path, boolean answered, String reason) implements TraversalEvent {
    }
}
