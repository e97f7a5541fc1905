package net.sippunch.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import net.sippunch.agent.interop.ThreadScope;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code sip-agent demo} as the command line runs it: exit 0, both call reports printed (JSON and text),
 * each side behind its emulated NAT and discovering its type, media both ways on the path the probes settled
 * through both NATs, and no thread of the demo left behind.
 */
class DemoCommandTest {

    /** Threads the JVM or libraries keep for the whole process (not the demo's to stop). */
    private static final List<String> PROCESS_WIDE = List.of("ForkJoinPool", "globalEventExecutor",
            "process reaper", "Common-Cleaner", "Attach Listener", "Signal Dispatcher", "surefire",
            "ObjectCleanerThread", "Log4j2");

    private record Run(int exit, String out, String err) {
    }

    private static Run demo(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SipAgent());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cli.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void jsonDemoExitsZeroWithBothReportsAndLeavesNoThreads() throws Exception {
        // the demo runs in a thread group of its own: test classes beside this one start threads too
        ThreadScope scope = new ThreadScope("demo");
        Run run = scope.run(() -> demo("--json", "--duration", "2"));

        assertEquals(0, run.exit(), run.err() + run.out());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(1, json.get("schemaVersion").asInt(), run.out());
        assertTrue(json.get("mediaBothWays").asBoolean(), run.out());
        assertEquals(2, json.get("discoveryServers").size());
        assertTrue(json.get("discoveryServers").get(1).asText().startsWith("127.0.0.2:"), run.out());
        for (String side : List.of("caller", "callee")) {
            JsonNode report = json.get(side);
            assertEquals(1, report.get("schemaVersion").asInt(), run.out());
            assertEquals(side, report.get("role").asText(), run.out());
            assertEquals("completed", report.get("outcome").asText(), run.out());
            assertEquals("traversal", report.get("traversal").get("mode").asText(), run.out());
            assertTrue(report.get("traversal").get("settledMillis").isNumber(), run.out());
            assertTrue(report.get("media").get("rtpSent").asLong() > 0, run.out());
            assertTrue(report.get("media").get("rtpReceived").asLong() > 0, run.out());
            // encrypted by default, keyed by a DTLS handshake on the punched path
            assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (dtls-srtp)", report.get("encryption").asText(), run.out());
        }
        assertEquals(json.get("caller").get("callId"), json.get("callee").get("callId"));
        assertEquals("sip:bob@" + LoopbackDemo.DOMAIN, json.get("callee").get("to").asText());

        // the default pair: alice behind a symmetric sequential NAT, bob behind a port-restricted cone, each
        // side's discovery finds its own type, and each side's media goes to the other NAT's public address
        JsonNode caller = json.get("caller").get("traversal");
        JsonNode callee = json.get("callee").get("traversal");
        assertEquals("SYMMETRIC_SEQUENTIAL", caller.get("localProfile").get("type").asText(), run.out());
        assertEquals("PORT_RESTRICTED_CONE", caller.get("remoteProfile").get("type").asText(), run.out());
        assertEquals("PORT_RESTRICTED_CONE", callee.get("localProfile").get("type").asText(), run.out());
        assertEquals("SYMMETRIC_SEQUENTIAL", callee.get("remoteProfile").get("type").asText(), run.out());
        JsonNode natA = json.get("nats").get("a");
        JsonNode natB = json.get("nats").get("b");
        assertEquals("SYMMETRIC_SEQUENTIAL", natA.get("emulated").asText(), run.out());
        assertEquals("SYMMETRIC_SEQUENTIAL", natA.get("discovered").asText(), run.out());
        assertEquals("PORT_RESTRICTED_CONE", natB.get("emulated").asText(), run.out());
        assertEquals("PORT_RESTRICTED_CONE", natB.get("discovered").asText(), run.out());
        assertEquals("127.0.0.11", natA.get("publicAddress").asText());
        assertEquals("127.0.0.12", natB.get("publicAddress").asText());
        assertTrue(json.get("caller").get("remoteMedia").asText().startsWith("127.0.0.12:"), run.out());
        assertTrue(json.get("callee").get("remoteMedia").asText().startsWith("127.0.0.11:"), run.out());
        assertTrue(json.get("directThroughBothNats").asBoolean(), run.out());
        // every RTP datagram crossed the sender's box and the receiver's box
        for (String[] pair : new String[][] {{"a", "caller"}, {"b", "callee"}}) {
            JsonNode box = json.get("nats").get(pair[0]).get("box");
            JsonNode media = json.get(pair[1]).get("media");
            assertTrue(box.get("outbound").asLong() >= media.get("rtpSent").asLong(), run.out());
            assertTrue(box.get("inbound").asLong() >= media.get("rtpReceived").asLong(), run.out());
        }

        // every thread the demo started ends (bounded join, no sleep)
        List<Thread> left = scope.survivors(t -> PROCESS_WIDE.stream().noneMatch(t.getName()::startsWith), 5000);
        assertTrue(left.isEmpty(), "threads left running: " + left);
    }

