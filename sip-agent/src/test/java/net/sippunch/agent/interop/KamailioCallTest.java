package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents registered at a real Kamailio (registrar, record-routing proxy, digest auth) on loopback call
 * each other; the recordings must hold the tone the other side played.
 */
class KamailioCallTest {

    static final int PROXY = 26060;
    static final Map<String, String> PASSWORDS = Map.of("alice", "alice-pw", "bob", "bob-pw");

    @Test
    void callThroughKamailioWithDigestAuthCarriesRtpBothWays(@TempDir Path dir) throws Exception {
        Path bobRecordings = Files.createDirectories(dir.resolve("bob"));
        try (Kamailio kamailio = Kamailio.start(dir, PROXY, PASSWORDS);
             UserAgent alice = UserAgent.start(
                     TestAgents.config("alice", "alice-pw", 26010, 26100, 26199, 440, PROXY, null, null));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 26020, 26200, 26299, 1000, PROXY,
                     bobRecordings, "report: {dir: " + dir.resolve("reports") + "}\n"))) {
            assertEquals(300, alice.register().get(10, TimeUnit.SECONDS));
            assertEquals(300, bob.register().get(10, TimeUnit.SECONDS));
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);

            Path heard = dir.resolve("alice-heard.wav");
            // longer than the challenged first INVITE's dialog lives in the stack (about 8 s): its end must not
            // end the call
            Call call = alice.dial("sip:bob@" + TestAgents.DOMAIN, new Call.Options(Duration.ofSeconds(12), null, heard));
            CallReport caller = call.done().get(40, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);

            assertEquals("completed", caller.outcome(), caller.reason() + "\n" + kamailio.log());
            assertEquals("duration reached", caller.reason(), caller.toJson());
            assertTrue(caller.timings().ended() - caller.timings().answered() >= 12_000, caller.toJson());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertEquals(0, caller.media().rtpLost());
            assertTrue(caller.media().rtcpReceived() > 0, "RTCP from the callee: " + caller.toJson());
            assertEquals("completed", callee.outcome(), callee.reason());
            assertTrue(callee.mediaBothWays(), callee.toJson());
            assertEquals("sip:alice@" + TestAgents.DOMAIN, callee.from());
            // Kamailio challenged the INVITE (407) and relayed the retry; the log shows both requests
            String log = kamailio.log();
            assertTrue(log.contains("{1 1 INVITE") && log.contains("{1 2 INVITE"), log);

            ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(bobRecordings, "in-")), 440, 1000);
            try (var reports = Files.list(dir.resolve("reports"))) {
                String json = Files.readString(reports.findFirst().orElseThrow());
                assertTrue(json.contains("\"callId\" : \"" + caller.callId() + "\""), json);
                assertTrue(json.contains("\"localProfile\" : null"), json);
            }
        }
    }

    @Test
    void policyRefusalWrongPasswordAndUnregisterAreVisibleToTheCaller(@TempDir Path dir) throws Exception {
        String refuseAlice = "policy:\n  rules:\n    - {caller: \"sip:alice@*\", action: refuse, status: 486}\n";
        try (Kamailio kamailio = Kamailio.start(dir, PROXY, PASSWORDS);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 26020, 26200, 26299, 1000, PROXY,
                     null, refuseAlice))) {
            bob.register().get(10, TimeUnit.SECONDS);
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);

            try (UserAgent mallory = UserAgent.start(
                    TestAgents.config("alice", "wrong", 26010, 26100, 26199, 440, PROXY, null, null))) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> mallory.register().get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("401"), e.getCause().getMessage());
            }

            UserAgent alice = UserAgent.start(
                    TestAgents.config("alice", "alice-pw", 26010, 26100, 26199, 440, PROXY, null, null));
            try {
                alice.register().get(10, TimeUnit.SECONDS);
                CallReport refused = alice.dial("sip:bob@" + TestAgents.DOMAIN,
                        new Call.Options(Duration.ofSeconds(1), null, null)).done().get(30, TimeUnit.SECONDS);
                assertEquals("rejected", refused.outcome());
                assertEquals(486, refused.sipStatus());
                assertNull(refused.media());
                CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
                assertEquals("refused", callee.outcome());
                assertEquals(486, callee.sipStatus());
            } finally {
                alice.close(); // un-REGISTER
            }
            CallReport noOne = bob.dial("sip:alice@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(1), null, null)).done().get(30, TimeUnit.SECONDS);
            assertEquals("rejected", noOne.outcome(), noOne.reason() + "\n" + kamailio.log());
            assertEquals(404, noOne.sipStatus(), noOne.reason());
        }
    }
}
