package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.sippunch.agent.interop.CpuLock;
import net.sippunch.agent.interop.ToneCheck;
import net.sippunch.agent.media.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Linphone's console client ({@link LabLinphone}, ICE on) as a standard peer across the lab's two kernel NAT
 * sites, through Kamailio: linphone with itself (the baseline of what plain ICE reaches), then the agent (alice,
 * NAT traversal mode with the lab's discovery server, as the lab's agents run) behind site a with linphone
 * (erin) behind site b, each calling the other. The lab has no relay: a tone in the other side's recording
 * came over a direct path. One call per cell; the tables go to standard output and to
 * {@code target/kernel-linphone.md}.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = CpuLock.CPU, mode = ResourceAccessMode.READ)
@ResourceLock(CpuLock.PEER_LABS)
class KernelLinphoneTest {

    private static final List<String> TOOLS = List.of("kamailio (kamailio)", "conntrack (conntrack)",
            "linphonec (linphone-cli)");
    private static final double AGENT_HZ = 440;
    private static final double CALLER_HZ = 440;
    private static final double LINPHONE_HZ = 1000;
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(20);
    /**
     * How long a call lasts after it is established before its caller hangs up: linphone's ICE checks (a few
     * seconds when a pair fails) plus a few seconds of tone.
     */
    private static final int CALL_SECONDS = 8;
    /** The seconds of tone a linphone recording must hold (of about {@value #CALL_SECONDS}). */
    private static final int MIN_TONE_SECONDS = 5;

    /** The NAT pairs in table order: (site a, site b) = (caller, callee) for the baseline, (agent, linphone) else. */
    private static final List<List<String>> PAIRS = List.of(
            List.of("port-restricted", "port-restricted"),
            List.of("symmetric-sequential", "port-restricted"),
            List.of("port-restricted", "symmetric-sequential"),
            List.of("symmetric-sequential", "symmetric-sequential"));

    /**
     * What each baseline cell must show: "both" (each tone in the other's recording), "a to b" or "b to a" (one
     * way), "none". Port-restricted on both sides is the physics: each side's STUN mapping is the port it sends
     * media from, and the srflx pair is valid both ways. With symmetric-sequential on either side plain ICE has no
     * pair (measured on this lab, kernel 6.18, linphonec 5.1.65, the same in every run): the srflx candidate is
     * the mapping toward the STUN server only, a check to the peer leaves from the next port, which the peer never
     * heard of, and the other side's filter drops it (and the checks aimed at the srflx port are dropped by the
     * sequential NAT's filter); linphone's ICE stays in progress and no tone starts.
     */
    private static final Map<String, String> EXPECTED_BASELINE = Map.of(
            "port-restricted -> port-restricted", "both",
            "symmetric-sequential -> port-restricted", "none",
            "port-restricted -> symmetric-sequential", "none",
            "symmetric-sequential -> symmetric-sequential", "none");

    /**
     * Agent cells ("DIRECTION AGENT-NAT -> LINPHONE-NAT") that must connect both ways: port-restricted on both
     * sides, the agent behind symmetric-sequential with linphone port-restricted (the agent's predicted srflx
     * candidate is the port its first flow toward linphone takes) and the reverse (linphone's reflexive port is
     * not its base's: the agent sweeps above it), in both call directions. Both sequential is recorded, not
     * asserted. Measured in 3 runs: the agent port-restricted with linphone symmetric-sequential carried RTP
     * both ways every time (linphone's check arrives from a port it never advertised, the agent answers it, a
     * peer-reflexive pair; once linphone's recording of the agent's tone failed the tone's purity check with the
     * full length voiced); both sequential: none every time (linphone's srflx is its mapping toward the STUN
     * server only, and its checks leave from ports nobody predicted). Once in 3 runs "linphone calls
     * symmetric-sequential -> port-restricted" had no RTP pair (only RTCP's; linphone's checks to the agent's
     * predicted RTP port went unanswered): see the report of the branch.
     */
    private static final Map<String, String> EXPECTED_AGENT = Map.of(
            "agent calls port-restricted -> port-restricted", "both",
            "linphone calls port-restricted -> port-restricted", "both",
            "agent calls symmetric-sequential -> port-restricted", "both",
            "linphone calls symmetric-sequential -> port-restricted", "both",
            "agent calls port-restricted -> symmetric-sequential", "both",
            "linphone calls port-restricted -> symmetric-sequential", "both");

