package net.sippunch.sdp;

import static net.sippunch.sdp.SdpSamples.CREDENTIALS;
import static net.sippunch.sdp.SdpSamples.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import javax.sdp.SessionDescription;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.punch.PunchEndpoint;
import org.junit.jupiter.api.Test;

class OfferAnswerTest {

    private static final InetSocketAddress S1 = tuple("198.51.100.1", 3478);
    private static final InetSocketAddress S2 = tuple("198.51.100.2", 3478);
    private static final long T0 = 5_000_000_000L;

    private static NatProfile sequentialProfile() {
        return new NatProfile(tuple("10.0.0.5", 5004),
                List.of(new MappedTuple(S1, tuple("203.0.113.7", 40001), T0),
                        new MappedTuple(S2, tuple("203.0.113.7", 40003), T0 + 41_700_000L)),
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, NatType.SYMMETRIC_SEQUENTIAL);
    }

    @Test
    void attributesFromAProfile() {
        PunchAttributes a = OfferAnswer.attributes(sequentialProfile(), Optional.of(tuple("203.0.113.7", 5004)));
        assertEquals(1, a.version());
        assertEquals(Optional.of(tuple("10.0.0.5", 5004)), a.privateTuple());
        assertEquals(List.of(new MappedSample(tuple("203.0.113.7", 40001), S1, 0),
                new MappedSample(tuple("203.0.113.7", 40003), S2, 41)), a.mapped());
        assertEquals(OptionalInt.of(2), a.delta());
        assertEquals(new NatClassification(NatType.SYMMETRIC_SEQUENTIAL, MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.SEQUENTIAL), a.nat().orElseThrow());
        assertEquals(Optional.of(tuple("203.0.113.7", 5004)), a.upnp());
        assertEquals(Optional.empty(), a.peerCorrection());
    }

    @Test
    void profileFromAWildcardSocketWithLateAndManySamples() {
        List<MappedTuple> samples = new ArrayList<>();
        // The second server answered before the first: a negative offset.
        samples.add(new MappedTuple(S1, tuple("203.0.113.7", 40001), T0));
        samples.add(new MappedTuple(S2, tuple("203.0.113.7", 40002), T0 - 3_000_000L));
        for (int i = 0; i < 18; i++) {
            samples.add(new MappedTuple(S1, tuple("203.0.113.7", 40010 + i), T0 + (i + 1) * 10_000_000L));
        }
        NatProfile profile = new NatProfile(new InetSocketAddress(5004), samples, MappingBehavior.UNKNOWN,
                FilteringBehavior.UNKNOWN, PortAllocation.UNKNOWN, NatType.UNKNOWN);
        PunchAttributes a = OfferAnswer.attributes(profile, Optional.empty());
        assertEquals(Optional.empty(), a.privateTuple(), "the unspecified address is not a private tuple");
        assertEquals(PunchAttributes.MAX_MAPPED, a.mapped().size());
        assertEquals(40012, a.mapped().get(0).port(), "the newest samples are kept");
        assertEquals(0, a.mapped().get(0).offsetMillis());
        assertEquals(150, a.mapped().get(15).offsetMillis());
        assertEquals(OptionalInt.of(1), a.delta(), "delta is the profile's, from its first two samples");

        NatProfile early = new NatProfile(tuple("10.0.0.5", 5004), samples.subList(0, 2), MappingBehavior.UNKNOWN,
                FilteringBehavior.UNKNOWN, PortAllocation.UNKNOWN, NatType.UNKNOWN);
        assertEquals(-3, OfferAnswer.attributes(early, Optional.empty()).mapped().get(1).offsetMillis());
    }

