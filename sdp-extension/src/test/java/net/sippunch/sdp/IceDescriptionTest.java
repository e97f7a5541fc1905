package net.sippunch.sdp;

import static net.sippunch.sdp.SdpSamples.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sdp.SessionDescription;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import org.junit.jupiter.api.Test;

/** Standard ICE in a peer's description: read as part of a plain reading, without touching the extension. */
class IceDescriptionTest {

    /**
     * An offer as baresip 1.0.0 with {@code medianat ice} writes it (written after libre's encoder, not
     * captured): credentials at session level, host candidates of three interfaces and a server-reflexive one,
     * each for RTP and RTCP (no rtcp-mux), the server-reflexive one as the default in c=/m=.
     */
    static final String BARESIP_ICE_OFFER = String.join("\r\n",
            "v=0",
            "o=- 3128394725 2283729114 IN IP4 192.168.1.20",
            "s=-",
            "c=IN IP4 203.0.113.7",
            "t=0 0",
            "a=tool:baresip 1.0.0",
            "a=ice-ufrag:q7zR2kT",
            "a=ice-pwd:b4Fh8sLwX2mPq9nKc3VdT6yJr1gZe5A",
            "m=audio 40002 RTP/AVP 0 8 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-15",
            "a=rtcp:40003",
            "a=sendrecv",
            "a=label:1",
            "a=ssrc:2934860410 cname:sip:alice@example.net",
            "a=minptime:20",
            "a=ptime:20",
            "a=candidate:c0a80114 1 UDP 2130706431 192.168.1.20 40002 typ host",
            "a=candidate:c0a80114 2 UDP 2130706430 192.168.1.20 40003 typ host",
            "a=candidate:ac110001 1 UDP 2130705919 172.17.0.1 40002 typ host",
            "a=candidate:ac110001 2 UDP 2130705918 172.17.0.1 40003 typ host",
            "a=candidate:20010db8 1 UDP 2130706175 2001:db8::20 40002 typ host",
            "a=candidate:20010db8 2 UDP 2130706174 2001:db8::20 40003 typ host",
            "a=candidate:cb007107 1 UDP 1694498815 203.0.113.7 40002 typ srflx raddr 192.168.1.20 rport 40002",
            "a=candidate:cb007107 2 UDP 1694498814 203.0.113.7 40003 typ srflx raddr 192.168.1.20 rport 40003",
            "");

    private static final String HOST = "a=candidate:1 1 UDP 2130706431 192.0.2.10 40000 typ host";

    @Test
    void baresipWithIceIsAPlainPeerThatSpeaksIce() {
        SdpReading.Plain plain = assertInstanceOf(SdpReading.Plain.class, OfferAnswer.readOffer(BARESIP_ICE_OFFER));
        assertEquals(tuple("203.0.113.7", 40002), plain.mediaTarget());
        assertEquals(OptionalInt.empty(), plain.unsupportedVersion());
        IceDescription ice = plain.ice().orElseThrow();
        assertEquals(new IceCredentials("q7zR2kT", "b4Fh8sLwX2mPq9nKc3VdT6yJr1gZe5A"), ice.credentials());
        assertFalse(ice.iceLite());
        assertFalse(ice.mismatch());
        assertEquals(List.of(), ice.iceOptions());
        assertEquals(List.of(
                new Candidate("c0a80114", 1, 2130706431L, tuple("192.168.1.20", 40002), CandidateType.HOST,
                        Optional.empty()),
                new Candidate("20010db8", 1, 2130706175L, tuple("2001:db8::20", 40002), CandidateType.HOST,
                        Optional.empty()),
                new Candidate("ac110001", 1, 2130705919L, tuple("172.17.0.1", 40002), CandidateType.HOST,
                        Optional.empty()),
                new Candidate("cb007107", 1, 1694498815L, tuple("203.0.113.7", 40002),
                        CandidateType.SERVER_REFLEXIVE, Optional.of(tuple("192.168.1.20", 40002)))),
                ice.candidates());
        assertEquals(0, ice.skipped(), "every line taken");
        assertEquals(List.of(tuple("192.168.1.20", 40003), tuple("2001:db8::20", 40003), tuple("172.17.0.1", 40003),
                tuple("203.0.113.7", 40003)), ice.rtcpCandidates().stream().map(Candidate::address).toList(),
                "the RTCP component's candidates, for a peer that does not multiplex");
        assertEquals(plain, OfferAnswer.readAnswer(BARESIP_ICE_OFFER, PunchAttributes.CURRENT_VERSION));
    }