    @Test
    void textDemoOfAnotherPairPrintsEachSidesNatOutcomeTraversalAndPackets() {
        // the reverse of the default pair, named as the NAT lab and as the reports name them
        Run run = demo("--duration", "2", "--nat-a", "port-restricted", "--nat-b", "SYMMETRIC_SEQUENTIAL",
                "--encryption", "sdes");

        assertEquals(0, run.exit(), run.err() + run.out());
        String out = run.out().strip();
        assertTrue(out.contains("site a: alice on 127.0.10.1 behind an emulated PORT_RESTRICTED_CONE NAT at 127.0.0.11"),
                out);
        assertTrue(out.matches("(?s).*site a: [^\n]*; discovered PORT_RESTRICTED_CONE\n.*"), out);
        assertTrue(out.matches("(?s).*site b: bob on 127.0.20.1 behind an emulated SYMMETRIC_SEQUENTIAL NAT at "
                + "127.0.0.12 [^\n]*; discovered SYMMETRIC_SEQUENTIAL\n.*"), out);
        assertTrue(out.contains("caller sip:alice@" + LoopbackDemo.DOMAIN + " -> sip:bob@" + LoopbackDemo.DOMAIN
                + ": completed"), out);
        assertTrue(out.contains("callee sip:alice@"), out);
        assertTrue(out.contains("traversal: mode traversal, NAT here PORT_RESTRICTED_CONE, NAT of the peer "
                + "SYMMETRIC_SEQUENTIAL"), out);
        assertTrue(out.contains("traversal: mode traversal, NAT here SYMMETRIC_SEQUENTIAL, NAT of the peer "
                + "PORT_RESTRICTED_CONE"), out);
        assertTrue(out.contains("path settled ") && !out.contains("path settled never"), out);
        assertTrue(out.matches("(?s).*packets: RTP sent [1-9]\\d*, received [1-9]\\d*.*"), out);
        assertTrue(out.matches("(?s).*encryption srtp AES_CM_128_HMAC_SHA1_80 \\(sdes\\).*encryption srtp "
                + "AES_CM_128_HMAC_SHA1_80 \\(sdes\\).*"), out);
        assertTrue(out.contains("path: direct through both NATs: alice sends to 127.0.0.12:"), out);
        assertTrue(out.contains(", bob to 127.0.0.11:"), out);
        assertTrue(out.endsWith("media flowed both ways on both sides"), out);
        assertTrue(run.err().contains("registrar and proxy sip:127.0.0.1:"), run.err());
    }

    @Test
    void anUnknownEncryptionIsAUsageError() {
        Run run = demo("--encryption", "rot13");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--encryption must be dtls-srtp, sdes or none, is 'rot13'"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void anUnknownNatTypeIsAUsageErrorNamingTheTypes() {
        Run run = demo("--nat-b", "carrier-grade");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("unknown NAT type 'carrier-grade' for --nat-b; one of: open, full-cone, "
                + "restricted-cone, port-restricted-cone, symmetric-sequential, symmetric-second-priority, "
                + "symmetric-random"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void helpListsEveryNatType() {
        Run run = demo("--help");
        assertEquals(0, run.exit());
        String help = run.out().replaceAll("\\s+", " ");
        for (NatPreset preset : NatPreset.values()) {
            assertTrue(help.contains(DemoCommand.optionName(preset)), preset + " in " + help);
        }
        assertTrue(help.contains("--nat-a=TYPE") && help.contains("--nat-b=TYPE"), help);
    }

    @Test
    void durationOutOfRangeIsAUsageError() {
        Run run = demo("--duration", "0");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--duration must be 1..60"), run.err());
    }
}
