package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A call's media negotiation between two sites of {@code lab/upnp/upnplab.sh ... --site-b symmetric-random}:
 * client A behind a symmetric NAT with random ports whose router runs the real miniupnpd, client B behind
 * the same kind of NAT without UPnP. Each side runs the agent's NAT traversal mode ({@link UpnpCallPeer}:
 * UPnP step, discovery against coturn, SDP extension, punch engine) on a real media port in its namespace;
 * the test relays the SDP. With UPnP on A's side the pair gets a direct path whose remote on B's side is
 * A's mapped tuple, and the mapping is gone after the call; without it the same pair is infeasible. Behind
 * a router whose miniupnpd speaks only NAT-PMP, the UPnP search finds nothing and NAT-PMP maps the port.
 * Needs root, iproute2, nftables, miniupnpd-nftables and coturn: skipped with a reason outside CI, failed
 * in CI.
 */
class UpnpCallLabTest {

    private static final String PREFIX = "uc2";
    private static final String WAN_A = "198.18.1.1";
    private static final String WAN_B = "198.18.2.1";
    private static final Path SCRIPT = Path.of("..", "lab", "upnp", "upnplab.sh").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean up;

    @BeforeAll
    static void lab() throws Exception {
        LabHost.requireLab(List.of("miniupnpd (miniupnpd-nftables)", "turnserver (coturn)"));
        assertTrue(Files.isExecutable(SCRIPT), SCRIPT + " missing");
        String out = run(List.of(SCRIPT.toString(), "up", "--prefix", PREFIX, "--nat", "symmetric-random",
                "--site-b", "symmetric-random"));
        up = true;
        assertTrue(out.contains("upnplab: up"), out);
    }

    @AfterAll
    static void down() throws Exception {
        if (up) {
            run(List.of(SCRIPT.toString(), "down", "--prefix", PREFIX));
        }
    }

    @Test
    void upnpMappingGivesTheInfeasiblePairADirectPath() throws Exception {
        Outcome o = call(40100, 40200, true);

        JsonNode upnp = o.callerSummary().get("upnp");
        assertEquals("UPnP", upnp.get("protocol").asText(), o.log());
        assertEquals("mapped", upnp.get("outcome").asText(), o.log());
        assertEquals(WAN_A + ":40100", upnp.get("external").asText(), "the media port, same external port");
        assertTrue(upnp.get("verified").asBoolean(), o.log());
        assertTrue(o.offer().contains("a=punch-upnp:" + WAN_A + " 40100"), o.offer());
        assertTrue(o.offer().contains("c=IN IP4 " + WAN_A) && o.offer().contains("m=audio 40100 "),
                "the standard lines carry the mapped tuple: " + o.offer());

        // B's settled path goes to A's mapping; A's to where B's probes came from
        assertEquals(WAN_A + ":40100", o.calleePath().split(" ")[0], o.log());
        assertTrue(o.calleePath().split(" ", 2)[1].startsWith("DIRECT"), o.log());
        assertTrue(o.callerPath().startsWith(WAN_B + ":"), o.log());
        assertTrue(o.callerPath().split(" ", 2)[1].startsWith("DIRECT"), o.log());
        assertTrue(o.calleeSummary().get("strategy").asText().startsWith("DIRECT"), o.log());
        assertEquals("SYMMETRIC_RANDOM", o.callerSummary().get("localProfile").get("type").asText(), o.log());
        assertEquals("SYMMETRIC_RANDOM", o.calleeSummary().get("localProfile").get("type").asText(), o.log());
        assertTrue(o.calleeSummary().get("upnp").isNull(), "B has no UPnP step");

        // call end deleted the mapping, and miniupnpd's rule with it
        assertTrue(upnp.get("deleted").asText().startsWith(WAN_A + ":40100 deleted"), o.log());
        assertFalse(nft("list chain inet miniupnpd prerouting_miniupnpd").contains("dport 40100"));

        System.out.printf("UPnP call lab: UPnP step %d ms; offer ready %d ms, answer ready %d ms; settled %d ms"
                        + " (A, %d probes) / %d ms (B, %d probes) after each side's start%n",
                upnp.get("millis").asLong(), o.callerPrepared(), o.calleePrepared(),
                o.callerSummary().get("settledMillis").asLong(), o.callerSummary().get("probesSent").asLong(),
                o.calleeSummary().get("settledMillis").asLong(), o.calleeSummary().get("probesSent").asLong());
    }

