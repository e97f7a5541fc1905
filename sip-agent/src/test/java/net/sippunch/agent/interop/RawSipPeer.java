package net.sippunch.agent.interop;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Response;

/**
 * SIP by hand: a bare UDP socket on 127.0.0.1 that writes requests to an agent and reads its answers, so a
 * test sees exactly what the agent sends. Requests come from carol at this socket to bob at the agent.
 */
final class RawSipPeer implements AutoCloseable {

    /** An offer of PCMU toward a port nobody listens on, with rtcp-mux. */
    static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 42990 RTP/AVP 0\r\na=rtcp-mux\r\n";

    private final DatagramSocket socket;
    private final int port;
    private final int agentPort;

    RawSipPeer(int port, int agentPort) throws Exception {
        this.port = port;
        this.agentPort = agentPort;
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        socket.setSoTimeout(10_000);
    }

    String headers(String method, String callId, String branch, String toTag, int cseq) {
        return method + " sip:bob@127.0.0.1:" + agentPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:carol@127.0.0.1:" + port + ">;tag=carol-" + callId + "\r\n"
                + "To: <sip:bob@127.0.0.1:" + agentPort + ">" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "@127.0.0.1\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n";
    }

    /** An INVITE with {@link #SDP}. */
    String invite(String callId) {
        return invite(callId, SDP);
    }

    /** An INVITE with the given SDP offer. */
    String invite(String callId, String sdp) {
        return headers("INVITE", callId, callId, null, 1)
                + "Contact: <sip:carol@127.0.0.1:" + port + ">\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    String cancel(String callId) {
        return headers("CANCEL", callId, callId, null, 1) + "Content-Length: 0\r\n\r\n";
    }

    String ack(String callId, String toTag) {
        return headers("ACK", callId, callId, toTag, 1) + "Content-Length: 0\r\n\r\n";
    }

    String options(String callId) {
        return headers("OPTIONS", callId, callId, null, 1) + "Content-Length: 0\r\n\r\n";
    }

    void send(String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), agentPort));
    }

    Response receiveResponse(String method) throws Exception {
        return receiveResponse(method, new ArrayList<>());
    }

    /** The next response to {@code method} other than 100 Trying; everything received before it goes to {@code seen}. */
    Response receiveResponse(String method, List<String> seen) throws Exception {
        return RawSip.nextResponse(socket, r -> method.equals(((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod())
                && r.getStatusCode() != Response.TRYING, seen::add);
    }

    /** The final response to the INVITE of call {@code callId} (provisional ones and other calls' passed over). */
    Response finalResponse(String callId) throws Exception {
        Response r = receiveResponse("INVITE");
        while (r.getStatusCode() < 200 || !((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId()
                .startsWith(callId + "@")) {
            r = receiveResponse("INVITE");
        }
        return r;
    }

    /** The next {@code n} final responses (to any method), retransmissions of one already seen skipped. */
    List<Response> receiveFinals(int n) throws Exception {
        List<Response> finals = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        while (finals.size() < n) {
            Response r = RawSip.nextResponse(socket, response -> response.getStatusCode() >= 200, text -> { });
            String key = r.getStatusCode() + " " + ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod();
            if (!seen.contains(key)) {
                seen.add(key);
                finals.add(r);
            }
        }
        return finals;
    }

    /** The bare socket, for a test that reads answers on a thread of its own. */
    DatagramSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        socket.close();
    }
}
