package net.sippunch.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Set;

/**
 * One cell of the kernel traversal matrix: the caller's site behaviour, the callee's, and what each side's
 * {@code punch-test} reported ({@link MissingNode} when it printed no result; then {@code problem} says why).
 */
record MatrixCell(String caller, String callee, JsonNode atCaller, JsonNode atCallee, String problem) {

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

    /** Both sides settled a direct path. */
    boolean direct() {
        return atCaller.path("ok").asBoolean(false) && atCallee.path("ok").asBoolean(false);
    }

    /** Both sides gave up with a reason starting "infeasible". */
    boolean namedInfeasible() {
        return !atCaller.path("ok").asBoolean(true) && !atCallee.path("ok").asBoolean(true)
                && atCaller.path("reason").asText("").startsWith("infeasible")
                && atCallee.path("reason").asText("").startsWith("infeasible");
    }

    /** What the simulator predicts happened: direct where feasible, a named give-up where not. */
    boolean asPredicted() {
        return feasible() ? direct() : namedInfeasible();
    }

    /** Discovery classified both sites as their behaviour's name says. */
    boolean classifiedAsNamed() {
        return atCaller.path("natType").asText("").equals(expectedType(caller))
                && atCallee.path("natType").asText("").equals(expectedType(callee));
    }

    double callerMs() {
        return atCaller.path("elapsedMs").asDouble(Double.NaN);
    }

    double calleeMs() {
        return atCallee.path("elapsedMs").asDouble(Double.NaN);
    }

    long probes() {
        return atCaller.path("probesSent").asLong(0) + atCallee.path("probesSent").asLong(0);
    }

    String strategies() {
        return atCaller.path("strategy").asText("-") + " / " + atCallee.path("strategy").asText("-");
    }

    String reason() {
        if (problem != null) {
            return problem;
        }
        String a = atCaller.path("reason").asText("");
        String b = atCallee.path("reason").asText("");
        return a.equals(b) ? a : (a.isEmpty() ? "" : "caller: " + a) + (b.isEmpty() ? "" : " callee: " + b);
    }

    /** One progress line. */
    String summary() {
        return String.format("%-25s x %-25s %-7s %-32s caller %7.1f ms callee %7.1f ms %5d probes%s",
                caller, callee, direct() ? "direct" : "no path", strategies(), callerMs(), calleeMs(), probes(),
                direct() ? "" : "  " + reason());
    }
}