    @Test
    void offerAndAnswerBetweenTwoExtendedAgents() {
        IceCredentials callerCreds = IceCredentials.random(RandomGenerator.of("L64X128MixRandom"));
        IceCredentials calleeCreds = new IceCredentials("CalleeUf", "CalleePasswordIs24Chars+");

        SessionDescription offer = SdpSamples.parse(SdpSamples.PLAIN);
        PunchAttributes offered = OfferAnswer.attributes(sequentialProfile(), Optional.empty());
        OfferAnswer.writeOffer(offer, offered, callerCreds);

        PeerExtension caller = SdpSamples.extended(OfferAnswer.readOffer(offer.toString()));
        assertEquals(callerCreds, caller.credentials());
        assertEquals(offered, caller.attributes());

        SessionDescription answer = SdpSamples.parse(SdpSamples.PLAIN.replace("192.0.2.10", "192.0.2.20"));
        NatProfile calleeProfile = new NatProfile(tuple("192.168.1.9", 7078),
                List.of(new MappedTuple(S1, tuple("198.51.100.50", 7078), 0)), MappingBehavior.ENDPOINT_INDEPENDENT,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.PRESERVING, NatType.PORT_RESTRICTED_CONE);
        PunchAttributes answered = OfferAnswer.attributes(calleeProfile, Optional.empty())
                .withPeerCorrection(tuple("203.0.113.7", 40004));
        OfferAnswer.writeAnswer(answer, answered, calleeCreds, caller.attributes().version());

        PeerExtension callee = SdpSamples.extended(OfferAnswer.readAnswer(answer.toString(), offered.version()));
        assertEquals(calleeCreds, callee.credentials());
        assertEquals(Optional.of(tuple("203.0.113.7", 40004)), callee.attributes().peerCorrection());
        assertEquals(tuple("192.0.2.20", 40000), callee.mediaTarget());
        assertEquals(OptionalInt.empty(), callee.attributes().delta(), "one sample: no delta");
    }

    @Test
    void correctionInAnOfferIsInvalid() {
        String text = SdpSamples.extendedWith("a=punch-peer-correction:203.0.113.7 5004");
        SdpReading.Invalid invalid = assertInstanceOf(SdpReading.Invalid.class, OfferAnswer.readOffer(text));
        assertEquals("punch-peer-correction", invalid.attribute());
        assertTrue(SdpSamples.extended(OfferAnswer.readAnswer(text, 1)).attributes().peerCorrection().isPresent());
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        assertThrows(IllegalArgumentException.class, () -> OfferAnswer.writeOffer(sd,
                PunchAttributes.empty().withPeerCorrection(tuple("203.0.113.7", 5004)), CREDENTIALS));
    }

    @Test
    void answerAboveTheOfferedVersionIsInvalid() {
        SdpReading.Invalid invalid = assertInstanceOf(SdpReading.Invalid.class,
                OfferAnswer.readAnswer(SdpSamples.plainWith("a=punch-version:2"), 1));
        assertEquals("punch-version", invalid.attribute());
        assertTrue(invalid.problem().contains("above the offered 1"), invalid.message());
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        PunchAttributes v2 = new PunchAttributes(2, Optional.empty(), List.of(), OptionalInt.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> OfferAnswer.writeAnswer(sd, v2, CREDENTIALS, 1));
    }

    @Test
    void offerOfAFutureVersionReadsAsPlainSoTheAnswerIsPlain() {
        SdpReading r = OfferAnswer.readOffer(SdpSamples.plainWith("a=punch-version:7"));
        assertEquals(new SdpReading.Plain(tuple("192.0.2.10", 40000), OptionalInt.of(7), Optional.empty()), r);
    }

    @Test
    void extensionLivesInTheFirstAudioStream() {
        String text = SdpSamples.PLAIN.replace("m=audio 40000 RTP/AVP 0 8 101\r\n",
                "m=video 0 RTP/AVP 96\r\na=punch-version:1\r\nm=audio 40000 RTP/AVP 0 8 101\r\n");
        assertEquals(new SdpReading.Plain(tuple("192.0.2.10", 40000), OptionalInt.empty(), Optional.empty()),
                OfferAnswer.readOffer(text));
        SdpReading.Invalid noMedia = assertInstanceOf(SdpReading.Invalid.class,
                OfferAnswer.readOffer(SdpSamples.PLAIN.substring(0, SdpSamples.PLAIN.indexOf("m="))));
        assertEquals("m", noMedia.attribute());
    }

