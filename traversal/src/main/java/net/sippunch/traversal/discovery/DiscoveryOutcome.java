package net.sippunch.traversal.discovery;

import java.net.InetSocketAddress;
import java.util.List;
import net.sippunch.traversal.nat.NatProfile;

/** How a discovery run ended. */
public sealed interface DiscoveryOutcome {

    /** Servers that never answered within the cap (empty when all did). */
    List<InetSocketAddress> silentServers();

    /** At least two destinations answered: the profile is usable. */
    record Profiled(NatProfile profile, List<InetSocketAddress> silentServers) implements DiscoveryOutcome {
        public Profiled {
            silentServers = List.copyOf(silentServers);
        }
    }

    /** Too few answers for a profile; {@code reason} names what was missing. */
    record Failed(String reason, List<InetSocketAddress> silentServers) implements DiscoveryOutcome {
        public Failed {
            silentServers = List.copyOf(silentServers);
        }
    }
}
