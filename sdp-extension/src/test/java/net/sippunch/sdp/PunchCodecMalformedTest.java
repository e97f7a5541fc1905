package net.sippunch.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every malformed value gives Invalid naming the attribute and the problem, never a partial value. */
class PunchCodecMalformedTest {

    private static SdpReading.Invalid invalid(String text) {
        SdpReading r = OfferAnswer.read(SdpSamples.parse(text));
        return assertInstanceOf(SdpReading.Invalid.class, r, () -> "expected Invalid, got " + r);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        // version
        "a=punch-version:0                 | punch-version | outside 1..255",
        "a=punch-version:256               | punch-version | outside 1..255",
        "a=punch-version:01                | punch-version | leading zeros",
        "a=punch-version:one               | punch-version | not a decimal integer",
        "a=punch-version:-1                | punch-version | not a decimal integer",
        "a=punch-version:99999999999999999 | punch-version | not a decimal integer",
        // private
        "a=punch-private:10.0.0.5          | punch-private | expected 2 fields",
        "a=punch-private:10.0.0.5 0        | punch-private | port '0'",
        "a=punch-private:10.0.0.5 65536    | punch-private | port '65536'",
        "a=punch-private:10.0.0.5 -1       | punch-private | port '-1'",
        "a=punch-private:10.0.0.5 5004 x   | punch-private | expected 2 fields",
        "a=punch-private:10.0.0.256 5004   | punch-private | not an IPv4 or IPv6 literal",
        "a=punch-private:10.0.0 5004       | punch-private | not an IPv4 or IPv6 literal",
        "a=punch-private:010.0.0.1 5004    | punch-private | not an IPv4 or IPv6 literal",
        "a=punch-private:example.com 5004  | punch-private | not an IPv4 or IPv6 literal",
        "a=punch-private:fe80::1%eth0 5004 | punch-private | not an IPv4 or IPv6 literal",
        "a=punch-private:1:2:3 5004        | punch-private | not an IPv4 or IPv6 literal",
        "a=punch-private:0.0.0.0 5004      | punch-private | unspecified address",
        "a=punch-private:224.0.0.1 5004    | punch-private | multicast",
        "a=punch-private:10.0.0.5  5004    | punch-private | exactly one space",
        // mapped
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478        | punch-mapped | expected 5 fields",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 0 1    | punch-mapped | expected 5 fields",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 99999 0     | punch-mapped | server port '99999'",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.x 3478 0      | punch-mapped | server address",
        "a=punch-mapped:203.0.113.7 4e4 198.51.100.1 3478 0        | punch-mapped | port '4e4'",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 zero   | punch-mapped | offset 'zero'",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 12345678 | punch-mapped | offset '12345678'",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 3600001 | punch-mapped | beyond",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 -0     | punch-mapped | offset '-0'",
        "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 5      | punch-mapped | first line must have offset 0",
        // delta
        "a=punch-delta:                    | punch-delta | has no value",
        "a=punch-delta                     | punch-delta | has no value",
        "a=punch-delta:1.5                 | punch-delta | not a decimal integer",
        "a=punch-delta:+1                  | punch-delta | not a decimal integer",
        "a=punch-delta:65535               | punch-delta | beyond",
        "a=punch-delta:-65535              | punch-delta | beyond",
        "a=punch-delta:123456              | punch-delta | at most 5 digits",
        // nat
        "a=punch-nat:symmetric-sequential unknown unknown          | punch-nat | expected 4 fields",
        "a=punch-nat:symmetric unknown unknown unknown             | punch-nat | unknown NAT type 'symmetric'",
        "a=punch-nat:open no_nat unknown unknown                   | punch-nat | unknown mapping behaviour 'no_nat'",
        "a=punch-nat:open no-nat no-nat unknown                    | punch-nat | unknown filtering behaviour 'no-nat'",
        "a=punch-nat:open no-nat unknown linear                    | punch-nat | unknown port allocation 'linear'",
        "a=punch-nat:OPEN no-nat unknown unknown                   | punch-nat | unknown NAT type 'OPEN'",
        // upnp, correction
        "a=punch-upnp:203.0.113.7          | punch-upnp | expected 2 fields",
        "a=punch-upnp:203.0.113.7 70000    | punch-upnp | port '70000'",
        "a=punch-peer-correction::: 5004   | punch-peer-correction | unspecified address",
        "a=punch-peer-correction:1::2::3 5004 | punch-peer-correction | not an IPv4 or IPv6 literal",
        "a=punch-peer-correction:203.0.113.7 port | punch-peer-correction | port 'port'",
    })
    void malformedValueIsNamed(String line, String attribute, String problem) {
        String text = line.startsWith("a=punch-version:")
                ? SdpSamples.plainWith(line, "a=ice-ufrag:abcd", "a=ice-pwd:" + SdpSamples.CREDENTIALS.password())
                : SdpSamples.extendedWith(line);
        SdpReading.Invalid invalid = invalid(text);
        assertEquals(attribute, invalid.attribute(), invalid.message());
        assertTrue(invalid.problem().contains(problem), invalid.message());
        assertTrue(invalid.message().startsWith("a=" + attribute + ": "), invalid.message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a=punch-version:1",
        "a=punch-private:10.0.0.5 5004",
        "a=punch-delta:1",
        "a=punch-nat:open no-nat unknown preserving",
        "a=punch-upnp:203.0.113.7 5004",
        "a=punch-peer-correction:203.0.113.7 5004",
        "a=ice-ufrag:OtherUfrag",
        "a=ice-pwd:AnotherPasswordOf22Chars",
    })
    void duplicateSingleAttributeIsRejected(String line) {
        SdpReading.Invalid invalid = invalid(SdpSamples.extendedWith("a=punch-private:10.0.0.5 5004",
                "a=punch-delta:1", "a=punch-nat:open no-nat unknown preserving", "a=punch-upnp:203.0.113.7 5004",
                "a=punch-peer-correction:203.0.113.7 5004", line));
        assertEquals(line.substring(2, line.indexOf(':')), invalid.attribute());
        assertTrue(invalid.problem().contains("more than once"), invalid.message());
    }

    @Test
    void duplicateMappedLineIsRejected() {
        String line = "a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 0";
        SdpReading.Invalid invalid = invalid(SdpSamples.extendedWith(line, line));
        assertEquals("punch-mapped", invalid.attribute());
        assertTrue(invalid.problem().contains("duplicate"), invalid.message());
    }

    @Test
    void seventeenMappedLinesAreTooMany() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i <= PunchAttributes.MAX_MAPPED; i++) {
            lines.add("a=punch-mapped:203.0.113.7 " + (40000 + i) + " 198.51.100.1 3478 " + i);
        }
        SdpReading.Invalid invalid = invalid(SdpSamples.extendedWith(lines.toArray(String[]::new)));
        assertEquals("punch-mapped", invalid.attribute());
        assertTrue(invalid.problem().contains("more than 16"), invalid.message());
    }

    @Test
    void manyUnknownPunchAttributesAreTooMany() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PunchCodec.MAX_PUNCH_ATTRIBUTES; i++) {
            lines.add("a=punch-x" + i + ":y");
        }
        SdpReading.Invalid invalid = invalid(SdpSamples.extendedWith(lines.toArray(String[]::new)));
        assertTrue(invalid.problem().contains("more than " + PunchCodec.MAX_PUNCH_ATTRIBUTES), invalid.message());
    }

    @Test
    void hugeValueIsRejectedAndQuotedShort() {
        String huge = "1".repeat(100_000);
        SdpReading.Invalid invalid = invalid(SdpSamples.extendedWith("a=punch-delta:" + huge));
        assertEquals("punch-delta", invalid.attribute());
        assertTrue(invalid.problem().contains("longer than 256"), invalid.message());
        assertTrue(invalid.message().length() < 200, invalid.message());
    }

    @Test
    void hugeSdpTextIsRejectedBeforeParsing() {
        String text = SdpSamples.plainWith("a=x-pad:" + "p".repeat(OfferAnswer.MAX_SDP_CHARS));
        SdpReading r = OfferAnswer.readOffer(text);
        SdpReading.Invalid invalid = assertInstanceOf(SdpReading.Invalid.class, r);
        assertEquals("sdp", invalid.attribute());
        assertTrue(invalid.problem().contains("longer than"), invalid.message());
    }

    @Test
    void garbageTextIsInvalidSdp() {
        SdpReading.Invalid invalid = assertInstanceOf(SdpReading.Invalid.class,
                OfferAnswer.readOffer("v=0\r\nm=audio x RTP/AVP 0\r\n"));
        assertEquals("sdp", invalid.attribute());
        assertTrue(invalid.problem().startsWith("not parseable"), invalid.message());
    }

    @Test
    void extensionWithoutVersionIsInvalid() {
        SdpReading.Invalid invalid = invalid(SdpSamples.plainWith("a=punch-delta:1"));
        assertEquals("punch-version", invalid.attribute());
        assertTrue(invalid.problem().contains("a=punch-delta"), invalid.message());
        invalid = invalid(SdpSamples.plainWith("a=punch-mapped:203.0.113.7 40001 198.51.100.1 3478 0"));
        assertEquals("punch-version", invalid.attribute());
    }

    @Test
    void extensionWithoutCredentialsIsInvalid() {
        SdpReading.Invalid invalid = invalid(SdpSamples.plainWith("a=punch-version:1", "a=ice-pwd:"
                + SdpSamples.CREDENTIALS.password()));
        assertEquals("ice-ufrag", invalid.attribute());
        assertTrue(invalid.problem().contains("missing"), invalid.message());
        invalid = invalid(SdpSamples.plainWith("a=punch-version:1", "a=ice-ufrag:abcd"));
        assertEquals("ice-pwd", invalid.attribute());
    }

    @Test
    void badCredentialsAreNamed() {
        SdpReading.Invalid invalid = invalid(SdpSamples.plainWith("a=punch-version:1", "a=ice-ufrag:abc",
                "a=ice-pwd:" + SdpSamples.CREDENTIALS.password()));
        assertEquals("ice-ufrag", invalid.attribute());
        invalid = invalid(SdpSamples.plainWith("a=punch-version:1", "a=ice-ufrag:abcd", "a=ice-pwd:short"));
        assertEquals("ice-pwd", invalid.attribute());
        invalid = invalid(SdpSamples.plainWith("a=punch-version:1", "a=ice-ufrag:ab-d",
                "a=ice-pwd:" + SdpSamples.CREDENTIALS.password()));
        assertEquals("ice-ufrag", invalid.attribute());
        assertTrue(invalid.problem().contains("character"), invalid.message());
    }

    @Test
    void extensionAttributeAtSessionLevelIsInvalid() {
        String text = SdpSamples.PLAIN.replace("a=tool:test\r\n", "a=punch-delta:1\r\n");
        SdpReading.Invalid invalid = invalid(text);
        assertEquals("punch-delta", invalid.attribute());
        assertTrue(invalid.problem().contains("session level"), invalid.message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "m=audio 40000 RTP/AVP 0 | m=audio 0 RTP/AVP 0     | m | port 0",
        "m=audio 40000 RTP/AVP 0 | m=audio 70000 RTP/AVP 0 | m | outside 1..65535",
        "c=IN IP4 192.0.2.10     | c=IN IP4 example.com    | c | not an IP literal",
        "c=IN IP4 192.0.2.10     | c=IN IP4 224.2.1.1/127  | c | multicast",
    })
    void brokenMediaTargetIsNamed(String from, String to, String attribute, String problem) {
        String text = SdpSamples.extendedWith().replace(from, to);
        SdpReading.Invalid invalid = invalid(text);
        assertEquals(attribute, invalid.attribute(), invalid.message());
        assertTrue(invalid.problem().contains(problem), invalid.message());
    }

    @Test
    void missingConnectionIsNamed() {
        SdpReading.Invalid invalid = invalid(SdpSamples.PLAIN.replace("c=IN IP4 192.0.2.10\r\n", ""));
        assertEquals("c", invalid.attribute());
        assertEquals("c=: missing at media and session level", invalid.message());
    }

    @Test
    void unsupportedVersionIsPlainWithoutLookingFurther() {
        SdpReading r = OfferAnswer.read(SdpSamples.parse(SdpSamples.plainWith("a=punch-version:2",
                "a=punch-delta:not-read-in-version-1")));
        SdpReading.Plain plain = assertInstanceOf(SdpReading.Plain.class, r);
        assertEquals(java.util.OptionalInt.of(2), plain.unsupportedVersion());
        assertEquals(SdpSamples.tuple("192.0.2.10", 40000), plain.mediaTarget());
    }
}
