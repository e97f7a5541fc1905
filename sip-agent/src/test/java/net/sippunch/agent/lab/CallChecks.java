package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What the fault labs ask of a finished call, from both sides' reports. */
final class CallChecks {

    private CallChecks() {
    }

    /** Both sides completed the call with media both ways. */
    static boolean completed(MatrixCell cell) {
        return cell.atCaller().path("outcome").asText().equals("completed")
                && cell.atCallee().path("outcome").asText().equals("completed")
                && cell.atCaller().path("mediaBothWays").asBoolean()
                && cell.atCallee().path("mediaBothWays").asBoolean();
    }

    static void assertCompleted(MatrixCell cell) {
        assertTrue(completed(cell), "not completed with media both ways on both sides: " + cell.summary() + "\ncaller: "
                + cell.atCaller() + "\ncallee: " + cell.atCallee());
    }

    /** Media never stopped for {@code limitMillis} or more on either side. */
    static void assertGapBelow(MatrixCell cell, long limitMillis) {
        for (JsonNode report : List.of(cell.atCaller(), cell.atCallee())) {
            JsonNode gap = report.path("media").path("maxGapMillis");
            assertTrue(gap.isNumber() && gap.asLong() < limitMillis, report.path("role").asText()
                    + ": media stopped for " + gap + " ms");
        }
    }

    /** The report's longest media gap, for a log line. */
    static String gap(JsonNode report) {
        return report.path("media").path("maxGapMillis").asText("-");
    }
}
