package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.Test;

/** Probes are ICE connectivity checks a standard agent accepts (RFC 8445 section 7.1.1). */
class ProbeCodecTest {

    private final SplittableRandom random = new SplittableRandom(5);
    private final IceCredentials own = IceCredentials.random(random);
    private final IceCredentials peer = IceCredentials.random(random);

    @Test
    void aProbeCarriesEveryAttributeOfAConnectivityCheck() {
        byte[] probe = new ProbeCodec(own, peer, PunchRole.CONTROLLING, 42, false)
                .probe(TransactionId.random(random), true);
        StunMessage message = ((StunDecodeResult.Decoded) StunCodec.decode(probe)).message();
        assertEquals(peer.ufrag() + ":" + own.ufrag(),
                message.attribute(StunAttribute.Username.class).orElseThrow().value());
        // libre (baresip) and libnice answer 400 to a check without PRIORITY
        assertEquals(ProbeCodec.PEER_REFLEXIVE_PRIORITY,
                message.attribute(StunAttribute.Priority.class).orElseThrow().priority());
        assertEquals((110L << 24) + (65535L << 8) + 255, ProbeCodec.PEER_REFLEXIVE_PRIORITY);
        assertEquals(42, message.attribute(StunAttribute.IceControlling.class).orElseThrow().tieBreaker());
        assertTrue(message.attribute(StunAttribute.UseCandidate.class).isPresent());
        assertInstanceOf(ProbeCodec.Inbound.Probe.class,
                new ProbeCodec(peer, own, PunchRole.CONTROLLED, 7, false).read(probe), "the peer authenticates it");
    }
}
