package net.sippunch.traversal.punch;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import net.sippunch.traversal.nat.NatProfile;

/**
 * This side's ICE candidates (RFC 8445 section 5.1) for its offer or answer, from what discovery learned: the
 * host candidate (the media port), the UPnP tuple, and the server-reflexive candidate. Behind a NAT that gives
 * each flow a new port the reflexive address the servers saw is of no use to a peer; the candidates are then
 * the ports the NAT will allocate next ({@value #PREDICTIONS} predictions, the first the most likely): a
 * standard ICE peer's checks toward them open its own NAT to the port our first check will really leave from
 * (one-sided traversal). The default candidate, for {@code c=}/{@code m=}, is the one a plain peer reaches
 * best: the UPnP tuple, the first prediction, or the reflexive tuple.
 *
 * @param candidates every candidate, highest priority first; each has a foundation of its own, so that a peer
 *                   checks them all from the start (candidates sharing a foundation wait for each other)
 * @param preferred  the default candidate
 */
public record LocalCandidates(List<Candidate> candidates, Candidate preferred) {

    /**
     * Predicted candidates behind a sequential NAT: the NAT's next two ports (ours, and one more for a flow that
     * comes first). No more: a standard ICE agent such as libre's checks its pairs one at a time and ends its
     * checks only when every pair has succeeded or failed, and a prediction nobody answers costs it a whole
     * retransmission schedule (2.3 s for baresip 1.0.0), before media and, as controlling side, before it
     * nominates. With 8 predictions baresip's ICE ended 18 s after the answer in the kernel lab.
     */
    public static final int PREDICTIONS = 2;

    public LocalCandidates {
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(preferred, "preferred");
    }

    /**
     * The local candidate of a selected pair whose local side the peer saw as {@code seenAs}: the candidate we
     * advertised there, else a peer-reflexive one (RFC 8445 section 7.2.5.3.1), based on the default
     * candidate's base. What the updated offer names once ICE selected a pair (RFC 8839).
     */
    public Candidate selected(InetSocketAddress seenAs) {
        return candidates.stream().filter(c -> c.address().equals(seenAs)).findFirst()
                .orElseGet(() -> new Candidate("prflx" + preferred.component(), preferred.component(),
                        Candidate.priority(CandidateType.PEER_REFLEXIVE, 65535, preferred.component()), seenAs,
                        CandidateType.PEER_REFLEXIVE, preferred.related().isPresent() ? preferred.related()
                                : Optional.of(preferred.address())));
    }

    /**
     * The candidates of a media port.
     *
     * @param profile  what discovery learned of the port's NAT
     * @param upnp     the tuple the router maps to the port, if any
     * @param nowNanos now, on the clock of the profile's samples (a measured drift moves the predictions)
     * @param aim      how much of a measured drift to apply, 0..1 ({@link PunchConfig#driftAim()})
     */
    public static LocalCandidates of(NatProfile profile, Optional<InetSocketAddress> upnp, long nowNanos,
                                     double aim) {
        return build(profile, profile, upnp, nowNanos, aim, Candidate.RTP, 0);
    }

    /**
     * The candidates of the RTCP port (component 2, for a peer that does not multiplex RTCP), with the RTP
     * port's foundations as RFC 8445 section 5.1.1.3 has them. Behind a sequential NAT both ports draw from one
     * allocator and the RTP port's checks leave first: the RTCP predictions are the ports after the first
     * {@code flowsBefore} the RTP port's checks open (one per address of the peer it checks at once).
     *
     * @param rtp  the RTP port's profile, which predicts the allocator
     * @param rtcp the RTCP port's profile, for its host and reflexive address
     */
    public static LocalCandidates rtcp(NatProfile rtp, NatProfile rtcp, long nowNanos, double aim, int flowsBefore) {
        return build(rtcp, rtp, Optional.empty(), nowNanos, aim, Candidate.RTCP, flowsBefore);
    }

    private static LocalCandidates build(NatProfile own, NatProfile allocator, Optional<InetSocketAddress> upnp,
                                         long nowNanos, double aim, int component, int skip) {
        InetSocketAddress base = own.privateTuple();
        Optional<InetSocketAddress> related = base.getAddress().isAnyLocalAddress() || base.getPort() == 0
                ? Optional.empty() : Optional.of(base);
        List<Candidate> all = new ArrayList<>();
        related.ifPresent(host -> all.add(new Candidate("h1", component,
                Candidate.priority(CandidateType.HOST, 0xFFFF, component), host, CandidateType.HOST,
                Optional.empty())));
        Candidate preferred = null;
        if (upnp.isPresent()) {
            preferred = reflexive("u1", 0xFFFF, upnp.get(), related, component);
            all.add(preferred);
        }
        InetSocketAddress reported = own.lastMapping().orElseThrow().mapped();
        if (MappingClass.of(allocator) == MappingClass.SEQUENTIAL) {
            PortPredictor predictor = PortPredictor.of(allocator);
            long first = predictor.portAt(nowNanos, aim) + (long) skip * predictor.stride();
            for (int k = 0; k < PREDICTIONS; k++) {
                int port = PortPredictor.wrap(first + (long) k * predictor.stride());
                Candidate predicted = reflexive("p" + (k + 1), 0xFFFE - k,
                        new InetSocketAddress(reported.getAddress(), port), related, component);
                all.add(predicted);
                preferred = preferred != null ? preferred : predicted;
            }
        } else {
            Candidate reflexive = reflexive("s1", 0xFFFE, reported, related, component);
            all.add(reflexive);
            preferred = preferred != null ? preferred : reflexive;
        }
        all.sort(Candidate.HIGHEST_PRIORITY_FIRST);
        return new LocalCandidates(all, preferred);
    }

    private static Candidate reflexive(String foundation, int localPreference, InetSocketAddress address,
                                       Optional<InetSocketAddress> related, int component) {
        return new Candidate(foundation, component,
                Candidate.priority(CandidateType.SERVER_REFLEXIVE, localPreference, component), address,
                CandidateType.SERVER_REFLEXIVE, related);
    }
}
