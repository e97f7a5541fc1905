package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sippunch.agent.interop.CpuLock;
import net.sippunch.agent.interop.ToneCheck;
import net.sippunch.agent.lab.LabBaresip.MediaNat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The baseline of the standard peer: baresip calls baresip through Kamailio across the lab's two kernel NAT
 * sites, the caller (carol) behind site a, the callee (dave) behind site b, each with the same {@code medianat}
 * (ice, then stun; the lab's discovery server is their STUN server). The lab has no relay, so a tone in the
 * other side's recording came over a direct path. One call per cell, {@value #TONE_SECONDS} s of tone each
 * way; the table goes to standard output and to {@code target/kernel-baresip-baseline.md}.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = CpuLock.CPU, mode = ResourceAccessMode.READ)
@ResourceLock(CpuLock.PEER_LABS)
class KernelBaresipBaselineTest {

    /** Each side's tone: the call ends when the first one ends (baresip hangs up at the end of its file). */
    static final int TONE_SECONDS = 4;
    private static final double CALLER_HZ = 440;
    private static final double CALLEE_HZ = 1000;
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(20);
    /**
     * How long a call may last after its answer before the caller hangs up: ICE's checks (about 5 s here,
     * the host pairs time out first) plus the tone. A call whose ICE never completes never starts its tone.
     */
    private static final Duration CALL_WAIT = Duration.ofSeconds(TONE_SECONDS + 16);

    /** The pairs (caller's site behaviour, callee's), in table order. */
    private static final List<List<String>> PAIRS = List.of(
            List.of("port-restricted", "port-restricted"),
            List.of("symmetric-sequential", "port-restricted"),
            List.of("port-restricted", "symmetric-sequential"),
            List.of("symmetric-sequential", "symmetric-sequential"));

    /**
     * What each cell must show: "both" (each tone in the other's recording), "caller to callee" or "callee to
     * caller" (one way), "none". Port-restricted on both sides is the physics: each side's STUN mapping is the
     * port it sends media from, so ICE and STUN both connect. Symmetric-sequential on either side is what was
     * measured on this lab (kernel 6.18, baresip 1.0.0), the same in 3 of 3 runs, and is what the NATs predict
     * without a relay: the mapping STUN learnt is toward the discovery server only, media to the peer leaves
     * from a new port the peer never heard of, and the port-restricted (or symmetric) filter on the other side
     * drops it.
     * <ul>
     * <li>ice: both checks of every pair time out and ICE ends with "no valid candidate pair" about 5 s after
     * the answer; baresip keeps the call up without media (no tone starts), so the caller hangs up: none.
     * <li>stun: each side sends RTP to the other's STUN mapping and none arrives; the call ends with the tone:
     * none (not one way either).
     * </ul>
     */
    private static final Map<String, String> EXPECTED = Map.of(
            key(MediaNat.ICE, "port-restricted", "port-restricted"), "both",
            key(MediaNat.ICE, "symmetric-sequential", "port-restricted"), "none",
            key(MediaNat.ICE, "port-restricted", "symmetric-sequential"), "none",
            key(MediaNat.ICE, "symmetric-sequential", "symmetric-sequential"), "none",
            key(MediaNat.STUN, "port-restricted", "port-restricted"), "both",
            key(MediaNat.STUN, "symmetric-sequential", "port-restricted"), "none",
            key(MediaNat.STUN, "port-restricted", "symmetric-sequential"), "none",
            key(MediaNat.STUN, "symmetric-sequential", "symmetric-sequential"), "none");

    /**
     * What this test asserts for baresip calling baresip with {@code mode}, the caller behind {@code callerNat},
     * the callee behind {@code calleeNat}: the measured baseline, for other tables to cite.
     */
    static String expected(MediaNat mode, String callerNat, String calleeNat) {
        return EXPECTED.getOrDefault(key(mode, callerNat, calleeNat), "-");
    }