    @Test
    void mediaLevelCredentialsOverrideSessionLevelOnesOneByOne() {
        String text = BARESIP_ICE_OFFER.replace("a=ptime:20\r\n", "a=ptime:20\r\na=ice-ufrag:MediaUfrag\r\n");
        IceDescription ice = plainIce(text);
        assertEquals("MediaUfrag", ice.credentials().ufrag());
        assertEquals("b4Fh8sLwX2mPq9nKc3VdT6yJr1gZe5A", ice.credentials().password());
    }

    @Test
    void iceLiteAndOptionsOfBothLevels() {
        String text = sessionLevel("a=ice-lite", "a=ice-options:trickle ice2")
                + String.join("\r\n", "a=ice-options:ice2 rtp+ecn bad-tag", ufrag(), pwd(), HOST, "");
        IceDescription ice = plainIce(text);
        assertTrue(ice.iceLite());
        assertEquals(List.of("trickle", "ice2", "rtp+ecn"), ice.iceOptions());
        assertEquals(List.of(tuple("192.0.2.10", 40000)), ice.candidates().stream().map(Candidate::address).toList());
    }

    @Test
    void iceLiteCountsAtSessionLevelOnly() {
        assertFalse(plainIce(SdpSamples.plainWith("a=ice-lite", ufrag(), pwd(), HOST)).iceLite());
    }

    @Test
    void browserCandidatesThisSideCannotUseAreSkippedWithTheirReasons() {
        IceDescription ice = plainIce(SdpSamples.plainWith(ufrag(), pwd(),
                "a=candidate:3442447574 1 udp 2122260223 4b6c8b4e-1d4f-4b3c-9f2a-0e8d2b7c3a11.local 54321 typ host"
                        + " generation 0 network-id 1",
                "a=candidate:3442447575 2 udp 2122260222 4b6c8b4e-1d4f-4b3c-9f2a-0e8d2b7c3a11.local 54322 typ host",
                "a=candidate:1 1 tcp 1518280447 192.168.1.5 9 typ host tcptype active generation 0 network-id 1",
                "a=candidate:2 1 TCP 1518280447 192.168.1.5 9 typ host tcptype active",
                "a=candidate:3 1 UDP high 192.168.1.5 9 typ host"));
        assertEquals(List.of(), ice.candidates(), "found all the same: the peer checks this side's candidates");
        assertEquals(5, ice.skipped());
        assertEquals(4, ice.skipReasons().size(), ice.skipReasons()::toString);
        assertTrue(ice.skipReasons().get(0).startsWith("mDNS name 4b6c8b4e"), ice.skipReasons()::toString);
        assertEquals("transport tcp", ice.skipReasons().get(1));
        assertEquals("transport TCP", ice.skipReasons().get(2));
        assertTrue(ice.skipReasons().get(3).startsWith("malformed: priority 'high'"), ice.skipReasons()::toString);
    }

    @Test
    void noCandidateOrNoCredentialsIsNoIce() {
        assertEquals(Optional.empty(), plain(SdpSamples.plainWith(ufrag(), pwd())).ice());
        assertEquals(Optional.empty(), plain(SdpSamples.plainWith(HOST)).ice());
        assertEquals(Optional.empty(), plain(SdpSamples.PLAIN).ice());
        assertInstanceOf(IceReading.Absent.class, IceDescription.read(SdpSamples.parse(SdpSamples.plainWith(HOST))));
        // the candidates of another stream are that stream's
        String video = SdpSamples.plainWith(ufrag(), pwd()) + "m=video 40002 RTP/AVP 96\r\n" + HOST + "\r\n";
        assertEquals(Optional.empty(), plain(video).ice());
    }

