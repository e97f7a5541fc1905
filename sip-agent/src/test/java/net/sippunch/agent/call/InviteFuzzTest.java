package net.sippunch.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.List;
import java.util.Set;
import javax.sip.InvalidArgumentException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.WarningHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.ConfigException;
import net.sippunch.agent.config.ConfigLoader;
import net.sippunch.agent.media.Codec;
import net.sippunch.agent.media.MediaPath;
import net.sippunch.agent.media.PlainRtpNegotiation;
import net.sippunch.agent.media.PlainSdp;
import net.sippunch.agent.media.PunchNegotiation;
import net.sippunch.agent.media.SdpProblem;
import net.sippunch.agent.sip.Refusal;
import net.sippunch.agent.sip.SipEndpoint;
import net.sippunch.agent.sip.VersionKeepingParserFactory;
import net.sippunch.traversal.IpLiteral;

/**
 * Any datagram as a SIP request to the agent, without a stack: the agent's parser, the UDP channel's
 * handling of bad headers and missing required headers, then the agent's own decision in its order
 * ({@code SipEndpoint.processRequest}: 505/400; {@code UserAgent.onInvite}: 403 for a source other than the
 * proxy, 481 for a re-INVITE outside a call; {@code IncomingCall.onInvite}: the policy, then the SDP answer: 488 or
 * 200), in plain mode and, for the SDP, in NAT traversal mode up to discovery. Nothing but a
 * {@link ParseException} or {@link SdpProblem} may come out of it, and every decision must give a response
 * the RI can build.
 */
class InviteFuzzTest {

    private static final AgentConfig CONFIG = config("""
            account: {user: bob, domain: example.org, proxy: "192.0.2.1:5060"}
            policy:
              action: accept
              rules: [{caller: "sip:*@blocked.example.org", action: refuse, status: 486}]
            """);
    private static final InetAddress PROXY = ip("192.0.2.1");
    private static final InetAddress STRANGER = ip("198.51.100.66");
    private static final List<Codec> CODECS = List.of(Codec.PCMU, Codec.PCMA);
    /** The headers without which the RI's UDP channel drops a message rather than parse on. */
    private static final Set<Class<?>> ESSENTIAL = Set.of(From.class, To.class, CSeq.class, Via.class,
            CallID.class, ContentLength.class, RequestLine.class, StatusLine.class);

    private static final MessageParser PARSER = new VersionKeepingParserFactory().createMessageParser(null);
    private static final MessageFactoryImpl MESSAGES = new MessageFactoryImpl();
    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    private static final InviteSources SOURCES = InviteSources.of(CONFIG);
    private static final CallPolicy POLICY = new CallPolicy(CONFIG.policy());