    /** The tables of the tests run so far in this JVM, by title: the report file holds them all. */
    private static final Map<String, String> TABLES = new TreeMap<>();

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void linphoneWithItselfAcrossKernelNats(@TempDir Path dir) throws IOException, InterruptedException {
        LabHost.requireLab(TOOLS);
        String prefix = "lq" + ProcessHandle.current().pid() % 100000;
        long start = System.nanoTime();
        List<Cell> cells = new ArrayList<>();
        try (PeerLab lab = PeerLab.start(prefix, dir, "port-restricted", "port-restricted",
                List.of("erin", "frank"))) {
            for (List<String> pair : PAIRS) {
                Cell cell = baselineCall(lab.host(), dir, pair.get(0), pair.get(1));
                cells.add(cell);
                System.out.println("linphone baseline: " + cell.line());
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        report("1 baseline", "# linphone ↔ linphone through Kamailio across kernel NATs (ICE, direct media)\n\n"
                + "linphonec 5.1.65 both sides (ICE with the lab's STUN server, PCMU, RTCP unmuxed), caller (erin) "
                + "behind site a, callee (frank) behind site b, one call per cell, " + CALL_SECONDS
                + " s after it is established; \"both\" = each tone in the other's recording. Run: "
                + took.toSeconds() + " s.\n\n| caller NAT → callee NAT | media |\n|---|---|\n", cells);
        assertCells(cells, EXPECTED_BASELINE);
    }

    @Test
    void agentWithLinphoneAcrossKernelNats(@TempDir Path dir) throws IOException, InterruptedException {
        LabHost.requireLab(TOOLS);
        String prefix = "lr" + ProcessHandle.current().pid() % 100000;
        long start = System.nanoTime();
        List<Cell> cells = new ArrayList<>();
        try (PeerLab lab = PeerLab.start(prefix, dir, "port-restricted", "port-restricted",
                List.of("alice", "erin"))) {
            for (List<String> pair : PAIRS) {
                for (boolean agentCalls : List.of(true, false)) {
                    Cell cell = agentCall(lab, dir, agentCalls, pair.get(0), pair.get(1));
                    cells.add(cell);
                    System.out.println("agent with linphone: " + cell.line());
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        report("2 agent", "# the agent ↔ linphone through Kamailio across kernel NATs (direct media)\n\n"
                + "The agent (traversal mode, standard ICE toward linphone) behind site a, linphonec 5.1.65 (ICE) "
                + "behind site b; one call per cell, " + CALL_SECONDS + " s after it is established; \"both\" = "
                + "each tone in the other's recording. Run: " + took.toSeconds() + " s.\n\n"
                + "| agent NAT → linphone NAT | call direction | media |\n|---|---|---|\n", cells);
        assertCells(cells, EXPECTED_AGENT);
    }

    /** Sets both sites' NATs (fresh state), starts both linphones, and places one call from a to b. */
    private static Cell baselineCall(LabHost lab, Path dir, String callerNat, String calleeNat)
            throws IOException, InterruptedException {
        lab.nat("a", List.of("--nat", callerNat));
        lab.nat("b", List.of("--nat", calleeNat));
        long start = System.nanoTime();
        Path cellDir = Files.createDirectories(dir.resolve(callerNat + "-" + calleeNat));
        List<String> notes = new ArrayList<>();
        Optional<String> callerHeard;
        Optional<String> calleeHeard;
        String diagnosis;
        try (LabLinphone erin = LabLinphone.start(lab, cellDir, "a", "erin", CALLER_HZ);
             LabLinphone frank = LabLinphone.start(lab, cellDir, "b", "frank", LINPHONE_HZ)) {
            erin.awaitRegistered(REGISTER_WAIT);
            frank.awaitRegistered(REGISTER_WAIT);
            erin.callTo(frank.aor());
            if (!erin.awaitCallEstablished(ANSWER_WAIT)) {
                notes.add("not established");
            } else {
                Thread.sleep(CALL_SECONDS * 1000L); // the call runs: tones both ways, if ICE found a path
                erin.hangup();
                if (!erin.awaitCallEnded(Duration.ofSeconds(5))) {
                    notes.add("erin's call did not end");
                }
            }
            frank.awaitCallEnded(Duration.ofSeconds(5));
            notes.add("erin ICE: " + iceOutcome(erin));
            notes.add("frank ICE: " + iceOutcome(frank));
            diagnosis = erin.describe() + frank.describe();
            erin.close();
            frank.close();
            // after close: the recordings are complete files
            callerHeard = linphoneHeardMismatch(erin.heard(), LINPHONE_HZ, CALLER_HZ);
            calleeHeard = linphoneHeardMismatch(frank.heard(), CALLER_HZ, LINPHONE_HZ);
            notes.add(String.format("voiced %.1f of %.1f s / %.1f of %.1f s", erin.heard().length / 8000.0,
                    erin.recordedSeconds(), frank.heard().length / 8000.0, frank.recordedSeconds()));
        }
        callerHeard.ifPresent(why -> notes.add("erin: " + why));
        calleeHeard.ifPresent(why -> notes.add("frank: " + why));
        return new Cell(callerNat + " -> " + calleeNat, "", calleeHeard.isEmpty(), callerHeard.isEmpty(),
                String.join("; ", notes), Duration.ofNanos(System.nanoTime() - start), diagnosis);
    }

    /**
     * Sets both sites' NATs, starts linphone (erin, site b) and the agent (alice, site a), and places one call:
     * the agent calls ({@code sip-agent call}, it hangs up) or linphone calls the registered agent
     * ({@code sip-agent run}; linphone hangs up).
     */
    private Cell agentCall(PeerLab lab, Path dir, boolean agentCalls, String agentNat, String linphoneNat)
            throws IOException, InterruptedException {
        lab.host().nat("a", List.of("--nat", agentNat));
        lab.host().nat("b", List.of("--nat", linphoneNat));
        long start = System.nanoTime();
        Path cellDir = Files.createDirectories(dir.resolve((agentCalls ? "agent-calls-" : "linphone-calls-")
                + agentNat + "-" + linphoneNat));
        Path recordings = Files.createDirectories(cellDir.resolve("recordings"));
        Path reports = Files.createDirectories(cellDir.resolve("reports"));
        Path aliceYaml = LabAgent.config(cellDir, "alice", AGENT_HZ, recordings, reports);
        List<String> notes = new ArrayList<>();
        String diagnosis;
        Optional<String> agentHeard;
        Optional<String> linphoneHeard;
        try (LabLinphone erin = LabLinphone.start(lab.host(), cellDir, "b", "erin", LINPHONE_HZ)) {
            erin.awaitRegistered(REGISTER_WAIT);
            String agentOutput;
            if (agentCalls) {
                try (LabAgent alice = LabAgent.start(lab.prefix(), "a-cli", cellDir, "alice", List.of("call",
                        "--config", aliceYaml.toString(), "--register", erin.aor(), "--duration",
                        Integer.toString(CALL_SECONDS), "--record", recordings.resolve("alice.wav").toString(),
                        "--report", reports.resolve("alice.json").toString()))) {
                    int exit = alice.waitFor(60);
                    agentOutput = alice.output();
                    notes.add("agent exit " + exit);
                }
                if (!erin.awaitCallEnded(Duration.ofSeconds(10))) {
                    notes.add("linphone's call did not end");
                }
            } else {
                try (LabAgent alice = LabAgent.start(lab.prefix(), "a-cli", cellDir, "alice", List.of("run",
                        "--config", aliceYaml.toString()))) {
                    assertTrue(alice.awaitLine("run: registered", 60), "the agent did not register:\n"
                            + alice.output());
                    erin.callTo("sip:alice@" + LabAgent.DOMAIN);
                    if (!erin.awaitCallEstablished(ANSWER_WAIT)) {
                        notes.add("not established");
                    } else {
                        Thread.sleep(CALL_SECONDS * 1000L);
                        erin.hangup();
                        if (!erin.awaitCallEnded(Duration.ofSeconds(5))) {
                            notes.add("linphone's call did not end");
                        }
                    }
                    LabAgent.awaitFile(reports, ".json", Duration.ofSeconds(10));
                    agentOutput = alice.output();
                }
            }
            Files.writeString(cellDir.resolve("alice.log"), agentOutput);
            agentOutput.lines().filter(l -> l.contains("discovery:") || l.contains("NAT learned"))
                    .map(l -> "agent " + l.replaceAll("^\\S+ \\S+\\s+\\S+ ", "")).forEach(notes::add);
            Path report = LabAgent.awaitFile(reports, ".json", Duration.ofSeconds(1));
            notes.add(report == null ? "no agent report" : "agent: " + summary(json.readTree(report.toFile())));
            notes.add("linphone ICE: " + iceOutcome(erin));
            diagnosis = "\n--- alice (sip-agent " + (agentCalls ? "call" : "run") + "):\n" + tail(agentOutput, 60)
                    + erin.describe();
            erin.close();
            Path wav = LabAgent.awaitFile(recordings, ".wav", Duration.ofSeconds(1));
            agentHeard = wav == null ? Optional.of("no recording")
                    : ToneCheck.mismatch(WavFile.read(wav), LINPHONE_HZ, AGENT_HZ);
            linphoneHeard = linphoneHeardMismatch(erin.heard(), AGENT_HZ, LINPHONE_HZ);
            notes.add(String.format("linphone voiced %.1f of %.1f s", erin.heard().length / 8000.0,
                    erin.recordedSeconds()));
        }
        agentHeard.ifPresent(why -> notes.add("agent: " + why));
        linphoneHeard.ifPresent(why -> notes.add("linphone: " + why));
        return new Cell(agentNat + " -> " + linphoneNat, agentCalls ? "agent calls" : "linphone calls",
                linphoneHeard.isEmpty(), agentHeard.isEmpty(), String.join("; ", notes),
                Duration.ofNanos(System.nanoTime() - start), diagnosis);
    }

    /**
     * Why linphone's recording does not hold the tone, or empty when it does: {@link ToneCheck} on each whole
     * second of the voiced part, at least {@value #MIN_TONE_SECONDS} of them passing. Not on the whole recording:
     * linphone's player now and then skips a frame (about 4 s into a call, also between two linphones: its
     * re-INVITE after ICE), and the tone's two halves then cancel in the whole-file power although the tone is
     * there; the second holding the skip fails alone, and with the first second's start-up twice was seen.
     */
    private static Optional<String> linphoneHeardMismatch(short[] voiced, double expectedHz, double otherHz) {
        int seconds = voiced.length / 8000;
        if (seconds < MIN_TONE_SECONDS) {
            return Optional.of("only " + seconds + " s of sound recorded");
        }
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            int at = i;
            ToneCheck.mismatch(Arrays.copyOfRange(voiced, i * 8000, (i + 1) * 8000), expectedHz, otherHz)
                    .ifPresent(why -> bad.add("second " + at + ": " + why));
        }
        return seconds - bad.size() >= MIN_TONE_SECONDS ? Optional.empty()
                : Optional.of(bad.size() + " of " + seconds + " s without the tone: " + bad);
    }

    /** linphone's ICE in a few words, from its debug log. */
    private static String iceOutcome(LabLinphone peer) throws IOException {
        return peer.iceSummary();
    }

    private static String summary(JsonNode r) {
        return r.path("role").asText() + " " + r.path("outcome").asText() + " (" + r.path("reason").asText()
                + "), traversal " + r.path("traversal").path("mode").asText() + ", media to "
                + r.path("media").path("remote").asText() + ", RTP sent " + r.path("media").path("rtpSent")
                + " received " + r.path("media").path("rtpReceived") + ", two-way media "
                + r.path("timings").path("firstTwoWayMediaMillis").asText("never") + " ms after the answer";
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Writes this test's table (with each cell's details) and those of the tests before it. */
    private static void report(String key, String head, List<Cell> cells) throws IOException {
        StringBuilder t = new StringBuilder(head);
        for (Cell c : cells) {
            t.append("| ").append(c.pair()).append(c.direction().isEmpty() ? "" : " | " + c.direction())
                    .append(" | ").append(c.outcome()).append(" |\n");
        }
        t.append("\nDetails:\n\n");
        cells.forEach(c -> t.append("- ").append(c.line()).append('\n'));
        synchronized (TABLES) {
            TABLES.put(key, t.toString());
            Path out = Files.createDirectories(Path.of("target"));
            Files.writeString(out.resolve("kernel-linphone.md"), String.join("\n", TABLES.values()));
        }
        System.out.println(t);
    }

    private static void assertCells(List<Cell> cells, Map<String, String> expected) {
        List<String> wrong = new ArrayList<>();
        for (Cell cell : cells) {
            String want = expected.get(cell.key());
            if (want != null && !want.equals(cell.outcome())) {
                wrong.add(cell.line() + ": expected " + want + cell.diagnosis());
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " cell(s) differ:\n" + String.join("\n", wrong));
    }

    /**
     * One call: whether each tone arrived (a = the caller or the agent, b = the callee or linphone), what was
     * seen on the way, and the peers' logs' tails.
     */
    record Cell(String pair, String direction, boolean aToB, boolean bToA, String notes, Duration took,
                String diagnosis) {

        String outcome() {
            if (aToB && bToA) {
                return "both";
            }
            if (aToB) {
                return "a to b";
            }
            return bToA ? "b to a" : "none";
        }

        String key() {
            return direction.isEmpty() ? pair : direction + " " + pair;
        }

        String line() {
            return key() + ": " + outcome() + " (" + took.toMillis() + " ms; " + notes + ")";
        }
    }
}
