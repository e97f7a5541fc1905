package net.sippunch.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import javax.sip.SipFactory;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.api.Test;

/**
 * The "embed it in your JAIN-SIP app" example of docs/sdp-extension.md, run for real: an INVITE
 * with the offer, the callee reading it, a 200 OK with the answer, the caller reading that.
 */
class EmbeddingExampleTest {

    @Test
    void inviteAndOkCarryTheExtensionThroughJainSipMessages() throws Exception {
        SipFactory sip = SipFactory.getInstance();
        sip.setPathName("gov.nist");
        MessageFactory messages = sip.createMessageFactory();
        HeaderFactory headers = sip.createHeaderFactory();
        AddressFactory addresses = sip.createAddressFactory();
        SdpFactory sdp = SdpFactory.getInstance();

        // --- caller: discovery has produced a NatProfile for the media port 10.0.0.5:5004
        NatProfile callerNat = new NatProfile(SdpSamples.tuple("10.0.0.5", 5004),
                List.of(new MappedTuple(SdpSamples.tuple("198.51.100.1", 3478), SdpSamples.tuple("203.0.113.7", 40001), 0L),
                        new MappedTuple(SdpSamples.tuple("198.51.100.2", 3478), SdpSamples.tuple("203.0.113.7", 40002),
                                38_000_000L)),
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, NatType.SYMMETRIC_SEQUENTIAL);
        IceCredentials callerCredentials = IceCredentials.random(new SplittableRandom(1));

        // [example:offer]
        SessionDescription offer = sdp.createSessionDescription(
                "v=0\r\no=- 1 1 IN IP4 203.0.113.7\r\ns=-\r\nc=IN IP4 203.0.113.7\r\nt=0 0\r\n"
                + "m=audio 40001 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
        PunchAttributes mine = OfferAnswer.attributes(callerNat, Optional.empty());
        OfferAnswer.writeOffer(offer, mine, callerCredentials);

        Request invite = newInvite(messages, headers, addresses);
        ContentTypeHeader applicationSdp = headers.createContentTypeHeader("application", "sdp");
        invite.setContent(offer.toString(), applicationSdp);
        // sipProvider.getNewClientTransaction(invite).sendRequest();
        // [end]

        // --- callee: the INVITE arrives (processRequest); it reads the offer
        Request received = (Request) messages.createRequest(invite.toString());
        // [example:answer]
        String offerText = new String(received.getRawContent(), StandardCharsets.UTF_8);
        SdpReading reading = OfferAnswer.readOffer(offerText);
        Response ok = messages.createResponse(Response.OK, received);
        SessionDescription answer = sdp.createSessionDescription(
                "v=0\r\no=- 2 2 IN IP4 198.51.100.50\r\ns=-\r\nc=IN IP4 198.51.100.50\r\nt=0 0\r\n"
                + "m=audio 7078 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
        if (reading instanceof SdpReading.Extended e) {
            PeerExtension caller = e.peer();   // hand caller.natProfile(now) and caller.credentials() to the punch engine
            PunchAttributes own = OfferAnswer.attributes(calleeNat(), Optional.empty());
            OfferAnswer.writeAnswer(answer, own, calleeCredentials(), caller.attributes().version());
        } else if (reading instanceof SdpReading.Invalid bad) {
            // serverTransaction.sendResponse(messages.createResponse(488, received)) with bad.message() in a Warning
        }                                      // Plain: a plain UA; RTP to mediaTarget(), a plain answer
        ok.setContent(answer.toString(), applicationSdp);
        // [end]
        assertInstanceOf(SdpReading.Extended.class, reading);

        // --- caller: the 200 OK arrives (processResponse)
        Response okReceived = (Response) messages.createResponse(ok.toString());
        SdpReading answerReading = OfferAnswer.readAnswer(
                new String(okReceived.getRawContent(), StandardCharsets.UTF_8), mine.version());
        PeerExtension callee = assertInstanceOf(SdpReading.Extended.class, answerReading).peer();
        assertEquals(calleeCredentials(), callee.credentials());
        assertEquals(new InetSocketAddress(SdpSamples.tuple("198.51.100.50", 7078).getAddress(), 7078), callee.mediaTarget());
        assertEquals(NatType.PORT_RESTRICTED_CONE, callee.natProfile(0).type());
    }

    private static NatProfile calleeNat() {
        return new NatProfile(SdpSamples.tuple("192.168.1.9", 7078),
                List.of(new MappedTuple(SdpSamples.tuple("198.51.100.1", 3478), SdpSamples.tuple("198.51.100.50", 7078), 0L)),
                MappingBehavior.ENDPOINT_INDEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.PRESERVING, NatType.PORT_RESTRICTED_CONE);
    }

    private static IceCredentials calleeCredentials() {
        return new IceCredentials("CalleeUf", "CalleePasswordIs24Chars+");
    }

    private static Request newInvite(MessageFactory messages, HeaderFactory headers, AddressFactory addresses)
            throws Exception {
        SipURI to = addresses.createSipURI("bob", "example.org");
        Address from = addresses.createAddress(addresses.createSipURI("alice", "example.org"));
        FromHeader fromHeader = headers.createFromHeader(from, "f1");
        ToHeader toHeader = headers.createToHeader(addresses.createAddress(to), null);
        CallIdHeader callId = headers.createCallIdHeader("c1@example.org");
        CSeqHeader cseq = headers.createCSeqHeader(1L, Request.INVITE);
        ViaHeader via = headers.createViaHeader("192.0.2.10", 5060, "udp", "z9hG4bK1");
        MaxForwardsHeader maxForwards = headers.createMaxForwardsHeader(70);
        return messages.createRequest(to, Request.INVITE, callId, cseq, fromHeader, toHeader, List.of(via), maxForwards);
    }
}
