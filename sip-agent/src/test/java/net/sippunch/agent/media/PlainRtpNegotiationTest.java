package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainRtpNegotiationTest {

    static final String BARESIP_OFFER = "v=0\r\n"
            + "o=- 1493 1 IN IP4 192.0.2.7\r\n"
            + "s=-\r\n"
            + "c=IN IP4 192.0.2.7\r\n"
            + "t=0 0\r\n"
            + "m=audio 10042 RTP/AVP 8 0 101\r\n"
            + "a=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
            + "a=x-foo:bar\r\n"
            + "a=sendrecv\r\n";

    @Test
    void offerHasTheStandardLines() throws Exception {
        String offer = new PlainRtpNegotiation("198.51.100.4", 40002, List.of(Codec.PCMU, Codec.PCMA), 7).offer();
        assertTrue(offer.contains("c=IN IP4 198.51.100.4\r\n"), offer);
        assertTrue(offer.contains("m=audio 40002 RTP/AVP 0 8\r\n"), offer);
        assertTrue(offer.contains("a=rtcp-mux\r\n"), offer);
        assertTrue(offer.contains("a=ptime:20\r\n"), offer);
        PlainSdp parsed = PlainSdp.parse(offer);
        assertEquals(new PlainSdp("198.51.100.4", 40002, List.of(0, 8), true, 20), parsed);
    }

    @Test
    void answerPicksOurPreferredCodecAmongTheOffered() throws Exception {
        PlainRtpNegotiation callee = new PlainRtpNegotiation("198.51.100.9", 40010, List.of(Codec.PCMU, Codec.PCMA), 1);
        String answer = callee.answer(BARESIP_OFFER);
        assertTrue(answer.contains("m=audio 40010 RTP/AVP 0\r\n"), answer);
        assertFalse(answer.contains("rtcp-mux"), "no rtcp-mux unless offered: " + answer);
        MediaPath path = callee.start().join();
        assertEquals(new InetSocketAddress("192.0.2.7", 10042), path.remote());
        assertEquals(Codec.PCMU, path.codec());
        assertFalse(path.rtcpMux());
        assertEquals("plain", callee.summary().mode());
    }

    @Test
    void offerAnswerBetweenTwoAgents() throws Exception {
        PlainRtpNegotiation caller = new PlainRtpNegotiation("192.0.2.1", 40000, List.of(Codec.PCMA, Codec.PCMU), 1);
        PlainRtpNegotiation callee = new PlainRtpNegotiation("192.0.2.2", 40100, List.of(Codec.PCMU, Codec.PCMA), 2);
        caller.acceptAnswer(callee.answer(caller.offer()));
        MediaPath toCallee = caller.start().join();
        MediaPath toCaller = callee.start().join();
        assertEquals(new InetSocketAddress("192.0.2.2", 40100), toCallee.remote());
        assertEquals(new InetSocketAddress("192.0.2.1", 40000), toCaller.remote());
        assertEquals(Codec.PCMU, toCallee.codec(), "the callee's preference among the offered");
        assertTrue(toCallee.rtcpMux() && toCaller.rtcpMux());
    }

    @Test
    void unusableSdpGivesAReasonNeverAnotherException() {
        PlainRtpNegotiation n = new PlainRtpNegotiation("192.0.2.1", 40000, List.of(Codec.PCMU), 1);
        assertEquals("no common codec: offer has payload types [8], we speak [PCMU]", assertThrows(SdpProblem.class,
                () -> n.answer(BARESIP_OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 8"))).getMessage());
        assertThrows(SdpProblem.class, () -> n.answer(""));
        assertThrows(SdpProblem.class, () -> n.answer("v=0\r\nc=IN IP4 192.0.2.1\r\nm=video 1 RTP/AVP 96\r\n"));
        assertThrows(SdpProblem.class, () -> n.answer("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"));
        assertThrows(SdpProblem.class, () -> n.answer("v=0\r\nc=IN IP4 example.org\r\nm=audio 1000 RTP/AVP 0\r\n"));
        assertThrows(SdpProblem.class, () -> n.answer("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 99999 RTP/AVP 0\r\n"));
        assertThrows(SdpProblem.class, () -> n.answer("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 1000 RTP/AVP x\r\n"));
        assertThrows(SdpProblem.class, () -> n.answer("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 0 RTP/AVP 0\r\n"));
        assertThrows(SdpProblem.class, () -> n.answer("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 5 RTP/SAVP 0\r\n"));
        assertThrows(SdpProblem.class, () -> n.answer("x".repeat(70_000)));
        assertTrue(new PlainRtpNegotiation("192.0.2.1", 1, List.of(Codec.PCMU), 1).start().isCompletedExceptionally(),
                "start before offer/answer");
    }
}
