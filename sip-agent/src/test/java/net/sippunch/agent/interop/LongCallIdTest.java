package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer picks the Call-ID, and the agent names a call's report and recording after it: a 10,000-character
 * Call-ID full of {@code ../} still gets its call answered, reported and recorded, under short names that stay
 * inside their directories.
 */
class LongCallIdTest {

    private static final int BOB = 43510;
    private static final int RAW = 43520;
    private static final int MEDIA = 43990;
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio " + MEDIA + " RTP/AVP 0\r\na=rtcp-mux\r\n";

    @Test
    void aTenThousandCharacterCallIdIsAnsweredReportedAndRecordedUnderBoundedNames(@TempDir Path tmp) throws Exception {
        Path reports = Files.createDirectories(tmp.resolve("reports"));
        Path recordings = Files.createDirectories(tmp.resolve("recordings"));
        String callId = "../".repeat(3333) + "x";
        assertEquals(10_000, callId.length());
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 43600, 43699, 1000, 0, recordings,
                "report:\n  dir: " + reports + "\n"));
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), RAW));
             DatagramSocket media = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), MEDIA))) {
            raw.setSoTimeout(10_000);
            media.setSoTimeout(10_000);
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);

            send(raw, headers("INVITE", callId, "long-invite", null, 1)
                    + "Contact: <sip:carol@127.0.0.1:" + RAW + ">\r\n"
                    + "Content-Type: application/sdp\r\n"
                    + "Content-Length: " + SDP.length() + "\r\n\r\n" + SDP);
            Response ok = finalResponse(raw, "INVITE");
            assertEquals(Response.OK, ok.getStatusCode());
            String tag = ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag();
            send(raw, headers("ACK", callId, "long-ack", tag, 1) + "Content-Length: 0\r\n\r\n");
            media.receive(new DatagramPacket(new byte[1500], 1500)); // bob's media runs: there is a recording
            send(raw, headers("BYE", callId, "long-bye", tag, 2) + "Content-Length: 0\r\n\r\n");
            assertEquals(Response.OK, finalResponse(raw, "BYE").getStatusCode());

            CallReport report = bobsCalls.poll(15, TimeUnit.SECONDS);
            assertNotNull(report, "bob's report");
            assertEquals("completed", report.outcome(), report.toJson());
            assertEquals(callId, report.callId(), "the report keeps the whole Call-ID");
        }
        List<Path> reportFiles = files(reports);
        List<Path> recordingFiles = files(recordings);
        assertEquals(1, reportFiles.size(), "one report: " + reportFiles);
        assertEquals(1, recordingFiles.size(), "one recording: " + recordingFiles);
        for (Path p : List.of(reportFiles.get(0), recordingFiles.get(0))) {
            String name = p.getFileName().toString();
            assertTrue(name.length() <= 160, "bounded: " + name.length() + " " + name);
            assertFalse(name.contains(".."), name);
        }
        assertTrue(Files.readString(reportFiles.get(0)).contains(callId), "the report holds the whole Call-ID");
        assertTrue(recordingFiles.get(0).getFileName().toString().startsWith("in-"));
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static String headers(String method, String callId, String branch, String toTag, int cseq) {
        return method + " sip:bob@127.0.0.1:" + BOB + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + RAW + ";branch=z9hG4bK-" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:carol@127.0.0.1:" + RAW + ">;tag=carol-long\r\n"
                + "To: <sip:bob@127.0.0.1:" + BOB + ">" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n";
    }

    private static void send(DatagramSocket socket, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), BOB));
    }

    /** The next final response to {@code method}; provisional ones and requests are skipped. */
    private static Response finalResponse(DatagramSocket socket, String method) throws Exception {
        return RawSip.nextResponse(socket, r -> method.equals(((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod())
                && r.getStatusCode() >= 200, text -> { });
    }
}
