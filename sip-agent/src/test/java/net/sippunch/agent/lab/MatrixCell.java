package net.sippunch.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Set;

/**
 * One cell of the kernel traversal matrix: the caller's site behaviour (site a), the callee's (site b), each
 * side's call report ({@link MissingNode} when there is none; then {@code problem} says why), and, in a lab with
 * a TURN relay ({@link LabCoturn}), how many Allocate requests the relay logged during the trial
 * ({@code allocateRequests}, null in a lab without one).
 */
record MatrixCell(String caller, String callee, JsonNode atCaller, JsonNode atCallee, String problem,
                  Long allocateRequests) {

    /** A cell of a lab without a relay. */
    MatrixCell(String caller, String callee, JsonNode atCaller, JsonNode atCallee, String problem) {
        this(caller, callee, atCaller, atCallee, problem, null);
    }

    /** Where each site's traffic comes from on the lab's internet: its NAT, or the client of an open site. */
    private static final String SITE_A = "198.18.1.";
    private static final String SITE_B = "198.18.2.";

    /** The behaviours of {@code lab/natlab.sh}, in table order. */
    static final java.util.List<String> BEHAVIOURS = java.util.List.of("open", "full-cone", "address-restricted",
            "port-restricted", "symmetric-sequential", "symmetric-second-priority", "symmetric-random");

    private static final Set<String> SEQUENTIAL = Set.of("symmetric-sequential", "symmetric-second-priority");

    /** The simulator's feasibility: random allocation against sequential, second-priority or random is not. */
    static boolean feasible(String a, String b) {
        boolean aRandom = a.equals("symmetric-random");
        boolean bRandom = b.equals("symmetric-random");
        return !((aRandom && (bRandom || SEQUENTIAL.contains(b))) || (bRandom && SEQUENTIAL.contains(a)));
    }

    /** The NAT type discovery should report for a behaviour. */
    static String expectedType(String behaviour) {
        return switch (behaviour) {
            case "open" -> "OPEN";
            case "full-cone" -> "FULL_CONE";
            case "address-restricted" -> "RESTRICTED_CONE";
            case "port-restricted" -> "PORT_RESTRICTED_CONE";
            case "symmetric-sequential" -> "SYMMETRIC_SEQUENTIAL";
            case "symmetric-second-priority" -> "SYMMETRIC_SECOND_PRIORITY";
            case "symmetric-random" -> "SYMMETRIC_RANDOM";
            default -> "?";
        };
    }

    boolean feasible() {
        return feasible(caller, callee);
    }

    /**
     * Both sides settled a path by probes, sent media to the other site (never to Kamailio's host) and
     * received RTP there.
     */
    boolean direct() {
        return directAt(atCaller, SITE_B) && directAt(atCallee, SITE_A);
    }

    private static boolean directAt(JsonNode report, String peerSite) {
        return report.path("traversal").path("settledMillis").isNumber()
                && report.path("media").path("remote").asText("").startsWith(peerSite)
                && rtpBothWays(report);
    }

    private static boolean rtpBothWays(JsonNode report) {
        return report.path("media").path("rtpSent").asLong(0) > 0
                && report.path("media").path("rtpReceived").asLong(0) > 0;
    }

    /** RTP went both ways on both sides, wherever it went. */
    boolean rtpBothWays() {
        return rtpBothWays(atCaller) && rtpBothWays(atCallee);
    }

    /** Both sides' traversal gave up with a reason naming the pair infeasible. */
    boolean namedInfeasible() {
        return traversalReason(atCaller).contains("infeasible") && traversalReason(atCallee).contains("infeasible");
    }

    private static String traversalReason(JsonNode report) {
        return report.path("traversal").path("reason").asText("");
    }

    /** This cell with the Allocate requests the lab's relay logged during its trial. */
    MatrixCell withAllocateRequests(long requests) {
        return new MatrixCell(caller, callee, atCaller, atCallee, problem, requests);
    }

    /** The trial ran in a lab with a relay, which counted its Allocate requests. */
    boolean relayWatched() {
        return allocateRequests != null;
    }

    /**
     * What the simulator predicts happened: direct where feasible, a named give-up where not; in a lab with a
     * relay, see {@link #unexpected}.
     */
    boolean asPredicted() {
        return unexpected() == null;
    }

    /**
     * Why the cell is not as predicted, or null when it is. Without a relay: a direct path where feasible, a
     * give-up named "infeasible" where not. With a relay: where feasible, the same direct path, no relay in the
     * caller's report and no Allocate request at the relay during the trial; where not, the named give-up and
     * then media both ways through the relay ({@link #relayedProblem}), with at least one Allocate request
     * logged during the trial (the relay's log is read as it is written).
     */
    String unexpected() {
        if (!relayWatched()) {
            return feasible() ? (direct() ? null : "feasible, no direct path")
                    : (namedInfeasible() ? null : "infeasible, not a named give-up");
        }
        if (feasible()) {
            if (!direct()) {
                return "feasible, no direct path";
            }
            JsonNode relay = atCaller.path("traversal").path("relay");
            if (!relay.isNull() && !relay.isMissingNode()) {
                return "direct, but the caller's report has a relay: " + relay;
            }
            return allocateRequests == 0 ? null
                    : "direct, but the relay logged " + allocateRequests + " Allocate request(s) during the call";
        }
        String relayed = relayedProblem();
        if (relayed != null) {
            return "infeasible, not relayed: " + relayed;
        }
        return allocateRequests > 0 ? null : "relayed, but the relay logged no Allocate request during the call";
    }

    /**
     * Why the cell is not a relayed call with media both ways after a give-up named "infeasible", or null when
     * it is: the caller allocated and relayed ({@code traversal.relay.role} {@code allocated}, {@code relayed}),
     * the callee checked the same relayed address and relayed, RTP went both ways on both sides, the caller's
     * media to site b's NAT (the callee as the relay saw it) and the callee's to the relayed address.
     */
    String relayedProblem() {
        JsonNode at = atCaller.path("traversal").path("relay");
        JsonNode checked = atCallee.path("traversal").path("relay");
        if (problem != null) {
            return problem;
        }
        if (!namedInfeasible()) {
            return "the punch did not give up as infeasible";
        }
        if (!at.path("relayed").asBoolean(false) || !"allocated".equals(at.path("role").asText())) {
            return "the caller did not relay: " + at;
        }
        if (!checked.path("relayed").asBoolean(false)
                || !at.path("relayedAddress").asText().equals(checked.path("relayedAddress").asText())) {
            return "the callee did not check the relayed address: " + checked;
        }
        if (!rtpBothWays()) {
            return "RTP did not go both ways";
        }
        // the caller's media went to site b's NAT as coturn saw it, the callee's to the relayed address
        if (!atCaller.path("media").path("remote").asText().startsWith(SITE_B)
                || !atCallee.path("media").path("remote").asText().equals(at.path("relayedAddress").asText())) {
            return "media went elsewhere: caller " + atCaller.path("media").path("remote") + ", callee "
                    + atCallee.path("media").path("remote");
        }
        return null;
    }

    /** The caller relayed the call's media (whether or not all of {@link #relayedProblem} holds). */
    boolean relayed() {
        return atCaller.path("traversal").path("relay").path("relayed").asBoolean(false);
    }

    /** The caller's time from the punch's give-up to the relayed address being ready, NaN when none was. */
    double relayReadyMs() {
        return atCaller.path("traversal").path("relay").path("readyMillis").asDouble(Double.NaN);
    }

    /** The caller's first two-way RTP after the answer (report timings), NaN when none. */
    double firstTwoWayMs() {
        JsonNode t = atCaller.path("timings");
        return t.path("firstTwoWayRtp").isNumber() && t.path("answered").isNumber()
                ? t.path("firstTwoWayRtp").asDouble() - t.path("answered").asDouble() : Double.NaN;
    }

    /** The NAT type each side's discovery found, caller's first. */
    String types() {
        return type(atCaller) + " / " + type(atCallee);
    }

    private static String type(JsonNode report) {
        return report.path("traversal").path("localProfile").path("type").asText("-");
    }

    /** Discovery classified both sites as their behaviour's name says. */
    boolean classifiedAsNamed() {
        return type(atCaller).equals(expectedType(caller)) && type(atCallee).equals(expectedType(callee));
    }

    /** The caller's time from the start of punching to its settled path, NaN when none settled. */
    double callerMs() {
        return settledMs(atCaller);
    }

    double calleeMs() {
        return settledMs(atCallee);
    }

    private static double settledMs(JsonNode report) {
        return report.path("traversal").path("settledMillis").asDouble(Double.NaN);
    }

    long probes() {
        return atCaller.path("traversal").path("probesSent").asLong(0)
                + atCallee.path("traversal").path("probesSent").asLong(0);
    }

    /** Both sides' strategies (the name before the report's explanation). */
    String strategies() {
        return strategy(atCaller) + " / " + strategy(atCallee);
    }

    String callerStrategy() {
        return strategy(atCaller);
    }

    private static String strategy(JsonNode report) {
        String s = report.path("traversal").path("strategy").asText("-");
        int colon = s.indexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    /** Where each side sent its media, caller's first. */
    String remotes() {
        return atCaller.path("media").path("remote").asText("-") + " / "
                + atCallee.path("media").path("remote").asText("-");
    }

    /** Why a side did not get a direct path: the traversal's reason, else the call's when it did not complete. */
    String reason() {
        if (problem != null) {
            return problem;
        }
        String a = why(atCaller);
        String b = why(atCallee);
        return a.equals(b) ? a : (a.isEmpty() ? "" : "caller: " + a) + (b.isEmpty() ? "" : (a.isEmpty() ? "" : "; ")
                + "callee: " + b);
    }

    private static String why(JsonNode report) {
        String traversal = traversalReason(report);
        if (!traversal.isEmpty()) {
            return traversal;
        }
        return report.path("outcome").asText("").equals("completed") ? "" : report.path("outcome").asText("")
                + ": " + report.path("reason").asText("");
    }

    /** One progress line. */
    String summary() {
        String path = direct() ? "direct" : relayed() ? "relayed" : "no path";
        String relay = relayed() ? String.format(" relay ready %.0f ms, two-way RTP %.0f ms after the answer",
                relayReadyMs(), firstTwoWayMs()) : "";
        String allocates = relayWatched() ? " " + allocateRequests + " Allocate" : "";
        return String.format("%-25s x %-25s %-7s %-29s caller %5.0f ms callee %5.0f ms %5d probes RTP %s%s%s%s",
                caller, callee, path, strategies(), callerMs(), calleeMs(), probes(),
                rtpBothWays() ? "both ways" : "not both ways", allocates, relay,
                direct() ? "" : "  " + remotes() + "  " + reason());
    }
}
