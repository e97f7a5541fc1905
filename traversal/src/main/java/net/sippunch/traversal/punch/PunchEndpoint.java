package net.sippunch.traversal.punch;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;

/**
 * One side of a call as the punch engine sees it: what the side said in its SDP.
 *
 * @param credentials its probe credentials (ice-ufrag / ice-pwd)
 * @param profile     its NAT profile; sample times must be on the clock of the session using it
 * @param upnp        the tuple its router maps to its media port by UPnP or NAT-PMP, if any
 * @param candidates  its standard ICE candidates of the component checked, in priority order (empty for a peer
 *                    whose extension says everything): each is probed besides what the plan aims at
 */
public record PunchEndpoint(IceCredentials credentials, NatProfile profile, Optional<InetSocketAddress> upnp,
                            List<Candidate> candidates) {
    public PunchEndpoint {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(upnp, "upnp");
        candidates = List.copyOf(candidates);
        if (profile.samples().isEmpty()) {
            throw new IllegalArgumentException("a punch endpoint needs at least one mapped tuple");
        }
    }

    /** A side described by the extension alone, without ICE candidates. */
    public PunchEndpoint(IceCredentials credentials, NatProfile profile, Optional<InetSocketAddress> upnp) {
        this(credentials, profile, upnp, List.of());
    }

    /**
     * This side with its sample times moved onto a receiver's clock: the freshest sample taken at
     * {@code nowNanos}, the others as far before it as the side signalled. A peer's description arrives through
     * the signalling, whose delay is unknown; its samples are placed as if it took none (the prediction then
     * aims low, where the sweeps start anyway). Idempotent for the same {@code nowNanos}.
     */
    public PunchEndpoint receivedAt(long nowNanos) {
        long shift = nowNanos - profile.lastMapping().orElseThrow().atNanos();
        List<MappedTuple> samples = new ArrayList<>(profile.samples().size());
        for (MappedTuple t : profile.samples()) {
            samples.add(new MappedTuple(t.server(), t.mapped(), t.atNanos() + shift));
        }
        NatProfile moved = new NatProfile(profile.privateTuple(), samples, profile.mapping(), profile.filtering(),
                profile.allocation(), profile.type());
        return new PunchEndpoint(credentials, moved, upnp, candidates);
    }

    /** The side's public address as the discovery servers saw it last. */
    public InetSocketAddress reported() {
        return profile.lastMapping().orElseThrow().mapped();
    }
}
