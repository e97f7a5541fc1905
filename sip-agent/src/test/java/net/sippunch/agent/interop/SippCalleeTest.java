package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against scripted peers: a callee that only rings (CANCEL path), and raw OPTIONS/unknown methods. */
class SippCalleeTest {

    @Test
    void unansweredCallIsCancelledAfterTheInviteTimeout(@TempDir Path dir) throws Exception {
        String sipp = ExternalTools.require("sipp", "sip-tester");
        Path scenario = Path.of("src", "test", "resources", "sipp", "uas-ring-no-answer.xml").toAbsolutePath();
        Process uas = new ProcessBuilder(List.of(sipp, "-sf", scenario.toString(), "-i", "127.0.0.1", "-p", "26050",
                "-mp", "26093", "-m", "1", "-timeout", "30", "-nostdin", "-trace_err",
                "-error_file", dir.resolve("sipp-errors.log").toString()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("sipp.out").toFile())
                .start();
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 26010, 26100, 26199, 440, 0, null,
                "timeouts: {invite: 2, shutdown: 3}\n"))) {
            CallReport r = alice.dial("sip:service@127.0.0.1:26050", new Call.Options(Duration.ofSeconds(5), null, null))
                    .done().get(30, TimeUnit.SECONDS);
            assertEquals("cancelled", r.outcome(), r.reason());
            assertEquals(487, r.sipStatus());
            assertEquals("no answer within 2 s: 487 Request Terminated", r.reason());
            assertTrue(r.timings().provisional() != null, "180 seen");
            assertNull(r.timings().answered());
            assertNull(r.media());
        } finally {
            assertTrue(uas.waitFor(30, TimeUnit.SECONDS), "sipp still running");
        }
        assertEquals(0, uas.exitValue(), "sipp saw the whole CANCEL sequence");
    }

    @Test
    void optionsIsAnsweredAndUnknownMethodsGet501() throws Exception {
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 26020, 26200, 26299, 440, 0, null, null));
             DatagramSocket s = new DatagramSocket(26031, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(10_000);
            String options = exchange(s, "OPTIONS");
            assertTrue(options.startsWith("SIP/2.0 200 OK"), options);
            assertTrue(options.contains("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS"), options);
            String message = exchange(s, "MESSAGE");
            assertTrue(message.startsWith("SIP/2.0 501"), message);
            assertEquals(0, bob.activeCalls());
        }
    }

    private static String exchange(DatagramSocket s, String method) throws IOException {
        String request = method + " sip:bob@127.0.0.1:26020 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:26031;branch=z9hG4bK-" + method + "-1;rport\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=p1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + method + "-probe@127.0.0.1\r\n"
                + "CSeq: 1 " + method + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), 26020));
        while (true) {
            DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
            s.receive(reply);
            String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
            if (!text.startsWith("SIP/2.0 100")) {
                return text;
            }
        }
    }
}
