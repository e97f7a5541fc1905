package net.sippunch.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CallStateTest {

    @Test
    void callerPaths() {
        CallState s = CallState.IDLE.moveTo(CallState.CALLING).moveTo(CallState.PROCEEDING)
                .moveTo(CallState.PROCEEDING).moveTo(CallState.ESTABLISHED).moveTo(CallState.ENDING)
                .moveTo(CallState.ENDED);
        assertEquals(CallState.ENDED, s);
        // cancel, and a 200 OK crossing the CANCEL: ACK then BYE
        assertEquals(CallState.ENDING, CallState.PROCEEDING.moveTo(CallState.CANCELLING).moveTo(CallState.ENDING));
        // rejected with 3xx-6xx
        assertEquals(CallState.ENDED, CallState.CALLING.moveTo(CallState.ENDED));
    }

    @Test
    void calleePaths() {
        assertEquals(CallState.ENDED, CallState.IDLE.moveTo(CallState.INCOMING).moveTo(CallState.ANSWERED)
                .moveTo(CallState.ESTABLISHED).moveTo(CallState.ENDED));
        assertEquals(CallState.ENDED, CallState.INCOMING.moveTo(CallState.ENDED)); // refused by policy
    }

    @Test
    void impossibleMovesAreProgrammingErrors() {
        assertThrows(IllegalStateException.class, () -> CallState.INCOMING.moveTo(CallState.PROCEEDING));
        assertThrows(IllegalStateException.class, () -> CallState.CALLING.moveTo(CallState.ANSWERED));
        assertThrows(IllegalStateException.class, () -> CallState.ESTABLISHED.moveTo(CallState.CALLING));
        assertThrows(IllegalStateException.class, () -> CallState.CANCELLING.moveTo(CallState.ESTABLISHED));
        for (CallState target : CallState.values()) {
            assertFalse(CallState.ENDED.canMoveTo(target), "ENDED is final");
        }
    }

    @Test
    void everyStateButEndedCanEnd() {
        for (CallState s : EnumSet.complementOf(EnumSet.of(CallState.ENDED))) {
            assertTrue(s.canMoveTo(CallState.ENDED), s + " cannot end");
        }
    }
}
