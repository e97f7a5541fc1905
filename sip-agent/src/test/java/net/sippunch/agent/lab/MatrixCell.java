package net.sippunch.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Set;

/**
 * One cell of the kernel traversal matrix: the caller's site behaviour (site a), the callee's (site b), and
 * each side's call report ({@link MissingNode} when there is none; then {@code problem} says why).
 */
record MatrixCell(String caller, String callee, JsonNode atCaller, JsonNode atCallee, String problem) {

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

    /** What the simulator predicts happened: direct where feasible, a named give-up where not. */
    boolean asPredicted() {
        return feasible() ? direct() : namedInfeasible();
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
        return String.format("%-25s x %-25s %-7s %-29s caller %5.0f ms callee %5.0f ms %5d probes RTP %s%s",
                caller, callee, direct() ? "direct" : "no path", strategies(), callerMs(), calleeMs(), probes(),
                rtpBothWays() ? "both ways" : "not both ways", direct() ? "" : "  " + remotes() + "  " + reason());
    }
}
