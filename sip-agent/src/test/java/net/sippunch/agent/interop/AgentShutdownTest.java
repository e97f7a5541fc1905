package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent stopped while a call is up and the peer never answers the BYE still ends the call within its
 * shutdown bound and writes the call's report, saying why.
 */
class AgentShutdownTest {

    private static final int BOB = 43510;
    private static final int RAW = 43520;

    @Test
    void aCallWhoseByeIsNeverAnsweredIsStillReported(@TempDir Path dir) throws Exception {
        Path reports = dir.resolve("reports");
        LinkedBlockingQueue<CallReport> ended = new LinkedBlockingQueue<>();
        try (RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
            UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 43540, 43559, 1000, 0, null,
                    "report: {dir: " + reports + "}\n"));
            bob.onCallEnded(ended::add);
            raw.send(raw.invite("shutdown"));
            Response ok = raw.receiveResponse("INVITE");
            assertEquals(Response.OK, ok.getStatusCode());
            raw.send(raw.ack("shutdown", ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag()));

            bob.close(); // sends the BYE, which nobody answers

            CallReport report = ended.poll(1, TimeUnit.SECONDS);
            assertNotNull(report, "the call ended before close() returned");
            assertEquals("completed", report.outcome(), report.toJson());
            assertTrue(report.reason().contains("agent shutting down"), report.reason());
            try (var files = Files.list(reports)) {
                assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("callee-")).count(),
                        "the report file was written");
            }
        }
    }
}
