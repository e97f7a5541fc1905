package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two agents in one JVM call each other directly on loopback (no proxy): plain SDP, RTP both ways. */
class AgentLoopbackTest {

    @Test
    void directCallCarriesEachSidesToneBothWays(@TempDir Path dir) throws Exception {
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 26010, 26100, 26199, 440, 0, null, null));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, 26020, 26200, 26299, 1000, 0, dir, null))) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            Path heard = dir.resolve("alice-heard.wav");
            Call call = alice.dial("sip:bob@127.0.0.1:26020", new Call.Options(Duration.ofSeconds(2), null, heard));
            CallReport caller = call.done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);

            assertEquals("completed", caller.outcome(), caller.reason());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertEquals("PCMU", caller.codec());
            assertEquals(200, caller.sipStatus());
            assertEquals(200, callee.sipStatus());
            assertEquals("plain", caller.traversal().mode());
            assertEquals("completed", callee.outcome(), callee.reason());
            assertEquals("BYE from the peer", callee.reason());
            assertTrue(callee.mediaBothWays(), callee.toJson());
            assertEquals(caller.callId(), callee.callId());
            AgentTraversalLoopbackTest.assertSpansPlausible(caller, true);
            AgentTraversalLoopbackTest.assertSpansPlausible(callee, false);

            ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
            ToneCheck.assertTone(WavFile.read(onlyWav(dir, "in-")), 440, 1000);
        }
    }

    static Path onlyWav(Path dir, String prefix) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            var found = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".wav")).toList();
            assertEquals(1, found.size(), "recordings " + found);
            return found.get(0);
        }
    }
}
