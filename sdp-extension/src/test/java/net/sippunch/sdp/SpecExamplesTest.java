package net.sippunch.sdp;

import static net.sippunch.sdp.SdpSamples.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The examples and token lists of docs/sdp-extension.md say what the implementation does. */
class SpecExamplesTest {

    private static String spec;
    private static List<String> examples;

    @BeforeAll
    static void readSpec() throws IOException {
        spec = Files.readString(Path.of("..", "docs", "sdp-extension.md"));
        examples = new ArrayList<>();
        int at = 0;
        while ((at = spec.indexOf("```sdp\n", at)) >= 0) {
            int end = spec.indexOf("```\n", at + 7);
            examples.add(spec.substring(at + 7, end).replace("\n", "\r\n"));
            at = end;
        }
        assertEquals(4, examples.size(), "offer, answer, plain answer, IPv6");
    }

    @Test
    void offerExample() {
        PeerExtension alice = SdpSamples.extended(OfferAnswer.readOffer(examples.get(0)));
        PunchAttributes a = alice.attributes();
        assertEquals(tuple("203.0.113.7", 40001), alice.mediaTarget());
        assertEquals(Optional.of(tuple("192.168.1.20", 5004)), a.privateTuple());
        assertEquals(List.of(2), a.sampleDeltas());
        assertEquals(41, a.mapped().get(1).offsetMillis());
        assertEquals(OptionalInt.of(2), a.delta());
        assertEquals(NatType.SYMMETRIC_SEQUENTIAL, a.nat().orElseThrow().type());
        assertEquals("Xk3vR9pQ", alice.credentials().ufrag());
    }

    @Test
    void answerExample() {
        PeerExtension bob = SdpSamples.extended(OfferAnswer.readAnswer(examples.get(1), 1));
        PunchAttributes a = bob.attributes();
        assertEquals(tuple("198.51.100.50", 7078), bob.mediaTarget());
        assertEquals(Optional.of(tuple("198.51.100.50", 7078)), a.upnp());
        assertEquals(Optional.of(tuple("203.0.113.7", 40005)), a.peerCorrection());
        assertEquals(new NatClassification(NatType.PORT_RESTRICTED_CONE, MappingBehavior.ENDPOINT_INDEPENDENT,
                FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.PRESERVING), a.nat().orElseThrow());
        SdpReading.Invalid asOffer = assertInstanceOf(SdpReading.Invalid.class, OfferAnswer.readOffer(examples.get(1)),
                "the answer, with its correction, is not a valid offer");
        assertEquals("punch-peer-correction", asOffer.attribute());
    }

    @Test
    void plainAnswerExampleIsTheCapturedOne() {
        assertEquals(SdpSamples.resource("/captured/baresip-answer-to-punch-offer.sdp"), examples.get(2));
        assertEquals(new SdpReading.Plain(tuple("127.0.0.1", 25088), OptionalInt.empty(), Optional.empty()),
                OfferAnswer.readAnswer(examples.get(2), 1));
    }

    @Test
    void ipv6Example() {
        PeerExtension carol = SdpSamples.extended(OfferAnswer.readOffer(examples.get(3)));
        assertEquals(tuple("2001:db8::7", 5004), carol.mediaTarget());
        assertEquals(tuple("2001:db8:1::1", 3478), carol.attributes().mapped().get(0).server());
    }

    @Test
    void writerProducesTheOfferExampleLines() {
        PunchAttributes a = SdpSamples.extended(OfferAnswer.readOffer(examples.get(0))).attributes();
        StringBuilder written = new StringBuilder();
        for (PunchCodec.Line line : PunchCodec.lines(a, SdpSamples.CREDENTIALS)) {
            written.append(line).append("\r\n");
        }
        assertTrue(examples.get(0).endsWith(written.toString()), written.toString());
    }

    @Test
    void everyTokenIsInTheGrammar() {
        String abnf = spec.substring(spec.indexOf("```abnf"), spec.indexOf("```", spec.indexOf("```abnf") + 7));
        List<Class<? extends Enum<?>>> vocabularies = List.of(NatType.class, MappingBehavior.class,
                FilteringBehavior.class, PortAllocation.class);
        for (Class<? extends Enum<?>> vocabulary : vocabularies) {
            for (Enum<?> e : vocabulary.getEnumConstants()) {
                assertTrue(abnf.contains("\"" + NatClassification.token(e) + "\""), NatClassification.token(e));
            }
        }
        for (PunchAttribute name : PunchAttribute.values()) {
            assertTrue(spec.contains("a=" + name.sdpName() + ":"), name.sdpName());
        }
    }
}
