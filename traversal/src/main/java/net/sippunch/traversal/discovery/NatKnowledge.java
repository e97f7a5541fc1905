package net.sippunch.traversal.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import net.sippunch.traversal.nat.FilteringBehavior;

/**
 * What a full discovery run learned that holds for every local port of this host behind this NAT, so that
 * later runs from other ports can skip the filtering tests and ask every target at once
 * ({@link DiscoveryClient#withKnowledge}).
 *
 * @param localIp        the local IP the run was learned from (the route to the servers): the knowledge holds
 *                       only while the host sits behind the same NAT, which a new local IP puts in doubt
 * @param servers        the configured discovery servers, in their configured order
 * @param filtering      the NAT's filtering behaviour from the RFC 5780 tests ({@link FilteringBehavior#UNKNOWN}
 *                       when they could not run)
 * @param alternates     targets learned from OTHER-ADDRESS, in the order the run added them after the servers
 * @param silentServers  targets that never answered the run
 * @param learnedAtNanos when the run ended, on the caller's clock
 */
public record NatKnowledge(InetAddress localIp,
                           List<InetSocketAddress> servers,
                           FilteringBehavior filtering,
                           List<InetSocketAddress> alternates,
                           List<InetSocketAddress> silentServers,
                           long learnedAtNanos) {

    public NatKnowledge {
        Objects.requireNonNull(localIp, "localIp");
        servers = List.copyOf(servers);
        Objects.requireNonNull(filtering, "filtering");
        alternates = List.copyOf(alternates);
        silentServers = List.copyOf(silentServers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("knowledge is learned from at least one server");
        }
    }
}
