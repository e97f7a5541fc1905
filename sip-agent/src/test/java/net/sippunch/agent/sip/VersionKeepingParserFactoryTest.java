package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The agent's parser: the RI's, keeping the SIP version, refusing what the RI would mishandle. */
class VersionKeepingParserFactoryTest {

    private static final MessageParser PARSER = new VersionKeepingParserFactory().createMessageParser(null);

    private static SIPMessage parse(String version, String topVia, String extra) throws ParseException {
        String text = "OPTIONS sip:bob@192.0.2.10 " + version + "\r\n"
                + "Via: " + topVia + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:bob@example.org>\r\n"
                + "From: <sip:alice@example.org>;tag=1\r\n"
                + "Call-ID: c1@example.org\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + extra
                + "Content-Length: 0\r\n\r\n";
        return PARSER.parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
    }

    private static final String VIA = "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport";

    @Test
    void aRequestRemembersItsSipVersionBesideAnSip20RequestLine() throws ParseException {
        SIPRequest other = (SIPRequest) parse("SIP/3.0", VIA, "");
        assertEquals("SIP/2.0", other.getSIPVersion(), "the RI's channel must not answer 505 itself");
        assertEquals(new VersionKeepingParserFactory.ForeignVersion("SIP/3.0"), other.getApplicationData());
        assertNull(((SIPRequest) parse("SIP/2.0", VIA, "")).getApplicationData());
    }

    @Test
    void anUnclosedViaCommentIsRefusedInsteadOfExhaustingMemory() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(ParseException.class,
                () -> parse("SIP/2.0", VIA + " (unclosed", "")));
        assertThrows(ParseException.class, () -> parse("SIP/2.0", VIA, "v: SIP/2.0/UDP 192.0.2.2 (closed)\r\n"));
    }

    @Test
    void aViaRportThatIsNoNumberIsRefused() {
        assertThrows(ParseException.class, () -> parse("SIP/2.0", VIA,
                "Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK2;rport=z9hG4bK\r\n"));
    }

    @Test
    void aRuntimeExceptionOfTheRiParserBecomesAParseException() {
        assertThrows(ParseException.class, () -> parse("SIP/2.0", VIA, "RSeq: -1\r\n"));
    }
}