    @Test
    void natPmpIsTheFallbackWhenNoIgdAnswersTheSearch() throws Exception {
        String prefix = "uc3";
        String out = run(List.of(SCRIPT.toString(), "up", "--prefix", prefix, "--nat", "symmetric-random",
                "--natpmp-only", "--site-b", "symmetric-random"));
        try {
            assertTrue(out.contains("upnp=natpmp"), out);
            Outcome o = call(prefix, 40500, 40600, true);

            JsonNode upnp = o.callerSummary().get("upnp");
            assertEquals("NAT-PMP", upnp.get("protocol").asText(), o.log());
            assertTrue(upnp.get("outcome").asText().startsWith("mapped after UPnP: "), o.log());
            assertEquals(WAN_A + ":40500", upnp.get("external").asText(), o.log());
            assertTrue(o.offer().contains("a=punch-upnp:" + WAN_A + " 40500"), o.offer());
            assertEquals(WAN_A + ":40500", o.calleePath().split(" ")[0], o.log());
            assertTrue(o.calleePath().split(" ", 2)[1].startsWith("DIRECT"), o.log());
            assertTrue(o.callerPath().split(" ", 2)[1].startsWith("DIRECT"), o.log());
            assertTrue(upnp.get("deleted").asText().startsWith(WAN_A + ":40500 deleted"), o.log());
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", prefix + "-rtr", "nft", "list",
                    "chain", "inet", "miniupnpd", "prerouting_miniupnpd"));
            assertFalse(run(argv).contains("dport 40500"));
            System.out.printf("NAT-PMP call lab: UPnP search given up and NAT-PMP mapped after %d ms; offer ready"
                            + " %d ms; settled %d ms (A) / %d ms (B)%n", upnp.get("millis").asLong(),
                    o.callerPrepared(), o.callerSummary().get("settledMillis").asLong(),
                    o.calleeSummary().get("settledMillis").asLong());
        } finally {
            run(List.of(SCRIPT.toString(), "down", "--prefix", prefix));
        }
    }

    @Test
    void withoutUpnpTheSamePairIsInfeasible() throws Exception {
        Outcome o = call(40300, 40400, false);

        assertTrue(o.callerSummary().get("upnp").isNull(), o.log());
        assertFalse(o.offer().contains("a=punch-upnp"), o.offer());
        for (JsonNode side : List.of(o.callerSummary(), o.calleeSummary())) {
            assertTrue(side.get("strategy").asText().startsWith("INFEASIBLE"), o.log());
            assertTrue(side.get("settledMillis").isNull(), o.log());
            assertTrue(side.get("reason").asText().contains("infeasible"), o.log());
        }
        assertTrue(o.callerPath().contains("fallback"), o.log());
        assertTrue(o.calleePath().contains("fallback"), o.log());
    }

    private record Outcome(String offer, String callerPath, String calleePath, JsonNode callerSummary,
                           JsonNode calleeSummary, long callerPrepared, long calleePrepared, String log) {
    }

    /** One call: A (caller, site a) and B (callee, site b) exchange SDP through the test, punch, then end. */
    private static Outcome call(int portA, int portB, boolean upnp) throws Exception {
        return call(PREFIX, portA, portB, upnp);
    }

    private static Outcome call(String prefix, int portA, int portB, boolean upnp) throws Exception {
        Peer a = Peer.start(prefix + "-cli", "caller", portA, upnp);
        Peer b = Peer.start(prefix + "-clib", "callee", portB, false);
        try {
            long preparedA = Long.parseLong(a.await("PREPARED "));
            String offer = a.await("OFFER ");
            b.send("OFFER " + offer);
            long preparedB = Long.parseLong(b.await("PREPARED "));
            a.send("ANSWER " + b.await("ANSWER "));
            String pathB = b.await("PATH ");
            String pathA = a.await("PATH ");
            a.send("END");
            b.send("END");
            JsonNode summaryA = JSON.readTree(a.await("SUMMARY "));
            JsonNode summaryB = JSON.readTree(b.await("SUMMARY "));
            String sdp = new String(java.util.Base64.getDecoder().decode(offer), StandardCharsets.UTF_8);
            return new Outcome(sdp, pathA, pathB, summaryA, summaryB, preparedA, preparedB,
                    "A: " + a.seen + "\nB: " + b.seen);
        } finally {
            a.process.destroyForcibly();
            b.process.destroyForcibly();
        }
    }

    private static final class Peer {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();
        final Writer in;

        private Peer(Process process) {
            this.process = process;
            this.in = process.outputWriter(StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("READ-FAILED " + e);
                }
                lines.add("EXITED");
            }, "peer-out");
            reader.setDaemon(true);
            reader.start();
        }

        static Peer start(String namespace, String role, int port, boolean upnp) throws IOException {
            List<String> argv = List.of("ip", "netns", "exec", namespace,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), UpnpCallPeer.class.getName(), role,
                    Integer.toString(port), upnp ? "upnp" : "no-upnp", "198.18.0.21:3478", "198.18.0.31:3479");
            return new Peer(new ProcessBuilder(argv).redirectErrorStream(true).start());
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("EXITED")) {
                    fail("no line " + prefix.trim() + " from the peer; seen:\n" + String.join("\n", seen));
                }
                seen.add(line.length() > 400 ? line.substring(0, 400) + "..." : line);
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
        }
    }

    private static String nft(String command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", PREFIX + "-rtr", "nft"));
        argv.addAll(List.of(command.split(" ")));
        return run(argv);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), command + ":\n" + out);
        return out;
    }
}
