package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A long call ({@value #LONG_CALL_SECONDS_DEFAULT} s; the system property {@code faults.longCallSeconds} shortens
 * it by hand) between two symmetric-sequential kernel NATs ({@code lab/natlab.sh}, the set-up of
 * {@link KernelTraversalMatrixTest}: warm agents through a real Kamailio) whose conntrack UDP timeouts, unreplied
 * and stream, are {@value #CONNTRACK_TIMEOUT} s, both routers' tables listed every second.
 * <p>
 * The agent sends RTP without pause (a 20 ms frame every 20 ms, no silence suppression) and consent checks every
 * ~5 s on the media path, so the media mapping is refreshed by the media itself: the call shows that the mappings
 * stay put under continuous media. Its SIP flow to Kamailio carries no media: the agent's keepalives (every 10 s
 * in the lab) and Kamailio's NAT pings hold that mapping, and the final BYE, which must cross it, shows they did.
 * <p>
 * The class runs beside the others ({@link ExecutionMode#CONCURRENT}; every other class of the module runs one
 * after another, {@code junit-platform.properties}): the call mostly waits, in namespaces with a prefix of this
 * run's own, and its agents are processes of their own.
 */
@Execution(ExecutionMode.CONCURRENT)
class KernelLongCallTest {

    private static final int LONG_CALL_SECONDS_DEFAULT = 300;
    private static final int LONG_CALL_SECONDS = Integer.getInteger("faults.longCallSeconds",
            LONG_CALL_SECONDS_DEFAULT);
    private static final int CONNTRACK_TIMEOUT = 30;
    private static final Duration CONNTRACK_PERIOD = Duration.ofSeconds(1);
    /** The longest media may stop, on either side. */
    private static final long MAX_GAP_MILLIS = 1000;
    /** RTP packets a side may miss at the end of a lossless call: its peer sends on until the BYE arrives. */
    private static final long END_SLACK_PACKETS = 50;
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(30);
    private static final String SITE_A_CLIENT = "10.0.1.2";
    private static final String SITE_B_CLIENT = "10.0.2.2";
    private static final String SITE_A = "198.18.1.1";
    private static final String SITE_B = "198.18.2.1";
    private static final List<String> DISCOVERY_IPS = List.of("198.18.0.21", "198.18.0.31", "198.18.0.22",
            "198.18.0.32");

    /**
     * Completed on both sides (the BYE crossed both NATs' SIP mappings after the whole call), direct, media never
     * stopped for {@value #MAX_GAP_MILLIS} ms or more on either side, nothing missing at the end; the timeouts
     * really were {@value #CONNTRACK_TIMEOUT} s (the sysctls read back, and the media flow's own entry never had
     * more left); flows that went idle (discovery) expired meanwhile, while the media flow and the SIP flow kept
     * their NAT ports for the whole call.
     */
    @Test
    void longCallKeepsItsMappingsThroughThirtySecondConntrackTimeouts(@TempDir Path dir) throws Exception {
        LabHost.requireLab(List.of("kamailio (kamailio)", "conntrack (conntrack)"));
        String nat = "symmetric-sequential";
        String timeout = Integer.toString(CONNTRACK_TIMEOUT);
        List<String> timeouts = new ArrayList<>();
        MatrixCell cell;
        ConntrackWatch watch;
        try (MatrixLab lab = new MatrixLab("fh" + ProcessHandle.current().pid() % 100000, List.of("--nat-a", nat,
                "--nat-b", nat, "--udp-timeout-a", timeout, "--udp-stream-timeout-a", timeout,
                "--udp-timeout-b", timeout, "--udp-stream-timeout-b", timeout), dir, LONG_CALL_SECONDS)) {
            for (String node : List.of("a-nat", "b-nat")) {
                timeouts.addAll(lab.host().exec(node, List.of("sysctl", "-n", "net.netfilter.nf_conntrack_udp_timeout",
                        "net.netfilter.nf_conntrack_udp_timeout_stream")).lines().map(String::trim).toList());
            }
            lab.callee().register(REGISTER_WAIT);
            watch = ConntrackWatch.start(lab.host(), List.of("a-nat", "b-nat"), CONNTRACK_PERIOD);
            try {
                cell = lab.call(nat, nat, LONG_CALL_SECONDS);
            } finally {
                watch.close();
            }
        }
        JsonNode caller = cell.atCaller();
        JsonNode callee = cell.atCallee();
        long answered = caller.path("timings").path("answered").asLong();
        long ended = caller.path("timings").path("ended").asLong();
        System.out.printf("long call: %d s, conntrack timeouts %s: %s; longest media gap %s ms (caller) / "
                        + "%s ms (callee); RTP caller->callee sent %s received %s, callee->caller sent %s received %s; "
                        + "%d conntrack listings%n", LONG_CALL_SECONDS, timeouts, cell.summary(), CallChecks.gap(caller),
                CallChecks.gap(callee), caller.path("media").path("rtpSent"), callee.path("media").path("rtpReceived"),
                callee.path("media").path("rtpSent"), caller.path("media").path("rtpReceived"),
                watch.snapshots().size());

        assertEquals(List.of(timeout, timeout, timeout, timeout), timeouts,
                "udp and udp_stream conntrack timeouts of a-nat and b-nat");
        CallChecks.assertCompleted(cell);
        assertTrue(cell.direct(), cell.summary());
        assertTrue((ended - answered) / 1000 >= LONG_CALL_SECONDS, "the call lasted " + (ended - answered) + " ms");
        CallChecks.assertGapBelow(cell, MAX_GAP_MILLIS);
        assertNothingMissingAtTheEnd(caller, callee);
        assertNothingMissingAtTheEnd(callee, caller);

        assertTrue(watch.problems().isEmpty(), "conntrack listings failed: " + watch.problems());
        List<String> wrong = new ArrayList<>();
        wrong.addAll(mappingsHeld(watch.snapshots(), "a-nat", SITE_A_CLIENT, caller, SITE_B, callee, answered, ended));
        wrong.addAll(mappingsHeld(watch.snapshots(), "b-nat", SITE_B_CLIENT, callee, SITE_A, caller, answered, ended));
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /**
     * What router {@code node} must have shown: in every listing from 5 s after the answer to 2 s before the
     * end, the media flow (the report's local port to its remote tuple) on the NAT port the peer sends to, with
     * at most the configured timeout left; the SIP flow to Kamailio on one NAT port all along; and the
     * discovery flows of the media port gone before the end, each seen for at most the timeout.
     */
    private static List<String> mappingsHeld(List<ConntrackWatch.Snapshot> all, String node, String client,
                                             JsonNode own, String peerSite, JsonNode peer, long answered,
                                             long ended) {
        List<String> wrong = new ArrayList<>();
        int mediaPort = port(own.path("localMedia").asText());
        int remotePort = port(own.path("media").path("remote").asText());
        int peerSendsTo = port(peer.path("media").path("remote").asText());
        List<ConntrackWatch.Snapshot> snapshots = all.stream().filter(s -> s.node().equals(node)).toList();
        List<ConntrackWatch.Snapshot> during = snapshots.stream()
                .filter(s -> s.atMillis() >= answered + 5000 && s.atMillis() <= ended - 2000).toList();
        long window = (ended - 2000 - answered - 5000) / 1000;
        if (during.size() < window / 2) {
            wrong.add(node + ": only " + during.size() + " listings in " + window + " s");
        }
        Integer sipPort = null;
        int maxLeft = 0;
        for (ConntrackWatch.Snapshot s : during) {
            Optional<ConntrackWatch.Entry> media = s.entries().stream().filter(e -> e.src().equals(client)
                    && e.sport() == mediaPort && e.dst().equals(peerSite) && e.dport() == remotePort).findFirst();
            if (media.isEmpty() || media.get().natPort() != peerSendsTo) {
                wrong.add(node + " at +" + (s.atMillis() - answered) / 1000 + " s: media flow " + client + ":"
                        + mediaPort + " -> " + peerSite + ":" + remotePort + " not on NAT port " + peerSendsTo + ": "
                        + media);
                continue;
            }
            maxLeft = Math.max(maxLeft, media.get().timeoutSeconds());
            Optional<ConntrackWatch.Entry> sip = s.entries().stream().filter(e -> e.src().equals(client)
                    && e.sport() == 5060 && e.dst().equals(LabKamailio.ADDRESS) && e.dport() == LabKamailio.PORT)
                    .findFirst();
            if (sip.isEmpty() || (sipPort != null && sip.get().natPort() != sipPort)) {
                wrong.add(node + " at +" + (s.atMillis() - answered) / 1000 + " s: SIP flow not on NAT port " + sipPort
                        + ": " + sip);
            } else {
                sipPort = sip.get().natPort();
            }
        }
        if (maxLeft > CONNTRACK_TIMEOUT) {
            wrong.add(node + ": the media flow had " + maxLeft + " s left, more than the timeout");
        }
        // discovery flows of the media port: idle after discovery, so they expire while the call goes on
        Map<String, long[]> discovery = new TreeMap<>();
        for (ConntrackWatch.Snapshot s : snapshots) {
            for (ConntrackWatch.Entry e : s.entries()) {
                if (e.src().equals(client) && e.sport() == mediaPort && DISCOVERY_IPS.contains(e.dst())) {
                    discovery.computeIfAbsent(e.dst() + ":" + e.dport(), k -> new long[] {s.atMillis(), 0})[1] =
                            s.atMillis();
                }
            }
        }
        long lastListing = snapshots.isEmpty() ? 0 : snapshots.get(snapshots.size() - 1).atMillis();
        if (discovery.isEmpty()) {
            wrong.add(node + ": no discovery flow of media port " + mediaPort + " was ever listed");
        }
        discovery.forEach((server, seen) -> {
            long lived = seen[1] - seen[0];
            if (lived > (CONNTRACK_TIMEOUT + 3) * 1000L || seen[1] >= lastListing) {
                wrong.add(node + ": discovery flow to " + server + " listed for " + lived + " ms"
                        + (seen[1] >= lastListing ? ", still there at the end" : ""));
            }
        });
        System.out.printf("long call: %s: media flow %s:%d on NAT port %d in %d listings (at most %d s left); SIP flow on "
                        + "NAT port %s; discovery flows seen for %s ms%n", node, client, mediaPort, peerSendsTo,
                during.size(), maxLeft, sipPort,
                discovery.values().stream().map(v -> Long.toString(v[1] - v[0])).toList());
        return wrong;
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }


    /** The receiver got what the sender sent, but for the packets in flight when the call ended. */
    private static void assertNothingMissingAtTheEnd(JsonNode sender, JsonNode receiver) {
        long sent = sender.path("media").path("rtpSent").asLong();
        long received = receiver.path("media").path("rtpReceived").asLong();
        assertTrue(received >= sent - END_SLACK_PACKETS, receiver.path("role").asText() + " received " + received
                + " of " + sent + " RTP packets: media stopped before the end");
    }
}
