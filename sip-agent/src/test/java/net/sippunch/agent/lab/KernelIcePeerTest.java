package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import net.sippunch.agent.interop.CpuLock;
import net.sippunch.agent.interop.ToneCheck;
import net.sippunch.agent.lab.LabBaresip.MediaNat;
import net.sippunch.agent.lab.LabBaresip.RtcpMux;
import net.sippunch.agent.media.WavFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent and a standard peer across the lab's kernel NATs: the agent (alice, NAT traversal mode with the
 * lab's discovery server, as the lab's agents run) behind site a, baresip 1.0.0 (carol) behind site b, calls
 * through the lab's Kamailio in both directions, for four NAT pairs and three kinds of baresip: ICE with RTCP
 * multiplexed ({@code rtcp_mux yes}: one component), ICE with baresip's default {@code rtcp_mux no} (it wants an
 * RTCP component too), and plain STUN ({@code medianat=stun}). The lab has no relay: a tone in the other side's
 * recording came over a direct path. One call per cell, a few seconds each; one lab for all, its NATs set per
 * pair. The table (with the baresip-with-itself baseline of {@link KernelBaresipBaselineTest}) goes to standard
 * output and {@code target/kernel-ice-peer.md}; each cell's logs (agent with SIP wire trace and probes, baresip
 * {@code -v}, the agent's report) stay in its directory under {@code target/kernel-ice-peer/}.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = CpuLock.CPU, mode = ResourceAccessMode.READ)
@ResourceLock(CpuLock.PEER_LABS)
class KernelIcePeerTest {

    private static final double ALICE_HZ = 440;
    private static final double CAROL_HZ = 1000;
    /**
     * How long the agent's call lasts after the answer when it calls (it hangs up): baresip sends media only once
     * its ICE has ended, after every pair succeeded or failed one at a time (about 2.3 s per pair nothing
     * answers: the host pair and a spare prediction, twice without rtcp-mux).
     */
    private static int agentCallSeconds(Peer peer) {
        return peer == Peer.STUN ? 4 : 14;
    }
    /** baresip's tone when it calls: it hangs up when the tone ends. */
    private static final int BARESIP_CALL_SECONDS = 4;
    /** baresip's tone when it is called: longer than the agent's call, so the agent hangs up. */
    private static final int BARESIP_ANSWER_SECONDS = 20;
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(20);
    /** baresip's call after the answer: its ICE (about 5 s when it fails) plus its tone, with margin. */
    private static final Duration BARESIP_CALL_WAIT = Duration.ofSeconds(BARESIP_CALL_SECONDS + 16);
    /** The agent's loggers at DEBUG in every cell: SIP messages with their SDP, and each probe and check. */
    private static final List<String> AGENT_DEBUG = List.of("sippunch.sip.wire", "sippunch.probes");

