package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the agent answers requests it cannot accept, seen from a bare UDP socket speaking SIP by hand: a CSeq
 * out of range gets 400, another SIP version 505, and a 488 says why in a {@code Warning: 399} header.
 */
class MalformedRequestTest {

    private static final int BOB = 42520;
    private static final int RAW = 42530;

    private static String request(String method, String version, String callId, String cseq) {
        return method + " sip:bob@127.0.0.1:" + BOB + " " + version + "\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + RAW + ";branch=z9hG4bK-" + callId + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:carol@127.0.0.1:" + RAW + ">;tag=carol-" + callId + "\r\n"
                + "To: <sip:bob@127.0.0.1:" + BOB + ">\r\n"
                + "Call-ID: " + callId + "@127.0.0.1\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:carol@127.0.0.1:" + RAW + ">\r\n";
    }

    private static String withoutBody(String headers) {
        return headers + "Content-Length: 0\r\n\r\n";
    }

    private static String withSdp(String headers, String payloadTypes) {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 42990 RTP/AVP " + payloadTypes + "\r\n";
        return headers + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    @Test
    void aCSeqOf2To31IsABadRequest() throws Exception {
        try (UserAgent bob = bob(); DatagramSocket raw = rawSocket()) {
            send(raw, withoutBody(request("OPTIONS", "SIP/2.0", "cseq-options", "2147483648")));
            assertStatus(400, finalResponse(raw));
            send(raw, withSdp(request("INVITE", "SIP/2.0", "cseq-invite", "2147483648"), "0"));
            assertStatus(400, finalResponse(raw));
            assertEquals(0, bob.activeCalls());
            // the largest valid CSeq still works
            send(raw, withoutBody(request("OPTIONS", "SIP/2.0", "cseq-max", "2147483647")));
            assertStatus(200, finalResponse(raw));
        }
    }

    @Test
    void anotherSipVersionIsNotSupported() throws Exception {
        try (UserAgent bob = bob(); DatagramSocket raw = rawSocket()) {
            send(raw, withoutBody(request("OPTIONS", "SIP/3.0", "version-options", "1")));
            assertStatus(505, finalResponse(raw));
        }
    }

    @Test
    void anAckFailingTheseChecksIsDroppedWithoutAnAnswer() throws Exception {
        try (UserAgent bob = bob(); DatagramSocket raw = rawSocket()) {
            send(raw, withoutBody(request("ACK", "SIP/2.0", "cseq-ack", "2147483648")));
            send(raw, withoutBody(request("ACK", "SIP/3.0", "version-ack", "1")));
            send(raw, withoutBody(request("OPTIONS", "SIP/2.0", "after-acks", "1")));
            String answer = finalResponse(raw);
            assertStatus(200, answer);
            assertTrue(answer.contains("after-acks@127.0.0.1"), answer);
            // nothing else comes: an ACK is never answered (RFC 3261 section 17.2.3), not even a broken one
            raw.setSoTimeout(1000);
            assertThrows(SocketTimeoutException.class, () -> finalResponse(raw));
        }
    }

    @ParameterizedTest(name = "{0} CSeq {1}: {2}")
    @CsvSource({"SIP/2.0, 2147483648, 400", "SIP/3.0, 1, 505"})
    void refusalsCarryAToTag(String version, String cseq, int status) throws Exception {
        try (UserAgent bob = bob(); DatagramSocket raw = rawSocket()) {
            send(raw, withSdp(request("INVITE", version, "tag-" + status, cseq), "0"));
            String refusal = finalResponse(raw);
            assertStatus(status, refusal);
            assertTrue(header(refusal, "To").contains(";tag="), refusal);
        }
    }

    @Test
    void a488SaysWhyInAWarning() throws Exception {
        try (UserAgent bob = bob(); DatagramSocket raw = rawSocket()) {
            send(raw, withSdp(request("INVITE", "SIP/2.0", "g729-only", "1"), "18"));
            String response = finalResponse(raw);
            assertStatus(488, response);
            String warning = header(response, "Warning");
            assertNotNull(warning, response);
            assertTrue(warning.matches("399 127\\.0\\.0\\.1 \"offer not acceptable: no common codec[^\"]*\""), warning);
        }
    }

    @Test
    void aPolicys488SaysWhyAndAReInviteOutsideACallGets481() throws Exception {
        try (UserAgent bob = bob("policy:\n  action: refuse\n  status: 488\n"); DatagramSocket raw = rawSocket()) {
            send(raw, withSdp(request("INVITE", "SIP/2.0", "policy-488", "1"), "0"));
            String response = finalResponse(raw);
            assertStatus(488, response);
            assertEquals("399 127.0.0.1 \"refused by policy\"", header(response, "Warning"), response);

            String reInvite = request("INVITE", "SIP/2.0", "re-invite", "2")
                    .replace("To: <sip:bob@127.0.0.1:" + BOB + ">", "To: <sip:bob@127.0.0.1:" + BOB + ">;tag=bob-1");
            send(raw, withSdp(reInvite, "0"));
            response = finalResponse(raw);
            assertStatus(481, response); // no such call: a re-INVITE in a dialog that does not exist
        }
    }

    // ------------------------------------------------------------ SIP by hand

    private static UserAgent bob() throws Exception {
        return bob(null);
    }

    private static UserAgent bob(String extraConfig) throws Exception {
        return UserAgent.start(TestAgents.config("bob", null, BOB, 42600, 42699, 1000, 0, null, extraConfig));
    }

    private static DatagramSocket rawSocket() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), RAW));
        s.setSoTimeout(5_000);
        return s;
    }

    private static void send(DatagramSocket socket, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), BOB));
    }

    /** The next response other than a provisional one, as text (a timeout when nothing comes). */
    private static String finalResponse(DatagramSocket socket) throws Exception {
        byte[] buffer = new byte[8192];
        while (true) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            socket.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (text.startsWith("SIP/2.0 ") && text.charAt(8) != '1') {
                return text;
            }
        }
    }

    private static void assertStatus(int status, String response) {
        assertTrue(response.startsWith("SIP/2.0 " + status + " "), response);
    }

    /** The value of the first header named {@code name}, or null. */
    private static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }
}
