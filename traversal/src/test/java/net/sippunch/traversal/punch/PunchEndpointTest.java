package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.api.Test;

class PunchEndpointTest {

    private static final InetSocketAddress S1 = new InetSocketAddress("198.51.100.1", 3478);
    private static final InetSocketAddress S2 = new InetSocketAddress("198.51.100.2", 3478);

    @Test
    void receivedAtPutsTheFreshestSampleAtNowAndKeepsTheGaps() {
        PunchEndpoint signalled = endpoint(0L, 38_000_000L);
        PunchEndpoint received = signalled.receivedAt(5_000_000_000L);
        List<MappedTuple> samples = received.profile().samples();
        assertEquals(4_962_000_000L, samples.get(0).atNanos());
        assertEquals(5_000_000_000L, samples.get(1).atNanos());
        assertEquals(signalled.profile().samples().get(1).mapped(), samples.get(1).mapped());
        assertEquals(signalled.credentials(), received.credentials());
        assertEquals(signalled.profile().type(), received.profile().type());
        assertEquals(received, received.receivedAt(5_000_000_000L), "idempotent at the same instant");
        assertEquals(received, endpoint(700L, 38_000_700L).receivedAt(5_000_000_000L), "any origin");
    }

    private static PunchEndpoint endpoint(long first, long second) {
        NatProfile profile = new NatProfile(new InetSocketAddress("10.0.0.5", 5004),
                List.of(new MappedTuple(S1, new InetSocketAddress("203.0.113.7", 40001), first),
                        new MappedTuple(S2, new InetSocketAddress("203.0.113.7", 40002), second)),
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, NatType.SYMMETRIC_SEQUENTIAL);
        return new PunchEndpoint(new IceCredentials("ufrag0001", "passwordpasswordpassword"), profile, Optional.empty());
    }
}
