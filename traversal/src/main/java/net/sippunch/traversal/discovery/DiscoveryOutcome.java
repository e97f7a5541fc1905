package net.sippunch.traversal.discovery;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import net.sippunch.traversal.nat.NatProfile;

/** How a discovery run ended. */
public sealed interface DiscoveryOutcome {

    /** Servers that never answered within the cap (empty when all did). */
    List<InetSocketAddress> silentServers();

    /**
     * At least two destinations answered: the profile is usable. {@code knowledge} is what the run learned
     * for other ports of this host: from a full run, the measured filtering; from a run with knowledge, the
     * known filtering with this run's alternates and silent servers.
     */
    record Profiled(NatProfile profile, List<InetSocketAddress> silentServers, NatKnowledge knowledge)
            implements DiscoveryOutcome {
        public Profiled {
            Objects.requireNonNull(profile, "profile");
            silentServers = List.copyOf(silentServers);
            Objects.requireNonNull(knowledge, "knowledge");
        }
    }

    /** Too few answers for a profile; {@code reason} names what was missing. */
    record Failed(String reason, List<InetSocketAddress> silentServers) implements DiscoveryOutcome {
        public Failed {
            silentServers = List.copyOf(silentServers);
        }
    }
}
