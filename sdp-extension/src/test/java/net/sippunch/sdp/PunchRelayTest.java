package net.sippunch.sdp;

import static net.sippunch.sdp.SdpSamples.extendedWith;
import static net.sippunch.sdp.SdpSamples.parse;
import static net.sippunch.sdp.SdpSamples.plainWith;
import static net.sippunch.sdp.SdpSamples.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javax.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

class PunchRelayTest {

    @Test
    void writtenAddressReadsBackEqual() {
        for (var relayed : List.of(tuple("198.18.0.30", 49152), tuple("2001:db8::30", 65535))) {
            SessionDescription sd = parse(extendedWith("a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 0"));
            PunchRelay.write(sd, relayed);
            String text = sd.toString();
            assertTrue(text.contains("a=punch-relay:" + TransportAddresses.format(relayed) + "\r\n"), text);
            assertEquals(new PunchRelay.Reading.Relayed(relayed), PunchRelay.read(text));
            // the main reader reads the rest as before: the relay is a compatible addition of version 1
            assertInstanceOf(SdpReading.Extended.class, OfferAnswer.readOffer(text));
        }
    }

    @Test
    void writingAgainReplacesTheAddress() {
        SessionDescription sd = parse(extendedWith());
        PunchRelay.write(sd, tuple("198.18.0.30", 49152));
        PunchRelay.write(sd, tuple("198.18.0.30", 49154));
        String text = sd.toString();
        assertEquals(text.indexOf("a=punch-relay"), text.lastIndexOf("a=punch-relay"), text);
        assertEquals(new PunchRelay.Reading.Relayed(tuple("198.18.0.30", 49154)), PunchRelay.read(text));
    }

    @Test
    void absentWithoutTheAttribute() {
        assertEquals(new PunchRelay.Reading.Absent(), PunchRelay.read(extendedWith()));
        assertEquals(new PunchRelay.Reading.Absent(), PunchRelay.read(plainWith()));
    }

    @Test
    void writerRefusesADescriptionWithoutTheExtensionAndUnusableAddresses() {
        assertThrows(IllegalArgumentException.class, () -> PunchRelay.write(parse(plainWith()),
                tuple("198.18.0.30", 49152)));
        for (var bad : List.of(tuple("0.0.0.0", 49152), tuple("224.0.0.1", 49152), tuple("::", 49152))) {
            assertThrows(IllegalArgumentException.class, () -> PunchRelay.write(parse(extendedWith()), bad),
                    bad.toString());
        }
    }

    @Test
    void malformedValuesAreInvalidWithTheReason() {
        List<List<String>> cases = List.of(
                List.of("a=punch-relay:198.18.0.30", "(address and port)"),
                List.of("a=punch-relay:198.18.0.30 0", "port '0'"),
                List.of("a=punch-relay:198.18.0.30 70000", "port '70000'"),
                List.of("a=punch-relay:relay.example.org 3478", "not an IPv4 or IPv6 literal"),
                List.of("a=punch-relay:0.0.0.0 3478", "a=punch-relay: "),
                List.of("a=punch-relay:198.18.0.30  3478", "a=punch-relay: "),
                List.of("a=punch-relay:", "has no value"),
                List.of("a=punch-relay:" + "1".repeat(300), "longer than 256"));
        for (List<String> c : cases) {
            PunchRelay.Reading r = PunchRelay.read(extendedWith(c.get(0)));
            PunchRelay.Reading.Invalid invalid = assertInstanceOf(PunchRelay.Reading.Invalid.class, r, c.get(0));
            assertTrue(invalid.message().contains(c.get(1)), c.get(0) + " -> " + invalid.message());
        }
    }

    @Test
    void repeatedWithoutVersionOrAtSessionLevelIsInvalid() {
        assertInstanceOf(PunchRelay.Reading.Invalid.class, PunchRelay.read(extendedWith(
                "a=punch-relay:198.18.0.30 49152", "a=punch-relay:198.18.0.30 49154")));
        PunchRelay.Reading noVersion = PunchRelay.read(plainWith("a=punch-relay:198.18.0.30 49152"));
        assertEquals(new PunchRelay.Reading.Invalid("a=punch-relay: without a=punch-version"), noVersion);
        String sessionLevel = extendedWith().replaceFirst("t=0 0\r\n", "t=0 0\r\na=punch-relay:198.18.0.30 49152\r\n");
        assertTrue(sessionLevel.contains("a=punch-relay"), sessionLevel);
        assertInstanceOf(PunchRelay.Reading.Invalid.class, PunchRelay.read(sessionLevel));
    }

    @Test
    void garbageIsInvalidNotACrash() {
        assertInstanceOf(PunchRelay.Reading.Invalid.class,
                SdpSamples.quietly(() -> PunchRelay.read("not sdp at all\r\nm=\r\n")));
        assertInstanceOf(PunchRelay.Reading.Invalid.class, PunchRelay.read("v=0\r\n".repeat(20_000)));
    }
}
