package net.sippunch.sdp;

import static net.sippunch.sdp.SdpSamples.CREDENTIALS;
import static net.sippunch.sdp.SdpSamples.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import javax.sdp.SessionDescription;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PunchCodecRoundTripTest {

    private static final PunchAttributes EMPTY = PunchAttributes.empty();

    /** Writes, prints, parses the text again and reads. */
    static PeerExtension roundTrip(PunchAttributes attributes) {
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        PunchCodec.write(OfferAnswer.primaryMedia(sd), attributes, CREDENTIALS);
        return SdpSamples.extended(OfferAnswer.read(SdpSamples.parse(sd.toString())));
    }

    static Stream<PunchAttributes> everyAttribute() {
        MappedSample first = new MappedSample(tuple("203.0.113.7", 40001), tuple("198.51.100.1", 3478), 0);
        MappedSample second = new MappedSample(tuple("203.0.113.7", 40003), tuple("198.51.100.2", 3479), 57);
        MappedSample late = new MappedSample(tuple("203.0.113.7", 40002), tuple("198.51.100.2", 3478), -12);
        return Stream.of(
                EMPTY,
                new PunchAttributes(1, Optional.of(tuple("10.0.0.5", 5004)), List.of(), OptionalInt.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()),
                new PunchAttributes(1, Optional.empty(), List.of(first), OptionalInt.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()),
                new PunchAttributes(1, Optional.empty(), List.of(first, second, late), OptionalInt.of(2),
                        Optional.empty(), Optional.empty(), Optional.empty()),
                new PunchAttributes(1, Optional.empty(), List.of(), OptionalInt.of(-65534),
                        Optional.empty(), Optional.empty(), Optional.empty()),
                new PunchAttributes(1, Optional.empty(), List.of(), OptionalInt.of(65534),
                        Optional.empty(), Optional.empty(), Optional.empty()),
                new PunchAttributes(1, Optional.empty(), List.of(), OptionalInt.of(0),
                        Optional.of(NatClassification.UNKNOWN), Optional.empty(), Optional.empty()),
                EMPTY.withUpnp(tuple("203.0.113.9", 5004)),
                EMPTY.withPeerCorrection(tuple("203.0.113.200", 61000)),
                new PunchAttributes(1, Optional.of(tuple("fd00::5", 5004)),
                        List.of(new MappedSample(tuple("2001:db8::7", 40001), tuple("2001:db8:1::1", 3478), 0)),
                        OptionalInt.empty(), Optional.empty(), Optional.of(tuple("2001:db8::7", 5004)),
                        Optional.of(tuple("2001:db8::9", 1))),
                new PunchAttributes(1, Optional.of(tuple("192.168.1.20", 65535)), List.of(first, second),
                        OptionalInt.of(2), Optional.of(new NatClassification(NatType.SYMMETRIC_SEQUENTIAL,
                        MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_DEPENDENT,
                        PortAllocation.SEQUENTIAL)), Optional.of(tuple("203.0.113.7", 5004)),
                        Optional.of(tuple("198.51.100.77", 1024))));
    }

    @ParameterizedTest
    @MethodSource("everyAttribute")
    void everyAttributeSurvivesTheTextRoundTrip(PunchAttributes attributes) {
        PeerExtension peer = roundTrip(attributes);
        assertEquals(attributes, peer.attributes());
        assertEquals(CREDENTIALS, peer.credentials());
        assertEquals(tuple("192.0.2.10", 40000), peer.mediaTarget());
    }

    @Test
    void sixteenSamplesRoundTrip() {
        List<MappedSample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < PunchAttributes.MAX_MAPPED; i++) {
            samples.add(new MappedSample(tuple("203.0.113.7", 40000 + 3 * i), tuple("198.51.100." + (1 + i % 2), 3478),
                    i * 20L));
        }
        PunchAttributes a = new PunchAttributes(1, Optional.empty(), samples, OptionalInt.of(3),
                Optional.empty(), Optional.empty(), Optional.empty());
        PeerExtension peer = roundTrip(a);
        assertEquals(samples, peer.attributes().mapped());
        assertEquals(List.of(3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3), peer.attributes().sampleDeltas());
    }

    @Test
    void everyNatTokenRoundTrips() {
        for (NatType type : NatType.values()) {
            for (MappingBehavior mapping : MappingBehavior.values()) {
                for (FilteringBehavior filtering : FilteringBehavior.values()) {
                    for (PortAllocation allocation : PortAllocation.values()) {
                        NatClassification nat = new NatClassification(type, mapping, filtering, allocation);
                        String value = String.join(" ", NatClassification.token(type), NatClassification.token(mapping),
                                NatClassification.token(filtering), NatClassification.token(allocation));
                        assertEquals(nat, ValueParser.nat(value), value);
                    }
                }
            }
        }
        assertEquals("symmetric-second-priority", NatClassification.token(NatType.SYMMETRIC_SECOND_PRIORITY));
    }

    @Test
    void writtenLinesAreTheSpecifiedText() {
        PunchAttributes a = new PunchAttributes(1, Optional.of(tuple("10.0.0.5", 5004)),
                List.of(new MappedSample(tuple("203.0.113.7", 40001), tuple("198.51.100.1", 3478), 0)),
                OptionalInt.of(-3), Optional.of(NatClassification.UNKNOWN), Optional.of(tuple("203.0.113.7", 5004)),
                Optional.of(tuple("198.51.100.9", 7078)));
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        PunchCodec.write(OfferAnswer.primaryMedia(sd), a, CREDENTIALS);
        String text = sd.toString();
        String expectedTail = "a=sendrecv\r\n"
                + "a=punch-version:1\r\n"
                + "a=punch-private:10.0.0.5 5004\r\n"
                + "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 0\r\n"
                + "a=punch-delta:-3\r\n"
                + "a=punch-nat:unknown unknown unknown unknown\r\n"
                + "a=punch-upnp:203.0.113.7 5004\r\n"
                + "a=punch-peer-correction:198.51.100.9 7078\r\n"
                + "a=ice-ufrag:Xk3vR9pQ\r\n"
                + "a=ice-pwd:tJ6m2wQ9bN4cLz8rH1sD5fYa\r\n";
        assertTrue(text.endsWith(expectedTail), text);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "2001:db8:0:0:0:0:0:1, 2001:db8::1",
        "0:0:0:0:0:0:0:1, ::1",
        "fd00:0:0:1:0:0:0:5, fd00:0:0:1::5",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "1:0:0:0:0:0:0:0, 1::",
        "fe80:0:0:0:0:0:abcd:1, fe80::abcd:1",
    })
    void ipv6IsWrittenInTheRfc5952Form(String full, String expected) {
        assertEquals(expected + " 5004", TransportAddresses.format(tuple(full, 5004)));
    }

    @Test
    void writingKeepsForeignAttributesInPlaceAndReplacesOwnOnes() {
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        PunchCodec.write(OfferAnswer.primaryMedia(sd), EMPTY.withUpnp(tuple("203.0.113.9", 5004)), CREDENTIALS);
        PunchCodec.write(OfferAnswer.primaryMedia(sd), EMPTY, CREDENTIALS);
        String text = sd.toString();
        assertTrue(text.startsWith(SdpSamples.PLAIN), text);
        assertEquals(SdpSamples.PLAIN + "a=punch-version:1\r\na=ice-ufrag:Xk3vR9pQ\r\na=ice-pwd:tJ6m2wQ9bN4cLz8rH1sD5fYa\r\n",
                text);
    }

    @Test
    void unknownPunchAttributesAreIgnoredOnReadAndKeptOnWrite() {
        String text = SdpSamples.extendedWith("a=punch-future:anything at all", "a=punch-delta:4");
        SessionDescription sd = SdpSamples.parse(text);
        assertEquals(OptionalInt.of(4), SdpSamples.extended(OfferAnswer.read(sd)).attributes().delta());
        PunchCodec.write(OfferAnswer.primaryMedia(sd), EMPTY, CREDENTIALS);
        assertTrue(sd.toString().contains("a=punch-future:anything at all\r\n"), sd.toString());
        assertTrue(!sd.toString().contains("punch-delta"), sd.toString());
    }

    @Test
    void sessionLevelCredentialsAreUsedWhenTheMediaHasNone() {
        String text = SdpSamples.PLAIN.replace("a=tool:test\r\n",
                "a=ice-ufrag:SessUfrag\r\na=ice-pwd:SessionPasswordOf22Chars\r\n") + "a=punch-version:1\r\n";
        PeerExtension peer = SdpSamples.extended(OfferAnswer.read(SdpSamples.parse(text)));
        assertEquals("SessUfrag", peer.credentials().ufrag());
        assertEquals("SessionPasswordOf22Chars", peer.credentials().password());
    }

    @Test
    void mediaLevelCredentialsOverrideSessionLevel() {
        String text = SdpSamples.PLAIN.replace("a=tool:test\r\n",
                "a=ice-ufrag:SessUfrag\r\na=ice-pwd:SessionPasswordOf22Chars\r\n");
        text = text + "a=punch-version:1\r\na=ice-ufrag:" + CREDENTIALS.ufrag() + "\r\na=ice-pwd:"
                + CREDENTIALS.password() + "\r\n";
        assertEquals(CREDENTIALS, SdpSamples.extended(OfferAnswer.read(SdpSamples.parse(text))).credentials());
    }

    @Test
    void mediaConnectionOverridesSessionConnection() {
        String text = SdpSamples.PLAIN.replace("a=sendrecv\r\n", "c=IN IP4 198.51.100.4\r\na=sendrecv\r\n");
        SdpReading r = OfferAnswer.read(SdpSamples.parse(text));
        assertEquals(new SdpReading.Plain(tuple("198.51.100.4", 40000), OptionalInt.empty(), Optional.empty()), r);
    }
}
