package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.CallState;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The caller prepares its offer off the dialling thread: with the offer held (a negotiation that waits for the
 * test, as discovery makes a NAT traversal offer wait), {@code dial} has returned and no INVITE has left; once
 * released, the INVITE leaves and the call connects; a hang-up meanwhile ends the call without any INVITE.
 */
@Timeout(60)
class HeldOfferTest {

    private static final int ALICE = 42310;
    private static final int BOB = 42320;

    /** Alice, whose offers wait at the gate, and bob, a plain agent whose ended calls are collected. */
    private static final class Agents implements AutoCloseable {
        final HeldNegotiation.Gate gate;
        final UserAgent alice;
        final UserAgent bob;
        final LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();

        Agents(boolean interruptible) throws Exception {
            gate = new HeldNegotiation.Gate(interruptible, true);
            alice = UserAgent.start(TestAgents.config("alice", null, ALICE, 42400, 42499, 440, 0, null, null),
                    gate.negotiations());
            bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42500, 42599, 1000, 0, null, null));
            bob.onCallEnded(bobsCalls::add);
        }

        /** Alice dials bob; returns once her offer waits at the gate. */
        Call dialHeld() throws InterruptedException {
            Call call = alice.dial("sip:bob@127.0.0.1:" + BOB, new Call.Options(Duration.ofSeconds(1), null, null));
            assertTrue(gate.entered.tryAcquire(10, TimeUnit.SECONDS), "alice's offer is being prepared");
            return call;
        }

        @Override
        public void close() {
            alice.close();
            bob.close();
        }
    }

    @Test
    void dialReturnsWhileTheOfferIsHeldAndTheInviteLeavesOnceItIsReady() throws Exception {
        try (Agents agents = new Agents(false)) {
            Call call = agents.dialHeld();
            assertEquals(CallState.CALLING, call.state(), "dial returned with the offer still held");
            assertFalse(call.done().isDone());

            agents.gate.open.countDown();
            CallReport caller = call.done().get(30, TimeUnit.SECONDS);
            assertEquals("completed", caller.outcome(), caller.toJson());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertTrue(caller.timings().invite() != null, "the INVITE left: " + caller.toJson());
            assertEquals("completed", agents.bobsCalls.poll(10, TimeUnit.SECONDS).outcome());
        }
    }

    @Test
    void aHangupWhileTheOfferIsHeldEndsTheCallWithoutAnInvite() throws Exception {
        try (Agents agents = new Agents(true)) {
            Call call = agents.dialHeld();
            call.hangup("the user hung up");
            CallReport caller = call.done().get(30, TimeUnit.SECONDS);
            assertEquals("cancelled", caller.outcome(), caller.toJson());
            assertTrue(caller.reason().startsWith("the user hung up before the INVITE was sent"), caller.toJson());
            assertNull(caller.timings().invite(), "no INVITE left: " + caller.toJson());
            assertTrue(agents.gate.stopped.tryAcquire(10, TimeUnit.SECONDS), "the negotiation was stopped");
            agents.gate.open.countDown();
            assertNull(agents.bobsCalls.poll(2, TimeUnit.SECONDS), "bob never heard of the call");
        }
    }
}
