package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.stun.TransactionId;

/** Hostile datagrams never throw, never settle a path and never get an answer. */
class PunchSessionPropertiesTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("198.18.2.1", 40000);

    private static PunchSession session(IceCredentials own, IceCredentials peer) {
        NatProfile mine = new NatProfile(new InetSocketAddress("10.0.1.2", 5004),
                List.of(new MappedTuple(new InetSocketAddress("198.18.0.21", 3478),
                        new InetSocketAddress("198.18.1.1", 5004), 0)),
                MappingBehavior.ENDPOINT_INDEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.PRESERVING, NatType.PORT_RESTRICTED_CONE);
        NatProfile theirs = new NatProfile(new InetSocketAddress("10.0.2.2", 5004),
                List.of(new MappedTuple(new InetSocketAddress("198.18.0.21", 3478), PEER, 0)),
                MappingBehavior.ENDPOINT_INDEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.UNKNOWN, NatType.PORT_RESTRICTED_CONE);
        PunchSession s = new PunchSession(PunchConfig.defaults(), PunchRole.CONTROLLING,
                new PunchEndpoint(own, mine, Optional.empty()), new PunchEndpoint(peer, theirs, Optional.empty()),
                new SplittableRandom(7));
        s.start(0, List.of());
        while (s.pollTransmit().isPresent()) {
            // drop the first probes
        }
        return s;
    }

    @Property(tries = 2000)
    void randomBytesChangeNothing(@ForAll @Size(max = 600) byte[] datagram) {
        IceCredentials own = IceCredentials.random(new SplittableRandom(1));
        IceCredentials peer = IceCredentials.random(new SplittableRandom(2));
        PunchSession s = session(own, peer);
        s.handleDatagram(1_000_000, 5004, PEER, datagram);
        assertTrue(s.settledPath().isEmpty());
        assertTrue(s.pollTransmit().isEmpty(), "no answer to garbage");
    }

    @Property(tries = 2000)
    void aFlippedBitInAGenuineProbeIsNeverAnswered(@ForAll int position, @ForAll byte mask) {
        IceCredentials own = IceCredentials.random(new SplittableRandom(1));
        IceCredentials peer = IceCredentials.random(new SplittableRandom(2));
        PunchSession s = session(own, peer);
        byte[] probe = new ProbeCodec(peer, own, PunchRole.CONTROLLED, 1, false)
                .probe(TransactionId.random(new SplittableRandom(position)), true);
        int i = Math.floorMod(position, probe.length);
        if (mask == 0 || (i >= 8 && i < 20) || i >= probe.length - 8) {
            // unchanged; or only the transaction id; or the trailing FINGERPRINT, which MESSAGE-INTEGRITY does
            // not cover (RFC 8489 14.5: what follows it is not protected, a broken CRC is dropped elsewhere)
            return;
        }
        probe[i] ^= mask;
        s.handleDatagram(1_000_000, 5004, PEER, probe);
        assertTrue(s.settledPath().isEmpty());
        assertTrue(s.pollTransmit().isEmpty(), "a tampered probe gets no acknowledgement");
    }
}