    @Test
    void baresipWithItselfAcrossKernelNats(@TempDir Path dir) throws IOException, InterruptedException {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)", "baresip (baresip)"));
        String prefix = "bb" + ProcessHandle.current().pid() % 100000;
        long start = System.nanoTime();
        List<Cell> cells = new ArrayList<>();
        try (PeerLab lab = PeerLab.start(prefix, dir, "port-restricted", "port-restricted",
                List.of("carol", "dave"))) {
            for (MediaNat mode : List.of(MediaNat.ICE, MediaNat.STUN)) {
                for (List<String> pair : PAIRS) {
                    Cell cell = call(lab.host(), dir, mode, pair.get(0), pair.get(1));
                    cells.add(cell);
                    System.out.println("baresip baseline: " + cell.line());
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String table = table(cells, took);
        Path out = Files.createDirectories(Path.of("target"));
        Files.writeString(out.resolve("kernel-baresip-baseline.md"), table);
        System.out.println(table);

        List<String> wrong = new ArrayList<>();
        for (Cell cell : cells) {
            String expected = EXPECTED.get(key(cell.mode(), cell.caller(), cell.callee()));
            if (!expected.equals(cell.outcome())) {
                wrong.add(cell.line() + ": expected " + expected + cell.diagnosis());
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " cell(s) differ:\n" + String.join("\n", wrong));
    }

    /** Sets both sites' NATs (fresh state), starts both peers, and places one call. */
    private static Cell call(LabHost lab, Path dir, MediaNat mode, String callerNat, String calleeNat)
            throws IOException, InterruptedException {
        lab.nat("a", List.of("--nat", callerNat));
        lab.nat("b", List.of("--nat", calleeNat));
        long start = System.nanoTime();
        Path cellDir = Files.createDirectories(dir.resolve(mode.label() + "-" + callerNat + "-" + calleeNat));
        List<String> notes = new ArrayList<>();
        Optional<String> callerHeard;
        Optional<String> calleeHeard;
        String diagnosis;
        try (LabBaresip carol = LabBaresip.start(lab, cellDir, "a", "carol", mode, CALLER_HZ, TONE_SECONDS);
             LabBaresip dave = LabBaresip.start(lab, cellDir, "b", "dave", mode, CALLEE_HZ, TONE_SECONDS)) {
            carol.awaitRegistered(REGISTER_WAIT);
            dave.awaitRegistered(REGISTER_WAIT);
            carol.callTo(dave.aor());
            if (!carol.awaitCallEstablished(ANSWER_WAIT)) {
                notes.add("not answered");
            } else {
                LabBaresip.CallEnd end = carol.awaitCallEnd(CALL_WAIT);
                if (end != LabBaresip.CallEnd.ENDED) {
                    notes.add(end == LabBaresip.CallEnd.ICE_FAILED ? "ICE failed, hung up"
                            : "no tone ended the call, hung up");
                    carol.hangup();
                    carol.awaitCallEnded(Duration.ofSeconds(5));
                }
            }
            dave.awaitCallEnded(Duration.ofSeconds(5));
            notes.add("carol got RTP from " + carol.mediaSource().orElse("nobody"));
            notes.add("dave from " + dave.mediaSource().orElse("nobody"));
            diagnosis = carol.describe() + dave.describe();
            // after close: the recordings are complete files
            carol.close();
            dave.close();
            callerHeard = ToneCheck.mismatch(carol.heard(), CALLEE_HZ, CALLER_HZ);
            calleeHeard = ToneCheck.mismatch(dave.heard(), CALLER_HZ, CALLEE_HZ);
        }
        callerHeard.ifPresent(why -> notes.add("carol: " + why));
        calleeHeard.ifPresent(why -> notes.add("dave: " + why));
        return new Cell(mode, callerNat, calleeNat, calleeHeard.isEmpty(), callerHeard.isEmpty(),
                String.join("; ", notes), Duration.ofNanos(System.nanoTime() - start), diagnosis);
    }

    private static String key(MediaNat mode, String caller, String callee) {
        return mode.label() + " " + caller + " -> " + callee;
    }

    private static String table(List<Cell> cells, Duration took) {
        Map<String, Map<MediaNat, Cell>> rows = new LinkedHashMap<>();
        for (Cell cell : cells) {
            rows.computeIfAbsent(cell.caller() + " → " + cell.callee(), k -> new LinkedHashMap<>())
                    .put(cell.mode(), cell);
        }
        StringBuilder t = new StringBuilder("# baresip ↔ baresip through Kamailio across kernel NATs (direct media)\n\n"
                + "baresip 1.0.0 both sides, caller behind site a, callee behind site b, one call per cell, "
                + TONE_SECONDS + " s of tone each way; \"both\" = each tone in the other's recording. "
                + "Run: " + took.toSeconds() + " s.\n\n"
                + "| caller → callee | medianat=ice | medianat=stun |\n|---|---|---|\n");
        rows.forEach((pair, byMode) -> t.append("| ").append(pair).append(" | ")
                .append(cellText(byMode.get(MediaNat.ICE))).append(" | ")
                .append(cellText(byMode.get(MediaNat.STUN))).append(" |\n"));
        t.append("\nDetails:\n\n");
        cells.forEach(c -> t.append("- ").append(c.line()).append('\n'));
        return t.toString();
    }

    private static String cellText(Cell cell) {
        return cell == null ? "-" : cell.outcome();
    }

    /** One call: whether each tone arrived, what was seen on the way, and the peers' logs' tails. */
    record Cell(MediaNat mode, String caller, String callee, boolean callerToCallee, boolean calleeToCaller,
                String notes, Duration took, String diagnosis) {

        String outcome() {
            if (callerToCallee && calleeToCaller) {
                return "both";
            }
            if (callerToCallee) {
                return "caller to callee";
            }
            return calleeToCaller ? "callee to caller" : "none";
        }

        String line() {
            return key(mode, caller, callee) + ": " + outcome() + " (" + took.toMillis() + " ms; " + notes + ")";
        }
    }
}