    @Test
    void peerExtensionGivesTheEngineAProfileAndTheNamedTuples() {
        PeerExtension peer = new PeerExtension(CREDENTIALS,
                OfferAnswer.attributes(sequentialProfile(), Optional.of(tuple("203.0.113.7", 5004))),
                tuple("192.0.2.10", 40000));
        NatProfile profile = peer.natProfile(1_000L);
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, profile.type());
        assertEquals(2, profile.delta());
        assertEquals(1_000L + 41_000_000L, profile.samples().get(1).atNanos());
        assertEquals(tuple("10.0.0.5", 5004), profile.privateTuple());
        assertEquals(List.of(tuple("203.0.113.7", 5004), tuple("203.0.113.7", 40003), tuple("203.0.113.7", 40001),
                tuple("10.0.0.5", 5004), tuple("192.0.2.10", 40000)), peer.namedTuples());

        PunchEndpoint endpoint = peer.punchEndpoint(1_000L).orElseThrow();
        assertEquals(CREDENTIALS, endpoint.credentials());
        assertEquals(profile, endpoint.profile());
        assertEquals(Optional.of(tuple("203.0.113.7", 5004)), endpoint.upnp());
        assertEquals(tuple("203.0.113.7", 40003), endpoint.reported());

        PeerExtension bare = new PeerExtension(CREDENTIALS, PunchAttributes.empty(), tuple("192.0.2.10", 40000));
        assertEquals(Optional.empty(), bare.punchEndpoint(0));
        assertTrue(bare.natProfile(0).privateTuple().getAddress().isAnyLocalAddress());
        assertEquals(NatType.UNKNOWN, bare.natProfile(0).type());
        assertEquals(List.of(tuple("192.0.2.10", 40000)), bare.namedTuples());
    }

    @Test
    void signalledTargetPrefersUpnpThenTheNextPortOfASequentialNatThenPrivate() {
        NatProfile profile = sequentialProfile();
        assertEquals(tuple("203.0.113.7", 5004), OfferAnswer.signalledTarget(profile, Optional.of(tuple("203.0.113.7", 5004))));
        assertEquals(tuple("203.0.113.7", 40005), OfferAnswer.signalledTarget(profile, Optional.empty()),
                "the port the NAT gives the next flow, not the one it gave the flow toward a server");
        NatProfile nothing = new NatProfile(tuple("10.0.0.5", 5004), List.of(), MappingBehavior.UNKNOWN,
                FilteringBehavior.UNKNOWN, PortAllocation.UNKNOWN, NatType.UNKNOWN);
        assertEquals(tuple("10.0.0.5", 5004), OfferAnswer.signalledTarget(nothing, Optional.empty()));
    }

    @Test
    void holdAddressIsReadButNeverNamedAsAProbeTarget() {
        String text = SdpSamples.extendedWith().replace("c=IN IP4 192.0.2.10", "c=IN IP4 0.0.0.0");
        PeerExtension peer = SdpSamples.extended(OfferAnswer.readOffer(text));
        assertTrue(peer.mediaTarget().getAddress().isAnyLocalAddress());
        assertEquals(List.of(), peer.namedTuples());
    }

    @Test
    void modelRejectsWhatTheGrammarCannotCarry() {
        InetSocketAddress m = tuple("203.0.113.7", 40001);
        assertThrows(IllegalArgumentException.class, () -> new MappedSample(m, S1, MappedSample.MAX_OFFSET_MILLIS + 1));
        assertThrows(IllegalArgumentException.class, () -> new MappedSample(new InetSocketAddress(40001), S1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MappedSample(InetSocketAddress.createUnresolved("x", 1), S1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PunchAttributes(0, Optional.empty(), List.of(),
                OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new PunchAttributes(1, Optional.empty(),
                List.of(new MappedSample(m, S1, 5)), OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new PunchAttributes(1, Optional.empty(),
                List.of(new MappedSample(m, S1, 0), new MappedSample(m, S1, 0)), OptionalInt.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new PunchAttributes(1, Optional.empty(), List.of(),
                OptionalInt.of(65535), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> PunchAttributes.empty().withUpnp(tuple("224.0.0.1", 5)));
    }
}
