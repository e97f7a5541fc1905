package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent and baresip (a plain softphone, no traversal extension) call each other through Kamailio
 * in both directions; each side must hear the other's tone.
 */
class BaresipCallTest {

    static final Map<String, String> PASSWORDS = new HashMap<>(KamailioCallTest.PASSWORDS);

    static {
        PASSWORDS.put("carol", "carol-pw");
    }

    @Test
    void agentCallsBaresip(@TempDir Path dir) throws Exception {
        ExternalTools.require("baresip", "baresip");
        Path wav = dir.resolve("baresip-1000hz.wav");
        WavFile.write(wav, WavFile.tone(1000, 20, 0.3));
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, PASSWORDS);
             Baresip carol = Baresip.start(dir, "carol", TestAgents.DOMAIN, "carol-pw", KamailioCallTest.PROXY,
                     26040, 26045, 26400, 26499, wav);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 26010, 26100, 26199, 440,
                     KamailioCallTest.PROXY, null, null))) {
            carol.awaitLine("200 OK", 20); // registered
            Path heard = dir.resolve("alice-heard.wav");
            CallReport r = alice.dial("sip:carol@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(3), null, heard)).done().get(30, TimeUnit.SECONDS);
            carol.awaitLine("terminated", 10);

            assertEquals("completed", r.outcome(), r.reason() + "\n" + carol.output());
            assertTrue(r.mediaBothWays(), r.toJson());
            assertEquals("plain", r.traversal().mode());
            ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
            ToneCheck.assertTone(WavFile.read(carol.decodedDump()), 440, 1000);
        }
    }

    @Test
    void baresipCallsTheAgent(@TempDir Path dir) throws Exception {
        ExternalTools.require("baresip", "baresip");
        Path wav = dir.resolve("baresip-1000hz.wav");
        WavFile.write(wav, WavFile.tone(1000, 3, 0.3)); // baresip hangs up when its file ends
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, PASSWORDS);
             Baresip carol = Baresip.start(dir, "carol", TestAgents.DOMAIN, "carol-pw", KamailioCallTest.PROXY,
                     26040, 26045, 26400, 26499, wav);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 26020, 26200, 26299, 440,
                     KamailioCallTest.PROXY, dir, null))) {
            bob.register().get(10, TimeUnit.SECONDS);
            LinkedBlockingQueue<CallReport> calls = new LinkedBlockingQueue<>();
            bob.onCallEnded(calls::add);
            carol.awaitLine("200 OK", 20);
            carol.command("dial", "sip:bob@" + TestAgents.DOMAIN);
            CallReport r = calls.poll(30, TimeUnit.SECONDS);
            carol.awaitLine("terminated", 10);

            assertTrue(r != null, "no call reached the agent; baresip said:\n" + carol.output());
            assertEquals("callee", r.role());
            assertEquals("completed", r.outcome(), r.reason());
            assertEquals("BYE from the peer", r.reason());
            assertTrue(r.mediaBothWays(), r.toJson());
            assertEquals("sip:carol@" + TestAgents.DOMAIN, r.from());
            short[] heard = WavFile.read(AgentLoopbackTest.onlyWav(dir, "in-"));
            ToneCheck.assertTone(heard, 1000, 440);
            ToneCheck.assertTone(WavFile.read(carol.decodedDump()), 440, 1000);
        }
    }
}
