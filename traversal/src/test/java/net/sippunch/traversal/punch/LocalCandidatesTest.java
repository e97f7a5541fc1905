package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.api.Test;

class LocalCandidatesTest {

    private static final InetSocketAddress BASE = new InetSocketAddress("10.0.1.2", 20000);
    private static final InetSocketAddress SERVER_1 = new InetSocketAddress("198.18.0.21", 3478);
    private static final InetSocketAddress SERVER_2 = new InetSocketAddress("198.18.0.31", 3479);

    private static NatProfile profile(NatType type, int first, int second) {
        return new NatProfile(BASE, List.of(
                new MappedTuple(SERVER_1, new InetSocketAddress("198.18.1.1", first), 0),
                new MappedTuple(SERVER_2, new InetSocketAddress("198.18.1.1", second), 1_000_000)),
                type == NatType.SYMMETRIC_SEQUENTIAL ? MappingBehavior.ADDRESS_AND_PORT_DEPENDENT
                        : MappingBehavior.ENDPOINT_INDEPENDENT,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                type == NatType.SYMMETRIC_SEQUENTIAL ? PortAllocation.SEQUENTIAL : PortAllocation.PRESERVING, type);
    }

    @Test
    void behindAConeTheReflexiveAddressIsTheDefault() {
        LocalCandidates c = LocalCandidates.of(profile(NatType.PORT_RESTRICTED_CONE, 20000, 20000), Optional.empty(),
                1_000_000, 0.5);
        assertEquals(List.of(CandidateType.HOST, CandidateType.SERVER_REFLEXIVE),
                c.candidates().stream().map(Candidate::type).toList());
        assertEquals(new InetSocketAddress("198.18.1.1", 20000), c.preferred().address());
        assertEquals(Optional.of(BASE), c.preferred().related());
    }

    @Test
    void behindASequentialNatTheNextPortsAreAdvertisedTheFirstAsDefault() {
        LocalCandidates c = LocalCandidates.of(profile(NatType.SYMMETRIC_SEQUENTIAL, 30010, 30011), Optional.empty(),
                1_000_000, 0.5);
        List<Integer> reflexive = c.candidates().stream().filter(x -> x.type() == CandidateType.SERVER_REFLEXIVE)
                .map(x -> x.address().getPort()).toList();
        assertEquals(List.of(30012, 30013), reflexive,
                "the NAT's next ports, the likeliest first (highest priority)");
        assertEquals(30012, c.preferred().address().getPort());
        assertEquals(c.candidates().size(), c.candidates().stream().map(Candidate::foundation).distinct().count(),
                "a foundation each: an ICE peer unfreezes every one of them at once");
    }

    @Test
    void theRtcpComponentHasTheSameFoundationsAndALowerPriority() {
        NatProfile p = profile(NatType.PORT_RESTRICTED_CONE, 20001, 20001);
        LocalCandidates rtp = LocalCandidates.of(p, Optional.empty(), 0, 0.5);
        LocalCandidates rtcp = LocalCandidates.rtcp(p, p, 0, 0.5, 2);
        assertEquals(2, rtcp.candidates().size());
        for (int i = 0; i < rtp.candidates().size(); i++) {
            assertEquals(rtp.candidates().get(i).foundation(), rtcp.candidates().get(i).foundation());
            assertEquals(rtp.candidates().get(i).priority() - 1, rtcp.candidates().get(i).priority());
            assertEquals(2, rtcp.candidates().get(i).component());
        }
    }

    @Test
    void behindASequentialNatTheRtcpPredictionsFollowTheRtpPortsFirstFlows() {
        NatProfile rtcpPort = profile(NatType.SYMMETRIC_SEQUENTIAL, 30008, 30009);
        NatProfile rtpPort = profile(NatType.SYMMETRIC_SEQUENTIAL, 30010, 30011);
        LocalCandidates rtcp = LocalCandidates.rtcp(rtpPort, rtcpPort, 1_000_000, 0.5, 1);
        // RTP's first check takes 30012 (to the peer's reflexive candidate), RTCP's comes next: 30013, or 30014
        // when RTP's check to the peer's host address took a port too
        assertEquals(List.of(30013, 30014), rtcp.candidates().stream()
                .filter(x -> x.type() == CandidateType.SERVER_REFLEXIVE).map(x -> x.address().getPort()).toList());
    }
}