    @Test
    void brokenCredentialsMakeTheDescriptionInvalid() {
        assertInvalid(SdpSamples.plainWith(ufrag(), HOST), "a=ice-pwd: missing: a=candidate needs both credentials");
        assertInvalid(SdpSamples.plainWith(pwd(), HOST), "a=ice-ufrag: missing: a=candidate needs both credentials");
        assertInvalid(SdpSamples.plainWith(ufrag(), "a=ice-pwd:short", HOST),
                "a=ice-pwd: ice-pwd must be 22 to 256 characters, got 5");
        assertInvalid(SdpSamples.plainWith("a=ice-ufrag:ab-cd", pwd(), HOST),
                "a=ice-ufrag: ice-ufrag has a character outside ALPHA / DIGIT / '+' / '/'");
        assertInvalid(sessionLevel(ufrag(), ufrag()) + pwd() + "\r\n" + HOST + "\r\n",
                "a=ice-ufrag: appears more than once at session level");
    }

    @Test
    void theReaderOnItsOwnNamesRepeatedCredentials() {
        SessionDescription sd = SdpSamples.parse(SdpSamples.plainWith(ufrag(), pwd(), pwd(), HOST));
        SdpReading.Invalid invalid = assertInstanceOf(SdpReading.Invalid.class, IceDescription.read(sd));
        assertEquals("a=ice-pwd: appears more than once at media level", invalid.message());
    }

    @Test
    void anOfferWithTheExtensionStillReadsExtendedAndCarriesOurCandidates() {
        SessionDescription offer = SdpSamples.parse(SdpSamples.PLAIN);
        OfferAnswer.writeOffer(offer, PunchAttributes.empty(), SdpSamples.CREDENTIALS);
        List<Candidate> ours = List.of(
                new Candidate("h1", 1, Candidate.priority(CandidateType.HOST, 65535, 1), tuple("192.168.1.20", 40000),
                        CandidateType.HOST, Optional.empty()),
                new Candidate("s1", 1, Candidate.priority(CandidateType.SERVER_REFLEXIVE, 65535, 1),
                        tuple("203.0.113.7", 40001), CandidateType.SERVER_REFLEXIVE,
                        Optional.of(tuple("192.168.1.20", 40000))));
        IceCandidateCodec.write(OfferAnswer.primaryMedia(offer), ours);
        String text = offer.toString();

        PeerExtension peer = SdpSamples.extended(OfferAnswer.readOffer(text));
        assertEquals(SdpSamples.CREDENTIALS, peer.credentials());
        IceReading.Found found = assertInstanceOf(IceReading.Found.class, IceDescription.read(SdpSamples.parse(text)));
        assertEquals(ours, found.description().candidates());
        assertEquals(SdpSamples.CREDENTIALS, found.description().credentials());
        // credentials and candidates sit together at media level
        assertTrue(text.indexOf("a=ice-ufrag:") > text.indexOf("m=audio"), text);
    }

    @Test
    void aPeerWithAnUnknownVersionOfTheExtensionMayStillSpeakIce() {
        SdpReading.Plain plain = assertInstanceOf(SdpReading.Plain.class,
                OfferAnswer.readOffer(SdpSamples.plainWith("a=punch-version:9", ufrag(), pwd(), HOST)));
        assertEquals(OptionalInt.of(9), plain.unsupportedVersion());
        assertEquals(1, plain.ice().orElseThrow().candidates().size());
    }

