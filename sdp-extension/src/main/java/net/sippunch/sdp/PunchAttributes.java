package net.sippunch.sdp;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Everything the extension says about one side's media port, except the credentials (which ride
 * in the standard {@code a=ice-ufrag} / {@code a=ice-pwd}). Immutable; the constructor enforces
 * the same limits as the parser, so every value can be encoded and decodes back equal.
 *
 * @param version        extension version, 1..{@value #MAX_VERSION}
 * @param privateTuple   the local transport address of the media port, when the sender reveals it
 * @param mapped         the discovery samples, in the order the requests were sent, at most
 *                       {@value #MAX_MAPPED}; the first has offset 0; no two equal
 * @param delta          the port differential between the first two mappings, when known
 * @param nat            the NAT classification, when the sender states one
 * @param upnp           the external tuple mapped on a UPnP IGD, when there is one
 * @param peerCorrection in an answer only: the answerer's correction of the offerer's tuple
 */
public record PunchAttributes(int version,
                              Optional<InetSocketAddress> privateTuple,
                              List<MappedSample> mapped,
                              OptionalInt delta,
                              Optional<NatClassification> nat,
                              Optional<InetSocketAddress> upnp,
                              Optional<InetSocketAddress> peerCorrection) {

    /** The version this implementation writes and the highest it reads. */
    public static final int CURRENT_VERSION = 1;
    /** Highest version number the grammar allows. */
    public static final int MAX_VERSION = 255;
    /** Most {@code a=punch-mapped} lines in one media description. */
    public static final int MAX_MAPPED = 16;
    /** Largest magnitude of {@code a=punch-delta}. */
    public static final int MAX_DELTA = 65534;

    /**
     * @throws IllegalArgumentException when a value breaks a limit of the specification
     */
    public PunchAttributes {
        Objects.requireNonNull(privateTuple, "privateTuple");
        mapped = List.copyOf(mapped);
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(upnp, "upnp");
        Objects.requireNonNull(peerCorrection, "peerCorrection");
        String problem = problem(version, privateTuple, mapped, delta, upnp, peerCorrection);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Version {@value #CURRENT_VERSION} with nothing else: a side that has learnt nothing yet. */
    public static PunchAttributes empty() {
        return new PunchAttributes(CURRENT_VERSION, Optional.empty(), List.of(), OptionalInt.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A copy without the private tuple, for senders that keep their private address to themselves. */
    public PunchAttributes withoutPrivateTuple() {
        return new PunchAttributes(version, Optional.empty(), mapped, delta, nat, upnp, peerCorrection);
    }

    /** A copy carrying {@code correction} as the answerer's correction of the offerer's tuple. */
    public PunchAttributes withPeerCorrection(InetSocketAddress correction) {
        return new PunchAttributes(version, privateTuple, mapped, delta, nat, upnp, Optional.of(correction));
    }

    /** A copy carrying {@code tuple} as the UPnP-mapped tuple. */
    public PunchAttributes withUpnp(InetSocketAddress tuple) {
        return new PunchAttributes(version, privateTuple, mapped, delta, nat, Optional.of(tuple), peerCorrection);
    }

    /** The differences between the ports of successive samples. */
    public List<Integer> sampleDeltas() {
        Integer[] out = new Integer[Math.max(0, mapped.size() - 1)];
        for (int i = 1; i < mapped.size(); i++) {
            out[i - 1] = mapped.get(i).port() - mapped.get(i - 1).port();
        }
        return List.of(out);
    }

    /** The last sample, the freshest view of where the NAT's allocator stands. */
    public Optional<MappedSample> lastMapped() {
        return mapped.isEmpty() ? Optional.empty() : Optional.of(mapped.get(mapped.size() - 1));
    }

    static String problem(int version,
                          Optional<InetSocketAddress> privateTuple,
                          List<MappedSample> mapped,
                          OptionalInt delta,
                          Optional<InetSocketAddress> upnp,
                          Optional<InetSocketAddress> peerCorrection) {
        if (version < 1 || version > MAX_VERSION) {
            return "version " + version + " outside 1.." + MAX_VERSION;
        }
        String p = tupleProblem("privateTuple", privateTuple);
        if (p == null) {
            p = tupleProblem("upnp", upnp);
        }
        if (p == null) {
            p = tupleProblem("peerCorrection", peerCorrection);
        }
        if (p != null) {
            return p;
        }
        if (mapped.size() > MAX_MAPPED) {
            return "more than " + MAX_MAPPED + " mapped samples: " + mapped.size();
        }
        if (!mapped.isEmpty() && mapped.get(0).offsetMillis() != 0) {
            return "the first mapped sample must have offset 0, has " + mapped.get(0).offsetMillis();
        }
        Set<MappedSample> seen = new HashSet<>();
        for (MappedSample s : mapped) {
            if (!seen.add(s)) {
                return "duplicate mapped sample " + s;
            }
        }
        if (delta.isPresent() && Math.abs(delta.getAsInt()) > MAX_DELTA) {
            return "delta " + delta.getAsInt() + " beyond ±" + MAX_DELTA;
        }
        return null;
    }

    private static String tupleProblem(String what, Optional<InetSocketAddress> tuple) {
        if (tuple.isEmpty()) {
            return null;
        }
        String p = TransportAddresses.problem(tuple.get());
        return p == null ? null : what + ": " + p;
    }
}