    @FuzzTest
    void rawRequestsGetADecision(byte[] datagram) throws ParseException {
        SIPMessage message;
        try {
            message = PARSER.parseSIPMessage(datagram, true, false, ESSENTIAL_ONLY);
        } catch (ParseException e) {
            return; // dropped by the stack
        }
        if (!(message instanceof Request request) || message.getFrom() == null || message.getTo() == null
                || message.getCallId() == null || message.getCSeq() == null || message.getViaHeaders() == null) {
            return; // a response, or dropped by the UDP channel for a missing required header
        }
        Refusal refusal = Refusal.of(request);
        if (refusal != null) {
            assertTrue(refusal.status() == Response.VERSION_NOT_SUPPORTED || refusal.status() == Response.BAD_REQUEST);
            respond(request, refusal.status(), refusal.why());
            return;
        }
        if (!Request.INVITE.equals(request.getMethod())) {
            return; // other methods have their own handlers
        }
        assertFalse(SOURCES.admits(STRANGER, 5060), "an INVITE from beside the proxy is answered");
        respond(request, Response.FORBIDDEN, null);
        assertTrue(SOURCES.admits(PROXY, 5060));
        if (((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null) {
            respond(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null); // no call exists here
            return;
        }
        assertNotNull(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        String from = ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
        CallPolicy.Decision decision = POLICY.decide(from);
        if (!decision.accept()) {
            assertEquals(486, decision.status());
            respond(request, decision.status(), null);
            return;
        }
        String body = Call.body(request);
        String offer = body == null || body.isBlank() ? null : body;
        plainAnswer(request, offer);
        if (offer != null) {
            punchReading(offer);
        }
    }

    /** Plain mode's answer: a 200 with one codec of the offer's, on a usable path; or a 488. */
    private static void plainAnswer(Request request, String offer) throws ParseException {
        PlainRtpNegotiation plain = new PlainRtpNegotiation("192.0.2.10", 40000, CODECS, 7);
        SdpPreparation.Outcome outcome = SdpPreparation.prepare(plain, offer);
        if (outcome instanceof SdpPreparation.Outcome.Failed failed) {
            fail("the answer failed with " + failed.error() + " (a 500)", failed.error());
        } else if (outcome instanceof SdpPreparation.Outcome.Unacceptable u) {
            assertNotNull(u.problem().getMessage());
            respond(request, Response.NOT_ACCEPTABLE_HERE, "offer not acceptable: " + u.problem().getMessage());
        } else {
            String answer = assertInstanceOf(SdpPreparation.Outcome.Ready.class, outcome).sdp();
            respond(request, Response.OK, null).setContent(answer, HEADERS.createContentTypeHeader("application", "sdp"));
            if (offer == null) {
                return; // our offer in the 200; the ACK carries the answer
            }
            PlainSdp ours = parse(answer);
            PlainSdp theirs = parse(offer);
            assertNotNull(IpLiteral.parse(theirs.address()), () -> "accepted c= " + theirs.address());
            assertEquals(1, ours.payloadTypes().size());
            assertTrue(theirs.payloadTypes().contains(ours.payloadTypes().get(0)));
            MediaPath path = plain.start().join();
            InetSocketAddress target = path.remote();
            assertFalse(target.isUnresolved(), () -> "RTP toward an unresolved " + target);
            assertTrue(target.getPort() > 0 && !target.getAddress().isMulticastAddress(), () -> "RTP toward " + target);
        }
    }

    /** NAT traversal mode's reading of the offer, before its discovery: a decision or an SdpProblem. */
    private static void punchReading(String offer) {
        try {
            PunchNegotiation.Offer read = PunchNegotiation.readOffer(offer, CODECS);
            assertTrue(CODECS.contains(read.codec()));
            assertTrue(read.stream().payloadTypes().contains(read.codec().payloadType()));
            assertNotNull(read.reading());
        } catch (SdpProblem e) {
            assertNotNull(e.getMessage());
        }
    }

    /** The response the agent would send; building it must work for every request it decided on. */
    private static Response respond(Request request, int status, String warning) throws ParseException {
        Response response = MESSAGES.createResponse(status, request);
        assertEquals(status, response.getStatusCode());
        if (warning != null) {
            try {
                WarningHeader w = HEADERS.createWarningHeader("192.0.2.10", WarningHeader.MISCELLANEOUS_WARNING,
                        SipEndpoint.warnText(warning));
                response.addHeader(w);
            } catch (InvalidArgumentException e) {
                throw new IllegalStateException(e);
            }
        }
        assertNotNull(response.toString());
        return response;
    }

    private static PlainSdp parse(String sdp) {
        try {
            return PlainSdp.parse(sdp);
        } catch (SdpProblem e) {
            throw new AssertionError("SDP that was accepted or sent does not parse again: " + e.getMessage(), e);
        }
    }

    /**
     * As the RI's UDP channel: a bad essential header drops the message, any other (also one the parser could
     * not name: null) is kept unparsed.
     */
    private static final ParseExceptionListener ESSENTIAL_ONLY = (e, message, header, headerText, messageText) -> {
        if (header != null && ESSENTIAL.contains(header)) {
            throw e;
        }
        message.addUnparsed(headerText);
    };

    private static AgentConfig config(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "fuzz");
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
