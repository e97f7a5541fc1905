package net.sippunch.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.punch.PunchEndpoint;

/**
 * A peer's side of the extension, read from its offer or answer: the inputs of the punch engine.
 *
 * @param credentials the peer's {@code a=ice-ufrag} / {@code a=ice-pwd}: probes to the peer carry
 *                    USERNAME "peer-ufrag:own-ufrag" and are keyed with the peer's password
 * @param attributes  the peer's tuples, samples, delta, classification, UPnP tuple and correction
 * @param mediaTarget the standard {@code c=}/{@code m=} address, the fallback when punching fails
 */
public record PeerExtension(IceCredentials credentials, PunchAttributes attributes, InetSocketAddress mediaTarget) {

    /** Checks that no component is null. */

    public PeerExtension {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(mediaTarget, "mediaTarget");
    }

    /**
     * The peer's discovery result as a {@link NatProfile}, the shape the traversal module predicts
     * from. Sample times become {@code originNanos + offset}; a withheld private tuple becomes the
     * unspecified address with port 0; a missing classification becomes all-unknown.
     *
     * @param originNanos where the first sample sits on the receiver's clock (any origin)
     */
    public NatProfile natProfile(long originNanos) {
        List<MappedTuple> samples = new ArrayList<>(attributes.mapped().size());
        for (MappedSample s : attributes.mapped()) {
            samples.add(new MappedTuple(s.server(), s.mapped(), originNanos + s.offsetMillis() * 1_000_000L));
        }
        NatClassification nat = attributes.nat().orElse(NatClassification.UNKNOWN);
        InetSocketAddress privateTuple = attributes.privateTuple()
                .orElseGet(() -> new InetSocketAddress(unspecified(), 0));
        return new NatProfile(privateTuple, samples, nat.mapping(), nat.filtering(), nat.allocation(), nat.type());
    }

    /**
     * The peer as the punch engine takes it, or empty when the peer named no mapped tuple (then
     * only the UPnP tuple, the private tuple or the {@code c=}/{@code m=} address can be tried).
     *
     * @param originNanos where the peer's first sample sits on the punch session's clock
     */
    public Optional<PunchEndpoint> punchEndpoint(long originNanos) {
        if (attributes.mapped().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PunchEndpoint(credentials, natProfile(originNanos), attributes.upnp()));
    }

    /**
     * The peer as the punch engine takes it at the moment its description arrived: its freshest sample at
     * {@code nowNanos} (the signalling's delay is unknown, see {@link PunchEndpoint#receivedAt}); empty when the
     * peer named no mapped tuple.
     *
     * @param nowNanos now, on the punch session's clock ({@code System.nanoTime()} for a Netty media port)
     */
    public Optional<PunchEndpoint> punchEndpointReceivedAt(long nowNanos) {
        return punchEndpoint(0).map(e -> e.receivedAt(nowNanos));
    }

    /**
     * Every distinct transport address the peer named, for a prober's first round: the UPnP
     * tuple, the mapped tuples newest first, the private tuple, then the {@code c=}/{@code m=}
     * address unless it is the unspecified address. Prediction beyond these is the punch
     * engine's business.
     */
    public List<InetSocketAddress> namedTuples() {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        attributes.upnp().ifPresent(out::add);
        List<MappedSample> mapped = attributes.mapped();
        for (int i = mapped.size() - 1; i >= 0; i--) {
            out.add(mapped.get(i).mapped());
        }
        attributes.privateTuple().ifPresent(out::add);
        if (!mediaTarget.getAddress().isAnyLocalAddress()) {
            out.add(mediaTarget); // c=0.0.0.0 is the old way of putting a call on hold
        }
        return List.copyOf(out);
    }

    private static InetAddress unspecified() {
        return new InetSocketAddress(0).getAddress();
    }
}
