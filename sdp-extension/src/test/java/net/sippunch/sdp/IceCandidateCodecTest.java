package net.sippunch.sdp;

import static net.sippunch.sdp.SdpSamples.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import javax.sdp.SessionDescription;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code a=candidate} values: round trips, lines as real agents write them, what is skipped, what is malformed. */
class IceCandidateCodecTest {

    private static final Candidate HOST = new Candidate("1", 1, 2130706431L, tuple("10.0.0.1", 5000),
            CandidateType.HOST, Optional.empty());
    private static final Candidate SRFLX = new Candidate("Sr9+/x", 1, 1694498815L, tuple("203.0.113.7", 40002),
            CandidateType.SERVER_REFLEXIVE, Optional.of(tuple("192.168.1.20", 5004)));

    @Test
    void formatsTheRfc8839Grammar() {
        assertFormat("1 1 UDP 2130706431 10.0.0.1 5000 typ host", HOST);
        assertFormat("Sr9+/x 1 UDP 1694498815 203.0.113.7 40002 typ srflx raddr 192.168.1.20 rport 5004", SRFLX);
        assertFormat("6 2 UDP 2130706430 2001:db8::7 5001 typ host", new Candidate("6", 2, 2130706430L,
                tuple("2001:0db8:0:0:0:0:0:0007", 5001), CandidateType.HOST, Optional.empty()));
        // a reflexive or relayed candidate without its base says it hides it, as browsers do
        assertFormat("r 1 UDP 16777215 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0", new Candidate("r", 1,
                16777215L, tuple("198.51.100.9", 3478), CandidateType.RELAYED, Optional.empty()));
        assertFormat("p 1 UDP 1853824767 2001:db8::9 6000 typ prflx raddr :: rport 0", new Candidate("p", 1,
                1853824767L, tuple("2001:db8::9", 6000), CandidateType.PEER_REFLEXIVE, Optional.empty()));
    }

    private static void assertFormat(String expected, Candidate candidate) {
        assertEquals(expected, IceCandidateCodec.format(candidate));
    }

    @Test
    void roundTripsEveryTypeAndFamily() {
        List<Candidate> all = List.of(HOST, SRFLX,
                new Candidate("r", 1, 16777215L, tuple("198.51.100.9", 3478), CandidateType.RELAYED,
                        Optional.of(tuple("203.0.113.7", 40002))),
                new Candidate("r2", 1, 16777215L, tuple("198.51.100.9", 3479), CandidateType.RELAYED, Optional.empty()),
                new Candidate("p", 256, 1L, tuple("2001:db8::9", 65535), CandidateType.PEER_REFLEXIVE,
                        Optional.of(tuple("2001:db8::1", 1))),
                new Candidate("a".repeat(32), 2, 0x7FFF_FFFFL, tuple("127.0.0.1", 1), CandidateType.HOST,
                        Optional.empty()));
        for (Candidate c : all) {
            assertEquals(new IceCandidateCodec.Parsed(c), IceCandidateCodec.parse(IceCandidateCodec.format(c)),
                    () -> IceCandidateCodec.format(c));
        }
    }

    @Test
    void formatRefusesWhatCannotBeWritten() {
        assertThrows(IllegalArgumentException.class, () -> IceCandidateCodec.format(
                new Candidate("a b", 1, 1L, tuple("10.0.0.1", 5000), CandidateType.HOST, Optional.empty())));
        assertThrows(IllegalArgumentException.class, () -> IceCandidateCodec.format(
                new Candidate("a", 1, 1L, tuple("0.0.0.0", 5000), CandidateType.HOST, Optional.empty())));
        assertThrows(IllegalArgumentException.class, () -> IceCandidateCodec.format(
                new Candidate("a", 1, 1L, tuple("10.0.0.1", 5000), CandidateType.SERVER_REFLEXIVE,
                        Optional.of(tuple("224.0.0.1", 5000)))));
    }

