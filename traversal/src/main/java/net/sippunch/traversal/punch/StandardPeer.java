package net.sippunch.traversal.punch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;

/**
 * A peer that speaks standard ICE (RFC 8445) but not the extension, as the punch engine takes it: its
 * candidates are probed with ICE connectivity checks (our probes are such checks), and what its candidates
 * show of its NAT picks the plan. A server-reflexive candidate whose port differs from its base's suggests a
 * NAT that does not keep ports, most often one that allocates a new port per flow: the peer is then taken as
 * sequential, and this side sweeps the ports above that candidate within the usual caps (one-sided traversal:
 * the peer's own checks toward our candidates open its NAT to whichever of its ports the sweep hits).
 * Otherwise the peer is taken as a NAT that keeps its mapping (or none), and its candidates are probed as given.
 *
 * @param credentials its {@code a=ice-ufrag} / {@code a=ice-pwd}
 * @param candidates  its candidates of one component (RTP, or RTCP when the peer does not multiplex it)
 * @param lite        whether it is an ICE-lite agent ({@code a=ice-lite}): it answers checks and sends none
 */
public record StandardPeer(IceCredentials credentials, List<Candidate> candidates, boolean lite) {

    public StandardPeer {
        Objects.requireNonNull(credentials, "credentials");
        candidates = candidates.stream().sorted(Candidate.HIGHEST_PRIORITY_FIRST).toList();
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a standard ICE peer needs at least one candidate");
        }
        int component = candidates.get(0).component();
        if (candidates.stream().anyMatch(c -> c.component() != component)) {
            throw new IllegalArgumentException("the candidates of one component, not of several: " + candidates);
        }
    }

    /**
     * The candidate that stands for the peer's public side: its best server-reflexive candidate, else its best
     * candidate of any type (a host on a public address, an ICE-lite server).
     */
    public Candidate primary() {
        return candidates.stream().filter(c -> c.type() == CandidateType.SERVER_REFLEXIVE).findFirst()
                .orElse(candidates.get(0));
    }

    /** Whether the primary candidate suggests a NAT that gives each flow a new port. */
    public boolean suspectedSequential() {
        Candidate primary = primary();
        return primary.type() == CandidateType.SERVER_REFLEXIVE && primary.related()
                .map(base -> base.getPort() != primary.address().getPort()).orElse(false);
    }

    /**
     * The peer as a punch endpoint: one sample (the primary candidate, as seen {@code nowNanos}), the base of
     * that candidate as the private tuple, and every candidate to probe.
     */
    public PunchEndpoint punchEndpoint(long nowNanos) {
        Candidate primary = primary();
        InetSocketAddress base = primary.related()
                .orElseGet(() -> new InetSocketAddress(anyLocal(primary.address().getAddress()), 0));
        MappedTuple sample = new MappedTuple(primary.address(), primary.address(), nowNanos);
        NatProfile profile = suspectedSequential()
                ? new NatProfile(base, List.of(sample), MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
                        FilteringBehavior.UNKNOWN, PortAllocation.SEQUENTIAL, NatType.SYMMETRIC_SEQUENTIAL)
                : new NatProfile(base, List.of(sample), MappingBehavior.UNKNOWN, FilteringBehavior.UNKNOWN,
                        PortAllocation.UNKNOWN, NatType.UNKNOWN);
        return new PunchEndpoint(credentials, profile, Optional.empty(), candidates);
    }

    private static InetAddress anyLocal(InetAddress like) {
        try {
            return InetAddress.getByAddress(new byte[like.getAddress().length]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a 4- or 16-byte array is always an address
        }
    }
}