    @Test
    void candidatesAreKeptHighestPriorityFirstOneByAddressAndCapped() {
        List<String> lines = new ArrayList<>(List.of(ufrag(), pwd()));
        for (int i = 0; i < 300; i++) {
            lines.add("a=candidate:" + i + " 1 UDP " + (1000 + i) + " 10.0." + (i / 250) + "." + (i % 250 + 1)
                    + " 5000 typ host");
        }
        lines.add(3, "a=candidate:dup 1 UDP 1100 10.0.0.1 5000 typ host");
        IceDescription ice = plainIce(SdpSamples.plainWith(lines.toArray(String[]::new)));
        assertEquals(IceDescription.MAX_CANDIDATES, ice.candidates().size());
        // lines beyond the 256th are not read: the kept ones are the highest of the first 256
        assertEquals(1000 + 254, ice.candidates().get(0).priority());
        assertEquals(1000 + 254 - 63, ice.candidates().get(63).priority());
        assertEquals(301 - IceDescription.MAX_CANDIDATES, ice.skipped());
        assertEquals(List.of("more than 256 a=candidate lines", "more than 64 RTP candidates",
                "the address of a candidate of higher priority"), ice.skipReasons());
    }

    @Test
    void skipReasonsAreDistinctAndCapped() {
        List<String> lines = new ArrayList<>(List.of(ufrag(), pwd(), HOST));
        for (int i = 0; i < 20; i++) {
            lines.add("a=candidate:" + i + " 1 UDP 1 10.0.0." + (i + 1) + " 5000 typ kind" + i);
            lines.add("a=candidate:" + i + " 1 UDP 1 10.0.0." + (i + 1) + " 5000 typ kind" + i);
        }
        IceDescription ice = plainIce(SdpSamples.plainWith(lines.toArray(String[]::new)));
        assertEquals(40, ice.skipped());
        assertEquals(IceDescription.MAX_SKIP_REASONS, ice.skipReasons().size());
        assertEquals("unknown candidate type kind0", ice.skipReasons().get(0));
        assertEquals("unknown candidate type kind1", ice.skipReasons().get(1));
    }

    @Test
    void mismatchIsRead() {
        assertTrue(plainIce(SdpSamples.plainWith("a=ice-mismatch", ufrag(), pwd(), HOST)).mismatch());
        assertEquals(Optional.empty(), plain(SdpSamples.plainWith("a=ice-mismatch")).ice(),
                "an answer with a=ice-mismatch and nothing else: no ICE on the stream");
    }

    @Test
    void theRecordKeepsTheReadersPromises() {
        Candidate low = new Candidate("l", 1, 1L, tuple("10.0.0.1", 1), CandidateType.HOST, Optional.empty());
        Candidate high = new Candidate("h", 1, 2L, tuple("10.0.0.2", 1), CandidateType.HOST, Optional.empty());
        Candidate rtcp = new Candidate("r", 2, 3L, tuple("10.0.0.3", 1), CandidateType.HOST, Optional.empty());
        IceCredentials c = SdpSamples.CREDENTIALS;
        assertThrows(IllegalArgumentException.class,
                () -> new IceDescription(c, false, List.of(), List.of(low, high), 0, List.of(), false, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new IceDescription(c, false, List.of(), List.of(rtcp), 0, List.of(), false, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new IceDescription(c, false, List.of(), List.of(), 0, List.of("why"), false, List.of()));
        assertEquals(List.of(high, low),
                new IceDescription(c, false, List.of(), List.of(high, low), 1, List.of("why"), false, List.of()).candidates());
    }

    private static String ufrag() {
        return "a=ice-ufrag:" + SdpSamples.CREDENTIALS.ufrag();
    }

    private static String pwd() {
        return "a=ice-pwd:" + SdpSamples.CREDENTIALS.password();
    }

    /** {@link SdpSamples#PLAIN} with {@code lines} at session level. */
    private static String sessionLevel(String... lines) {
        return SdpSamples.PLAIN.replace("a=tool:test\r\n", "a=tool:test\r\n" + String.join("\r\n", lines) + "\r\n");
    }

    private static SdpReading.Plain plain(String text) {
        SdpReading reading = OfferAnswer.readOffer(text);
        return assertInstanceOf(SdpReading.Plain.class, reading, reading::toString);
    }

    private static IceDescription plainIce(String text) {
        return plain(text).ice().orElseThrow();
    }

    private static void assertInvalid(String text, String message) {
        SdpReading reading = OfferAnswer.readOffer(text);
        assertEquals(message, assertInstanceOf(SdpReading.Invalid.class, reading, reading::toString).message());
    }
}
