package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Kamailio killed during a call, in a kernel NAT lab of its own ({@code lab/natlab.sh}, the set-up of
 * {@link KernelTraversalMatrixTest}: warm agents through a real Kamailio, namespaces {@code fkN-*}). The agents
 * register for 60 s (Kamailio's minimum) and refresh at half of it, 30 s, so the call waits out a refresh: the
 * class mostly waits and runs beside the others ({@link ExecutionMode#CONCURRENT}).
 */
@Execution(ExecutionMode.CONCURRENT)
class KernelProxyRestartTest {

    /** How long the short calls last after their answer, as in the matrix. */
    private static final int CALL_SECONDS = KernelTraversalMatrixTest.CALL_SECONDS;
    /** The longest media may stop, on either side. */
    private static final long MAX_GAP_MILLIS = 1000;
    private static final int REFRESH_SECONDS = 30;
    /** The lab's discovery server; a registration of 60 s refreshed at half of it; the default INVITE timeout. */
    private static final LabAgent.Options AGENTS = new LabAgent.Options(LabAgent.Options.DEFAULT.discoveryServers(),
            60, 20, 32);
    /** Re-registration after Kamailio's restart: within one refresh period, plus start-up and retransmissions. */
    private static final Duration REREGISTER_WAIT = Duration.ofSeconds(REFRESH_SECONDS + 10);
    /** The restart call lasts past the re-registrations. */
    private static final int RESTART_CALL_SECONDS = REFRESH_SECONDS + 20;
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);

    private static final String ALICE = "sip:alice@" + LabAgent.DOMAIN;
    private static final String BOB = "sip:bob@" + LabAgent.DOMAIN;
    private static final String SITE_A_CLIENT = "10.0.1.2";
    private static final String SITE_B_CLIENT = "10.0.2.2";
    private static final String SITE_A = "198.18.1.1";
    private static final String SITE_B = "198.18.2.1";

    /**
     * Kamailio killed (SIGKILL to all its processes, as a crash) during an established call and started afresh
     * with an empty location table: media goes on, both agents register again at their next refresh, and the
     * BYE at the end passes the new Kamailio; a new call then finds the callee through the new location table.
     * Symmetric-sequential NATs on both sides: a SIP mapping lost meanwhile would come back on another port.
     */
    @Test
    void kamailioRestartedMidCall(@TempDir Path dir) throws IOException, InterruptedException {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)"));
        try (MatrixLab lab = new MatrixLab("fk" + ProcessHandle.current().pid() % 100000, List.of("--nat-a",
                "port-restricted", "--nat-b", "port-restricted"), dir, CALL_SECONDS, AGENTS)) {
            // warm-up, not recorded: a cold server's, proxy's or agent's first answers can be late
            lab.trial("port-restricted", "port-restricted");
            restartDuringACall(lab);
        }
    }

    private static void restartDuringACall(MatrixLab lab) throws IOException, InterruptedException {
        String nat = "symmetric-sequential";
        lab.host().nat("a", List.of("--nat", nat));
        lab.host().nat("b", List.of("--nat", nat));
        lab.caller().register(REGISTER_WAIT);
        lab.callee().register(REGISTER_WAIT);
        LabKamailio before = lab.proxy();
        String ack = "request ACK " + BOB.replace(LabAgent.DOMAIN, SITE_B);
        int acks = before.occurrences(ack);

        lab.caller().call(BOB, RESTART_CALL_SECONDS);
        assertTrue(before.awaitLog(List.of(ack), acks + 1, Duration.ofSeconds(30)).containsKey(ack),
                "the call was not set up (no ACK through Kamailio)");
        // media flows both ways once each NAT holds an assured flow between the two sites' media ports
        assertTrue(awaitAssuredMedia(lab, "a-nat", SITE_A_CLIENT, SITE_B, Duration.ofSeconds(15)),
                "no two-way media flow at site a before the restart");
        assertTrue(awaitAssuredMedia(lab, "b-nat", SITE_B_CLIENT, SITE_A, Duration.ofSeconds(15)),
                "no two-way media flow at site b before the restart");

        Instant killed = Instant.now();
        LabKamailio after = lab.restartProxy();
        assertFalse(before.running(), "the old Kamailio still runs");
        String aliceAgain = "location saved for " + ALICE + " from " + SITE_A + ":";
        String bobAgain = "location saved for " + BOB + " from " + SITE_B + ":";
        Map<String, Instant> again = after.awaitLog(List.of(aliceAgain, bobAgain), 1, REREGISTER_WAIT);

        JsonNode atCaller = lab.caller().report(null, Duration.ofSeconds(RESTART_CALL_SECONDS + 40))
                .orElseGet(() -> fail("the caller's call did not end"));
        Optional<JsonNode> atCallee = lab.callee().report(atCaller.path("callId").asText(), Duration.ofSeconds(10));
        MatrixCell cell = new MatrixCell(nat, nat, atCaller, atCallee.orElse(MissingNode.getInstance()),
                atCallee.isPresent() ? null : "the callee has no report of the call");
        String log = after.log();
        System.out.printf("proxy restart: Kamailio restarted %.1f s after the answer; registered again after %s (alice) "
                        + "and %s (bob); call %s; longest media gap %s ms (caller) / %s ms (callee)%n",
                (killed.toEpochMilli() - atCaller.path("timings").path("answered").asLong()) / 1000.0,
                seconds(killed, again.get(aliceAgain)), seconds(killed, again.get(bobAgain)), cell.summary(),
                CallChecks.gap(cell.atCaller()), CallChecks.gap(cell.atCallee()));

        assertTrue(again.containsKey(aliceAgain) && again.containsKey(bobAgain), "not both registered again within "
                + REREGISTER_WAIT.toSeconds() + " s of the restart: " + again.keySet() + "\n--- new Kamailio:\n" + log);
        long ended = atCaller.path("timings").path("ended").asLong();
        assertTrue(again.values().stream().allMatch(t -> t.toEpochMilli() < ended),
                "the re-registrations came after the call ended: the call must span them");
        CallChecks.assertCompleted(cell);
        assertTrue(cell.direct(), "the call lost its direct path: " + cell.summary());
        CallChecks.assertGapBelow(cell, MAX_GAP_MILLIS);
        assertTrue(log.contains("request BYE " + BOB.replace(LabAgent.DOMAIN, SITE_B)),
                "the BYE did not pass the new Kamailio:\n" + log);

        MatrixCell next = lab.call(nat, nat, CALL_SECONDS);
        System.out.println("proxy restart: a call through the new Kamailio: " + next.summary());
        CallChecks.assertCompleted(next);
        assertTrue(next.direct(), next.summary());
    }

    /** Whether router {@code node} shows an assured flow from its client's media ports to the other site. */
    private static boolean awaitAssuredMedia(MatrixLab lab, String node, String client, String peerSite, Duration wait)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Predicate<ConntrackWatch.Entry> media = e -> e.src().equals(client) && e.dst().equals(peerSite)
                && e.sport() >= 30000 && e.sport() <= 30099 && e.assured();
        while (System.nanoTime() - deadline < 0) {
            if (ConntrackWatch.list(lab.host(), node).stream().anyMatch(media)) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(200); // polls the router's table until the deadline
        }
        return false;
    }

    private static String seconds(Instant from, Instant to) {
        return to == null ? "(none)" : String.format("%.1f s", (to.toEpochMilli() - from.toEpochMilli()) / 1000.0);
    }
}