    /** The NAT pairs: (agent's site a, baresip's site b). */
    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of("port-restricted", "port-restricted"),
                Arguments.of("symmetric-sequential", "port-restricted"),
                Arguments.of("port-restricted", "symmetric-sequential"),
                Arguments.of("symmetric-sequential", "symmetric-sequential"));
    }

    /** The kind of baresip in a cell. */
    enum Peer {
        ICE_MUX(MediaNat.ICE, RtcpMux.YES, "ice, rtcp_mux yes"),
        ICE_NO_MUX(MediaNat.ICE, RtcpMux.NO, "ice, rtcp_mux no"),
        STUN(MediaNat.STUN, RtcpMux.NO, "stun");

        final MediaNat mediaNat;
        final RtcpMux rtcpMux;
        final String label;

        Peer(MediaNat mediaNat, RtcpMux rtcpMux, String label) {
            this.mediaNat = mediaNat;
            this.rtcpMux = rtcpMux;
            this.label = label;
        }
    }

    /** Who places the call. */
    enum Direction {
        AGENT_CALLS("agent → baresip"),
        BARESIP_CALLS("baresip → agent");

        final String label;

        Direction(String label) {
            this.label = label;
        }
    }

    /**
     * The cells that must carry direct media both ways. With an ICE peer: wherever ICE alone connects
     * (port-restricted on both sides, as baresip with itself), and symmetric-sequential against port-restricted
     * in both site orders and both call directions, where ICE alone fails (the baseline) and the agent's
     * prediction (srflx candidates at the predicted ports) or sweep (above a peer's srflx candidate) must
     * connect. With a plain STUN peer: port-restricted on both sides, and symmetric-sequential against
     * port-restricted both ways. Symmetric-sequential on both sides is measured only.
     */
    private static final Set<String> TARGETS = targets();

    /** ICE cells with baresip's default {@code rtcp_mux no} (the agent's RTCP component): asserted as the others. */
    private static final boolean ASSERT_ICE_NO_MUX = true;

    /** Each cell's logs, recordings and report: kept after the run, for a cell that failed. */
    private static final Path dir = Path.of("target", "kernel-ice-peer").toAbsolutePath();
    private static PeerLab lab;
    private static long started;
    private static final List<Cell> CELLS = Collections.synchronizedList(new ArrayList<>());
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void lab() throws IOException, InterruptedException {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)", "baresip (baresip)"));
        started = System.nanoTime();
        deleteTree(dir);
        Files.createDirectories(dir);
        lab = PeerLab.start("ip" + ProcessHandle.current().pid() % 100000, dir, "port-restricted",
                "port-restricted", List.of("alice", "carol"));
    }

    @AfterAll
    static void table() throws IOException, InterruptedException {
        if (lab != null) {
            lab.close();
        }
        if (CELLS.isEmpty()) {
            return;
        }
        String table = table(List.copyOf(CELLS), Duration.ofNanos(System.nanoTime() - started));
        Path out = Files.createDirectories(Path.of("target"));
        Files.writeString(out.resolve("kernel-ice-peer.md"), table);
        System.out.println(table);
    }

    @ParameterizedTest(name = "agent behind {0}, baresip behind {1}")
    @MethodSource("pairs")
    void agentAndBaresipAcrossKernelNats(String agentNat, String baresipNat) throws Exception {
        List<String> missed = new ArrayList<>();
        for (Peer peer : Peer.values()) {
            for (Direction direction : Direction.values()) {
                // each cell is a first call behind fresh NATs: a flow of the cell before (a sweep from the same
                // local port toward the port the peer takes now) would still be mapped, and a sequential NAT
                // would give the new call that old port rather than the next one the agent predicted
                lab.host().nat("a", List.of("--nat", agentNat));
                lab.host().nat("b", List.of("--nat", baresipNat));
                Cell cell = direction == Direction.AGENT_CALLS ? agentCalls(agentNat, baresipNat, peer)
                        : baresipCalls(agentNat, baresipNat, peer);
                CELLS.add(cell);
                System.out.println("ice peer: " + cell.line());
                boolean asserted = peer != Peer.ICE_NO_MUX || ASSERT_ICE_NO_MUX;
                if (asserted && TARGETS.contains(cell.key()) && !cell.outcome().equals("both")) {
                    missed.add(cell.line() + "\n  logs in " + cell.dir());
                }
            }
        }
        assertTrue(missed.isEmpty(), missed.size() + " target cell(s) without direct media both ways:\n"
                + String.join("\n", missed));
    }

    /** alice ({@code sip-agent call --register}) calls carol, who answers and plays until alice hangs up. */
    private static Cell agentCalls(String agentNat, String baresipNat, Peer peer) throws Exception {
        long start = System.nanoTime();
        Path cellDir = cellDir(agentNat, baresipNat, peer, Direction.AGENT_CALLS);
        Path aliceYaml = LabAgent.config(cellDir, "alice", ALICE_HZ, null, null);
        Path heard = cellDir.resolve("alice-heard.wav");
        Path report = cellDir.resolve("alice-report.json");
        List<String> notes = new ArrayList<>();
        Optional<String> carolHeard;
        try (LabBaresip carol = LabBaresip.start(lab.host(), cellDir, "b", "carol", peer.mediaNat, peer.rtcpMux,
                CAROL_HZ, BARESIP_ANSWER_SECONDS)) {
            carol.awaitRegistered(REGISTER_WAIT);
            try (LabAgent alice = LabAgent.start(lab.prefix(), "a-cli", cellDir, "alice", List.of("call",
                    "--config", aliceYaml.toString(), "--register", carol.aor(), "--duration",
                    Integer.toString(agentCallSeconds(peer)), "--record", heard.toString(), "--report",
                    report.toString()), AGENT_DEBUG)) {
                int exit = alice.waitFor(60);
                Files.writeString(cellDir.resolve("agent.log"), alice.output());
                if (exit != 0) {
                    notes.add("agent exited " + exit);
                }
            }
            if (!carol.awaitCallEnded(Duration.ofSeconds(10))) {
                notes.add("baresip's call did not end with the agent's BYE, hung up");
                carol.hangup();
            }
            notes.add("baresip got RTP from " + carol.mediaSource().orElse("nobody"));
            carol.close(); // the recording is complete once baresip has exited
            carolHeard = ToneCheck.mismatch(carol.heard(), ALICE_HZ, CAROL_HZ);
        }
        Optional<String> aliceHeard = Files.exists(heard) ? ToneCheck.mismatch(WavFile.read(heard), CAROL_HZ,
                ALICE_HZ) : Optional.of("no recording");
        return cell(agentNat, baresipNat, peer, Direction.AGENT_CALLS, cellDir, report, aliceHeard, carolHeard,
                notes, start);
    }

    /** carol calls alice ({@code sip-agent run}, registered), who answers; carol hangs up when her tone ends. */
    private static Cell baresipCalls(String agentNat, String baresipNat, Peer peer) throws Exception {
        long start = System.nanoTime();
        Path cellDir = cellDir(agentNat, baresipNat, peer, Direction.BARESIP_CALLS);
        Path recordings = Files.createDirectories(cellDir.resolve("agent-recordings"));
        Path reports = Files.createDirectories(cellDir.resolve("agent-reports"));
        Path aliceYaml = LabAgent.config(cellDir, "alice", ALICE_HZ, recordings, reports);
        List<String> notes = new ArrayList<>();
        Optional<String> carolHeard;
        Path report;
        try (LabBaresip carol = LabBaresip.start(lab.host(), cellDir, "b", "carol", peer.mediaNat, peer.rtcpMux,
                CAROL_HZ, BARESIP_CALL_SECONDS);
             LabAgent alice = LabAgent.start(lab.prefix(), "a-cli", cellDir, "alice", List.of("run", "--config",
                     aliceYaml.toString()), AGENT_DEBUG)) {
            assertTrue(alice.awaitLine("run: registered", 60), "the agent did not register:\n" + alice.output());
            carol.awaitRegistered(REGISTER_WAIT);
            carol.callTo("sip:alice@" + LabAgent.DOMAIN);
            if (!carol.awaitCallEstablished(ANSWER_WAIT)) {
                notes.add("not answered");
            } else {
                LabBaresip.CallEnd end = carol.awaitCallEnd(BARESIP_CALL_WAIT);
                if (end != LabBaresip.CallEnd.ENDED) {
                    notes.add(end == LabBaresip.CallEnd.ICE_FAILED ? "baresip's ICE failed, hung up"
                            : "no tone ended baresip's call, hung up");
                    carol.hangup();
                    carol.awaitCallEnded(Duration.ofSeconds(5));
                }
            }
            report = LabAgent.awaitFile(reports, ".json", Duration.ofSeconds(10));
            notes.add("baresip got RTP from " + carol.mediaSource().orElse("nobody"));
            alice.close();
            Files.writeString(cellDir.resolve("agent.log"), alice.output());
            carol.close();
            carolHeard = ToneCheck.mismatch(carol.heard(), ALICE_HZ, CAROL_HZ);
        }
        Path recording = LabAgent.awaitFile(recordings, ".wav", Duration.ofSeconds(2));
        Optional<String> aliceHeard = recording != null ? ToneCheck.mismatch(WavFile.read(recording), CAROL_HZ,
                ALICE_HZ) : Optional.of("no recording");
        return cell(agentNat, baresipNat, peer, Direction.BARESIP_CALLS, cellDir, report, aliceHeard, carolHeard,
                notes, start);
    }

    private static Cell cell(String agentNat, String baresipNat, Peer peer, Direction direction, Path cellDir,
                             Path report, Optional<String> aliceHeard, Optional<String> carolHeard,
                             List<String> notes, long start) throws IOException {
        JsonNode r = report != null && Files.exists(report) ? JSON.readTree(report.toFile()) : MissingNode.getInstance();
        aliceHeard.ifPresent(why -> notes.add("agent's recording: " + why));
        carolHeard.ifPresent(why -> notes.add("baresip's recording: " + why));
        JsonNode t = r.path("traversal");
        Report agent = new Report(r.path("outcome").asText("no report"), r.path("reason").asText(""),
                t.path("mode").asText("-"), t.path("strategy").asText("-"),
                t.path("settledMillis").isNumber() ? t.path("settledMillis").asLong() : null,
                r.path("media").path("remote").asText("-"), r.path("media").path("rtpSent").asLong(),
                r.path("media").path("rtpReceived").asLong(), r.path("media").path("rtpDropped").asLong());
        return new Cell(agentNat, baresipNat, peer, direction, aliceHeard.isEmpty(), carolHeard.isEmpty(), agent,
                String.join("; ", notes), Duration.ofNanos(System.nanoTime() - start), cellDir);
    }

    private static Path cellDir(String agentNat, String baresipNat, Peer peer, Direction direction)
            throws IOException {
        return Files.createDirectories(dir.resolve(agentNat + "_" + baresipNat).resolve(peer.name().toLowerCase()
                + "_" + direction.name().toLowerCase()));
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Set<String> targets() {
        String pr = "port-restricted";
        String ss = "symmetric-sequential";
        List<String> keys = new ArrayList<>();
        for (Direction d : Direction.values()) {
            for (Peer p : List.of(Peer.ICE_MUX, Peer.ICE_NO_MUX, Peer.STUN)) {
                keys.add(key(pr, pr, p, d));
                keys.add(key(ss, pr, p, d));
                keys.add(key(pr, ss, p, d));
            }
        }
        return Set.copyOf(keys);
    }

    private static String key(String agentNat, String baresipNat, Peer peer, Direction direction) {
        return agentNat + "/" + baresipNat + " " + direction.name() + " " + peer.name();
    }

    /** What the agent's call report says of the call: how it ended, how traversal went, where media came from. */
    record Report(String outcome, String reason, String mode, String strategy, Long settledMillis,
                  String mediaFrom, long rtpSent, long rtpReceived, long rtpDropped) {

        String text() {
            return outcome + (reason.isEmpty() ? "" : " (" + reason + ")") + ", mode " + mode + ", strategy "
                    + strategy + ", settled " + (settledMillis == null ? "-" : settledMillis + " ms")
                    + ", media from " + mediaFrom + ", RTP sent " + rtpSent + " received " + rtpReceived
                    + " dropped " + rtpDropped;
        }
    }

    /** One call: whether each tone arrived, the agent's report, what was seen on the way, where its logs are. */
    record Cell(String agentNat, String baresipNat, Peer peer, Direction direction, boolean agentHeard,
                boolean baresipHeard, Report report, String notes, Duration took, Path dir) {

        String key() {
            return KernelIcePeerTest.key(agentNat, baresipNat, peer, direction);
        }

        /** "both", "agent heard baresip", "baresip heard agent" or "none". */
        String outcome() {
            if (agentHeard && baresipHeard) {
                return "both";
            }
            if (agentHeard) {
                return "agent heard baresip";
            }
            return baresipHeard ? "baresip heard agent" : "none";
        }

        String line() {
            return agentNat + " / " + baresipNat + ", " + direction.label + ", baresip " + peer.label + ": "
                    + outcome() + " (" + took.toMillis() + " ms; agent: " + report.text() + "; " + notes + ")";
        }
    }

    private static String table(List<Cell> cells, Duration took) {
        Map<String, Map<Peer, Cell>> rows = new LinkedHashMap<>();
        for (Cell cell : cells) {
            rows.computeIfAbsent(cell.agentNat() + "|" + cell.baresipNat() + "|" + cell.direction().name(),
                    k -> new LinkedHashMap<>()).put(cell.peer(), cell);
        }
        StringBuilder t = new StringBuilder("# The agent ↔ baresip across kernel NATs (direct media)\n\n"
                + "Agent (NAT traversal mode) behind site a, baresip 1.0.0 behind site b, calls through Kamailio, "
                + "one call per cell; \"both\" = each tone in the other's recording (the lab has no relay). "
                + "baresip ↔ baresip: the outcomes KernelBaresipBaselineTest asserts for the same sites and "
                + "call direction (caller's NAT → callee's). Agent cells: outcome, then the agent's report: "
                + "traversal mode / strategy / settledMillis. Run: " + took.toSeconds() + " s.\n\n"
                + "| agent NAT / baresip NAT | call | baresip↔baresip ice | baresip↔baresip stun "
                + "| agent↔baresip ice (rtcp_mux yes) | agent↔baresip ice (rtcp_mux no) | agent↔baresip stun |\n"
                + "|---|---|---|---|---|---|---|\n");
        rows.forEach((k, byPeer) -> {
            Cell any = byPeer.values().iterator().next();
            boolean agentCalls = any.direction() == Direction.AGENT_CALLS;
            String caller = agentCalls ? any.agentNat() : any.baresipNat();
            String callee = agentCalls ? any.baresipNat() : any.agentNat();
            t.append("| ").append(any.agentNat()).append(" / ").append(any.baresipNat()).append(" | ")
                    .append(any.direction().label).append(" | ")
                    .append(KernelBaresipBaselineTest.expected(MediaNat.ICE, caller, callee)).append(" | ")
                    .append(KernelBaresipBaselineTest.expected(MediaNat.STUN, caller, callee)).append(" | ");
            for (Peer peer : Peer.values()) {
                t.append(cellText(byPeer.get(peer))).append(" | ");
            }
            t.setLength(t.length() - 1);
            t.append('\n');
        });
        t.append("\nTargets (asserted): ice (rtcp_mux yes and no) and stun: port-restricted on both sides and "
                + "symmetric-sequential against port-restricted, both site orders and both directions; "
                + "symmetric-sequential on both sides measured only.\n\nDetails:\n\n");
        cells.forEach(c -> t.append("- ").append(c.line()).append('\n'));
        return t.toString();
    }

    private static String cellText(Cell cell) {
        if (cell == null) {
            return "-";
        }
        Report r = cell.report();
        // the mode's and strategy's first words (the details list has them whole)
        return cell.outcome() + " (" + r.mode().split(" ")[0] + " / " + r.strategy().split(":")[0] + " / "
                + (r.settledMillis() == null ? "-" : r.settledMillis() + " ms") + ")";
    }
}