    @Test
    void readsLinesAsBaresipWritesThem() {
        // libre's ice_cand_encode: upper-case UDP, raddr and rport for reflexive candidates
        assertEquals(new IceCandidateCodec.Parsed(HOST), parse("1 1 UDP 2130706431 10.0.0.1 5000 typ host"));
        assertEquals(new IceCandidateCodec.Parsed(new Candidate("cb007107", 2, 1694498814L, tuple("203.0.113.7", 40003),
                        CandidateType.SERVER_REFLEXIVE, Optional.of(tuple("192.168.1.20", 40003)))),
                parse("cb007107 2 UDP 1694498814 203.0.113.7 40003 typ srflx raddr 192.168.1.20 rport 40003"));
    }

    @Test
    void readsLinesAsLinphoneWritesThem() {
        assertEquals(new IceCandidateCodec.Parsed(new Candidate("2", 1, 1694498687L, tuple("203.0.113.9", 7078),
                        CandidateType.SERVER_REFLEXIVE, Optional.of(tuple("192.168.1.10", 7078)))),
                parse("2 1 UDP 1694498687 203.0.113.9 7078 typ srflx raddr 192.168.1.10 rport 7078"));
        assertEquals(tuple("2a01:e35:8b02:f1e0::15", 7078),
                parsed("3 1 UDP 2130706175 2a01:e35:8b02:f1e0::15 7078 typ host").address());
    }

    @Test
    void readsLinesAsChromeWritesThem() {
        Candidate c = parsed("842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.1 rport 5000"
                + " generation 0 network-cost 999");
        assertEquals(new Candidate("842163049", 1, 1677729535L, tuple("203.0.113.7", 46154),
                CandidateType.SERVER_REFLEXIVE, Optional.of(tuple("10.0.0.1", 5000))), c);
        // the base hidden behind mDNS: no related address, still a usable candidate
        assertEquals(Optional.empty(), parsed("1467250027 1 udp 1686052607 203.0.113.7 61665 typ srflx raddr 0.0.0.0"
                + " rport 0 generation 0 ufrag EsAw network-id 1 network-cost 10").related());
        assertEquals(tuple("2001:db8:1::5", 51235), parsed("2999745851 1 udp 2122262783 2001:db8:1::5 51235 typ host"
                + " generation 0 network-id 2").address());
        // Firefox
        assertEquals(tuple("192.168.1.5", 51234), parsed("0 1 UDP 2122252543 192.168.1.5 51234 typ host").address());
    }

