package net.sippunch.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The call report's spans: post-dial delay and the first two-way media, and how they are written. */
class CallReportTest {

    private static final long T0 = 1_700_000_000_000L;

    /** A caller's (or callee's) time line: INVITE at T0, 180 at +100, 200 at +800, ACK at +810. */
    private static CallReport.Timings timings(Long firstSent, Long firstReceived, Long firstTwoWay, boolean dialled) {
        return new CallReport.Timings(T0, T0 + 100, T0 + 800, T0 + 810, firstSent, firstReceived, firstTwoWay,
                T0 + 5000, dialled);
    }

    @Test
    void thePostDialDelayRunsFromTheInviteSentToTheAnswerReceivedOnTheCallersReportOnly() {
        assertEquals(800L, timings(null, null, null, true).postDialDelayMillis());
        assertNull(timings(null, null, null, false).postDialDelayMillis(), "the callee did not dial");
        assertEquals(800L, timings(null, null, null, false).setupMillis(), "its set-up time stays");
        CallReport.Timings unanswered = new CallReport.Timings(T0, T0 + 100, null, null, null, null, null, T0 + 9000,
                true);
        assertNull(unanswered.postDialDelayMillis());
        CallReport.Timings neverSent = new CallReport.Timings(null, null, null, null, null, null, null, T0, true);
        assertNull(neverSent.postDialDelayMillis());
    }

    @Test
    void theFirstTwoWayMediaRunsFromTheAnswerToTheFirstRtpReceivedAfterOursLeft() {
        // ours left at +850, the peer's first came at +820 (before ours: one way) and again after it at +900
        CallReport.Timings t = timings(T0 + 850, T0 + 820, T0 + 900, true);
        assertEquals(100L, t.firstTwoWayMediaMillis());
        assertEquals(50L, t.mediaBothWaysMillis(), "the older span takes the later of the two firsts");
        assertEquals(100L, timings(T0 + 850, T0 + 820, T0 + 900, false).firstTwoWayMediaMillis(),
                "the callee's runs from the 200 OK it sent");
    }

    @Test
    void theFirstTwoWayMediaIsNullWhenMediaNeverWentBothWays() {
        assertNull(timings(T0 + 850, null, null, true).firstTwoWayMediaMillis(), "sent, nothing received");
        assertNull(timings(null, null, null, true).firstTwoWayMediaMillis(), "no media at all");
        CallReport.Timings unanswered = new CallReport.Timings(T0, null, null, null, null, null, null, T0 + 9000,
                true);
        assertNull(unanswered.firstTwoWayMediaMillis());
    }

    @Test
    void bothSpansAreWrittenInTheTimingsAndTheRoleIsNotRepeatedThere() throws Exception {
        CallReport caller = new CallReport("c1", "caller", "sip:a@x", "sip:b@x", "completed", 200, "BYE sent",
                timings(T0 + 850, T0 + 870, T0 + 870, true), "PCMU", "none (not configured)", null, null, null, null);
        JsonNode t = new ObjectMapper().readTree(caller.toJson()).path("timings");
        assertEquals(800, t.path("postDialDelayMillis").asLong());
        assertEquals(70, t.path("firstTwoWayMediaMillis").asLong());
        assertEquals(T0 + 870, t.path("firstTwoWayRtp").asLong());
        assertFalse(t.has("dialled"), t.toString());

        CallReport callee = new CallReport("c1", "callee", "sip:a@x", "sip:b@x", "completed", 200, "BYE from the peer",
                timings(null, null, null, false), "PCMU", "none (not configured)", null, null, null, null);
        JsonNode u = new ObjectMapper().readTree(callee.toJson()).path("timings");
        assertTrue(u.has("postDialDelayMillis") && u.path("postDialDelayMillis").isNull(), u.toString());
        assertTrue(u.has("firstTwoWayMediaMillis") && u.path("firstTwoWayMediaMillis").isNull(), u.toString());
    }

    @Test
    void theSchemaVersionIsTheFirstFieldAndIsOne() throws Exception {
        CallReport report = new CallReport("c1", "caller", "sip:a@x", "sip:b@x", "completed", 200, "BYE sent",
                timings(T0 + 850, T0 + 870, T0 + 870, true), "PCMU", "none (not configured)", null, null, null, null);
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(1, json.path("schemaVersion").asInt(), report.toJson());
        assertTrue(json.path("schemaVersion").isInt(), report.toJson());
        assertEquals("schemaVersion", json.fieldNames().next());
    }

    @Test
    void theEncryptionIsWrittenNextToTheCodec() throws Exception {
        CallReport report = new CallReport("c1", "caller", "sip:a@x", "sip:b@x", "completed", 200, "BYE sent",
                timings(T0 + 850, T0 + 870, T0 + 870, true), "PCMU", "srtp AES_CM_128_HMAC_SHA1_80 (sdes)", null,
                null, null, null);
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (sdes)", json.path("encryption").asText(), report.toJson());
        assertEquals(1, json.path("schemaVersion").asInt(), "a new field does not raise the version");
    }
}