    @Test
    void tokensAndTransportAreCaseInsensitive() {
        Candidate c = parsed("x 1 Udp 1694498815 203.0.113.7 40002 TYP SRFLX RADDR 192.168.1.20 RPORT 5004");
        assertEquals(CandidateType.SERVER_REFLEXIVE, c.type());
        assertEquals(Optional.of(tuple("192.168.1.20", 5004)), c.related());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        // well-formed, not usable here: skipped
        "1 1 tcp 1518280447 192.168.1.5 9 typ host tcptype active generation 0 network-id 1 | skipped | transport tcp",
        "2 1 TCP 1518214911 192.168.1.5 50001 typ host tcptype passive | skipped | transport TCP",
        "3 1 udp 2122260223 4b6c8b4e-1d4f-4b3c-9f2a-0e8d2b7c3a11.local 54321 typ host | skipped | mDNS name",
        "4 1 UDP 2130706431 host.example.net 5000 typ host | skipped | name host.example.net (names are not resolved)",
        "5 1 UDP 2130706431 10.0.0.1 5000 typ somefuturetype | skipped | unknown candidate type somefuturetype",
        "6 1 UDP 2130706431 10.0.0.1 0 typ host | skipped | port 0",
        "7 1 UDP 2130706431 0.0.0.0 5000 typ host | skipped | unspecified address 0.0.0.0",
        "8 1 UDP 2130706431 239.1.2.3 5000 typ host | skipped | multicast address 239.1.2.3",
        // broken: a problem, never an exception
        "'' | malformed | has no value",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ | malformed | expected at least 8 fields",
        "1 1 UDP 2130706431 10.0.0.1 5000 | malformed | expected at least 8 fields",
        "1 1 UDP 2130706431 10.0.0.1 | malformed | expected at least 8 fields",
        "1  1 UDP 2130706431 10.0.0.1 5000 typ host | malformed | exactly one space",
        "'1 1 UDP 2130706431 10.0.0.1 5000 typ host ' | malformed | exactly one space",
        "'1 1 UDP 2130706431 10.0.0.1 5000 typ host\t' | malformed | candidate type 'host?' is not a token",
        "a-b 1 UDP 2130706431 10.0.0.1 5000 typ host | malformed | foundation 'a-b'",
        "123456789012345678901234567890123 1 UDP 1 10.0.0.1 5000 typ host | malformed | foundation",
        "1 0 UDP 2130706431 10.0.0.1 5000 typ host | malformed | component '0'",
        "1 257 UDP 2130706431 10.0.0.1 5000 typ host | malformed | component '257'",
        "1 01 UDP 2130706431 10.0.0.1 5000 typ host | malformed | component '01'",
        "1 one UDP 2130706431 10.0.0.1 5000 typ host | malformed | component 'one'",
        "1 1 U/DP 2130706431 10.0.0.1 5000 typ host | malformed | transport 'U/DP' is not a token",
        "1 1 UDP high 10.0.0.1 5000 typ host | malformed | priority 'high'",
        "1 1 UDP -5 10.0.0.1 5000 typ host | malformed | priority '-5'",
        "1 1 UDP 0 10.0.0.1 5000 typ host | malformed | priority '0'",
        "1 1 UDP 2147483648 10.0.0.1 5000 typ host | malformed | priority '2147483648'",
        "1 1 UDP 99999999999 10.0.0.1 5000 typ host | malformed | priority '99999999999'",
        "1 1 UDP 2130706431 10.0.0.256 5000 typ host | malformed | address '10.0.0.256'",
        "1 1 UDP 2130706431 fe80::1%eth0 5000 typ host | malformed | address 'fe80::1%eth0'",
        "1 1 UDP 2130706431 [2001:db8::1] 5000 typ host | malformed | address '[2001:db8::1]'",
        "1 1 UDP 2130706431 10.0.0.1 65536 typ host | malformed | port '65536'",
        "1 1 UDP 2130706431 10.0.0.1 -1 typ host | malformed | port '-1'",
        "1 1 UDP 2130706431 10.0.0.1 5000 type host | malformed | expected after the port",
        "1 1 UDP 2130706431 10.0.0.1 5000 host typ | malformed | expected after the port",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ srflx raddr 10.0.0.2 | malformed | raddr without rport",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ srflx raddr 10.0.0.2 5000 | malformed | raddr without rport",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ srflx raddr 10.0.0.2 port 5000 | malformed | raddr without rport",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ srflx rport 5000 | malformed | rport without raddr",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ srflx raddr 10.0.0.2 rport x | malformed | rport 'x'",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ srflx raddr 10.0.0.2 rport 70000 | malformed | rport '70000'",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ srflx raddr 10..0.2 rport 5000 | malformed | raddr '10..0.2'",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ host generation | malformed | extension 'generation' has no value",
        "1 1 UDP 2130706431 10.0.0.1 5000 typ host generation 0 network-id | malformed | 'network-id' has no value",
    })
    void valuesThisSideCannotUseAreSkippedOrMalformed(String value, String outcome, String text) {
        IceCandidateCodec.Result result = parse(value);
        String said = result instanceof IceCandidateCodec.Skipped s ? "skipped: " + s.reason()
                : result instanceof IceCandidateCodec.Malformed m ? "malformed: " + m.problem() : result.toString();
        assertTrue(said.startsWith(outcome + ": ") && said.contains(text), said);
    }

    @ParameterizedTest
    @ValueSource(ints = {IceCandidateCodec.MAX_VALUE_CHARS + 1, 100_000})
    void overlongValuesAreNotSplit(int length) {
        String value = "1 1 UDP 2130706431 10.0.0.1 5000 typ host x " + "y".repeat(length);
        IceCandidateCodec.Malformed malformed = assertInstanceOf(IceCandidateCodec.Malformed.class, parse(value));
        assertTrue(malformed.problem().startsWith("longer than 512 characters"), malformed::problem);
    }

    @Test
    void problemsQuoteHostileTextShortAndPrintable() {
        String hostile = "1 1 UDP 2130706431 10.0.0.1\r\na=punch-version:1" + "x".repeat(100) + " 5000 typ host";
        IceCandidateCodec.Malformed malformed = assertInstanceOf(IceCandidateCodec.Malformed.class, parse(hostile));
        assertTrue(malformed.problem().length() < 160, malformed::problem);
        assertTrue(malformed.problem().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), malformed::problem);
    }

    @Test
    void writeReplacesTheCandidatesOfTheMediaAndTouchesNothingElse() {
        SessionDescription sd = SdpSamples.parse(SdpSamples.plainWith("a=candidate:old 1 UDP 1 10.9.9.9 9 typ host",
                "a=x-after:kept"));
        IceCandidateCodec.write(OfferAnswer.primaryMedia(sd), List.of(HOST, SRFLX));
        String text = sd.toString();
        assertTrue(text.endsWith("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=x-vendor:keep me\r\na=sendrecv\r\n"
                + "a=x-after:kept\r\n"
                + "a=candidate:1 1 UDP 2130706431 10.0.0.1 5000 typ host\r\n"
                + "a=candidate:Sr9+/x 1 UDP 1694498815 203.0.113.7 40002 typ srflx raddr 192.168.1.20 rport 5004\r\n"),
                text);
        assertTrue(text.indexOf("a=tool:test\r\n") < text.indexOf("m=audio"), "session level untouched");
    }

    @Property(tries = 3000)
    void anyValueDecidesAndWhatIsParsedWritesBack(@ForAll("candidateLike") String value) {
        IceCandidateCodec.Result result = IceCandidateCodec.parse(value);
        assertNotNull(result);
        if (result instanceof IceCandidateCodec.Parsed p) {
            assertEquals(result, IceCandidateCodec.parse(IceCandidateCodec.format(p.candidate())));
        }
    }

    /** Values put together from the grammar's pieces, right and wrong, so that all three outcomes are reached. */
    @Provide
    Arbitrary<String> candidateLike() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("1", "0", "256", "257", "2130706431", "2147483648", "01", "-1", "65535", "65536"),
                Arbitraries.of("UDP", "udp", "tcp", "typ", "TYP", "host", "srflx", "prflx", "relay", "foo",
                        "raddr", "rport", "generation", "x.local", "a+/b"),
                Arbitraries.of("10.0.0.1", "0.0.0.0", "224.0.0.1", "2001:db8::1", "::", "::ffff:10.0.0.1", "1.2.3",
                        "fe80::1%1", "[::1]"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(6),
                Arbitraries.strings().all().ofMaxLength(3));
        Arbitrary<String> valid = Arbitraries.of(IceCandidateCodec.format(HOST), IceCandidateCodec.format(SRFLX));
        Arbitrary<String> mixed = piece.list().ofMinSize(0).ofMaxSize(14).map(l -> String.join(" ", l));
        Arbitrary<String> mutated = valid.flatMap(v -> piece.flatMap(p -> Arbitraries.integers().between(0, 11)
                .map(i -> replaceField(v, i, p))));
        return Arbitraries.oneOf(mixed, mutated, valid);
    }

    private static String replaceField(String value, int index, String replacement) {
        String[] f = value.split(" ");
        if (index < f.length) {
            f[index] = replacement;
        }
        return String.join(" ", f);
    }

    private static IceCandidateCodec.Result parse(String value) {
        return IceCandidateCodec.parse(value);
    }

    private static Candidate parsed(String value) {
        IceCandidateCodec.Result result = parse(value);
        return assertInstanceOf(IceCandidateCodec.Parsed.class, result, result::toString).candidate();
    }
}
