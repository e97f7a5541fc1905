package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Test;

/**
 * The callee prepares its answer off the SIP thread: with the answer held (a negotiation that waits for the test,
 * as discovery makes a NAT traversal answer wait), the callee rings at once, still serves other requests, takes
 * a CANCEL, and shuts down; once released, the call connects. A bare UDP socket speaking SIP by hand shows
 * exactly what the callee sends.
 */
class HeldAnswerTest {

    private static final int ALICE = 42010;
    private static final int BOB = 42020;
    private static final int RAW = 42030;
    private static final int SILENT = 42040;
    /** The callee's answer preparation pool; the agents of test classes running beside this one have one too. */
    private static final Predicate<Thread> PREPARATION = t -> t.getName().startsWith("sdp-preparation-");

    @Test
    void ringsAtOnceServesOtherRequestsWhileHeldAndConnectsWhenReleased() throws Exception {
        HeldNegotiation.Gate gate = new HeldNegotiation.Gate(false);
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, ALICE, 42100, 42199, 440, 0, null, null));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42200, 42299, 1000, 0, null, null),
                     gate.negotiations());
             RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            Call call = alice.dial("sip:bob@127.0.0.1:" + BOB, new Call.Options(Duration.ofSeconds(2), null, null));
            assertTrue(gate.entered.tryAcquire(10, TimeUnit.SECONDS), "bob's answer is being prepared");

            // the answer is held: bob's SIP side still answers an OPTIONS and rings for a second INVITE
            raw.send(raw.options("held-options-1"));
            assertEquals(Response.OK, raw.receiveResponse("OPTIONS").getStatusCode());
            raw.send(raw.invite("held-second"));
            Response ringing = raw.receiveResponse("INVITE");
            assertEquals(Response.RINGING, ringing.getStatusCode());
            assertNotNull(((ToHeader) ringing.getHeader(ToHeader.NAME)).getTag(), "the 180 has a To tag");
            assertTrue(gate.entered.tryAcquire(10, TimeUnit.SECONDS), "the second answer is being prepared too");
            raw.send(raw.cancel("held-second"));
            List<Response> toCancel = raw.receiveFinals(2);
            raw.send(raw.ack("held-second", ((ToHeader) ringing.getHeader(ToHeader.NAME)).getTag()));
            assertTrue(toCancel.stream().anyMatch(r -> r.getStatusCode() == Response.REQUEST_TERMINATED), "" + toCancel);
            CallReport second = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertNotNull(second, "the cancelled second call's report");
            assertEquals("cancelled", second.outcome(), second.toJson());

            gate.open.countDown();
            CallReport caller = call.done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertNotNull(callee, "bob's report");
            assertEquals("completed", caller.outcome(), caller.toJson());
            assertEquals(200, caller.sipStatus());
            assertNotNull(caller.timings().provisional(), "alice saw the 180: " + caller.toJson());
            assertTrue(caller.timings().provisional() <= caller.timings().answered(), "180 before 200: " + caller.toJson());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertEquals("completed", callee.outcome(), callee.toJson());
            assertNotNull(callee.timings().provisional(), "bob sent the 180: " + callee.toJson());
            assertTrue(callee.mediaBothWays(), callee.toJson());
            assertEquals(caller.callId(), callee.callId());
        }
    }

    @Test
    void cancelWhileHeldEndsTheCallAndTheLateAnswerSendsNothing() throws Exception {
        HeldNegotiation.Gate gate = new HeldNegotiation.Gate(false);
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, ALICE, 42100, 42199, 440, 0, null, null));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42200, 42299, 1000, 0, null, null),
                     gate.negotiations());
             RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);

            // an agent as caller: its call ends cancelled with 487, and so does bob's
            Call call = alice.dial("sip:bob@127.0.0.1:" + BOB, new Call.Options(Duration.ofSeconds(2), null, null));
            assertTrue(gate.entered.tryAcquire(10, TimeUnit.SECONDS), "bob's answer is being prepared");
            call.hangup("caller gave up");
            CallReport caller = call.done().get(15, TimeUnit.SECONDS);
            assertEquals("cancelled", caller.outcome(), caller.toJson());
            assertEquals(Response.REQUEST_TERMINATED, caller.sipStatus(), caller.toJson());
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertNotNull(callee, "bob's report");
            assertEquals("cancelled", callee.outcome(), callee.toJson());
            assertEquals(Response.REQUEST_TERMINATED, callee.sipStatus(), callee.toJson());
            assertEquals(null, callee.timings().answered(), callee.toJson());

            // a caller by hand sees every message: 180, then 200 (CANCEL) and 487, and nothing after the release
            raw.send(raw.invite("held-cancel"));
            Response ringing = raw.receiveResponse("INVITE");
            assertEquals(Response.RINGING, ringing.getStatusCode());
            String tag = ((ToHeader) ringing.getHeader(ToHeader.NAME)).getTag();
            assertTrue(gate.entered.tryAcquire(10, TimeUnit.SECONDS), "the answer is being prepared");
            raw.send(raw.cancel("held-cancel"));
            List<Response> finals = raw.receiveFinals(2);
            raw.send(raw.ack("held-cancel", tag));
            Response terminated = finals.stream().filter(r -> r.getStatusCode() == Response.REQUEST_TERMINATED)
                    .findFirst().orElseThrow(() -> new AssertionError("no 487: " + finals));
            assertEquals(tag, ((ToHeader) terminated.getHeader(ToHeader.NAME)).getTag(), "the 487 keeps the 180's tag");
            assertTrue(finals.stream().anyMatch(r -> r.getStatusCode() == Response.OK
                    && "CANCEL".equals(((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod())), "200 to the CANCEL");
            CallReport byHand = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertNotNull(byHand, "bob's report of the call by hand");
            assertEquals("cancelled", byHand.outcome(), byHand.toJson());

            int stopsBefore = gate.stopped.availablePermits(); // one per ended call so far
            gate.open.countDown();
            // both late answers release their negotiation again; then an OPTIONS fences what bob sent meanwhile
            assertTrue(gate.stopped.tryAcquire(stopsBefore + 2, 10, TimeUnit.SECONDS), "late answers released");
            raw.send(raw.options("held-options-2"));
            List<String> seen = new ArrayList<>();
            Response optionsOk = raw.receiveResponse("OPTIONS", seen);
            assertEquals(Response.OK, optionsOk.getStatusCode());
            assertFalse(seen.stream().anyMatch(m -> m.startsWith("SIP/2.0 200") && m.contains("CSeq: 1 INVITE")),
                    "no 200 OK to the cancelled INVITE: " + seen);
            assertEquals(0, bob.activeCalls());
        }
    }

    @Test
    void shutdownWhileHeldRefusesTheCallAndLeavesNoPreparationThread() throws Exception {
        ThreadScope scope = new ThreadScope("held-shutdown");
        scope.run(() -> {
            HeldNegotiation.Gate gate = new HeldNegotiation.Gate(true);
            try (RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
                LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
                UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42200, 42299, 1000, 0, null, null),
                        gate.negotiations());
                try {
                    bob.onCallEnded(bobsCalls::add);
                    raw.send(raw.invite("held-shutdown"));
                    Response ringing = raw.receiveResponse("INVITE");
                    assertEquals(Response.RINGING, ringing.getStatusCode());
                    assertTrue(gate.entered.tryAcquire(10, TimeUnit.SECONDS), "the answer is being prepared");
                } finally {
                    bob.close();
                }
                CallReport report = bobsCalls.poll(10, TimeUnit.SECONDS);
                assertNotNull(report, "bob's report");
                assertEquals("cancelled", report.outcome(), report.toJson());
                assertEquals(Response.TEMPORARILY_UNAVAILABLE, report.sipStatus(), report.toJson());
                assertEquals(Response.TEMPORARILY_UNAVAILABLE, raw.receiveResponse("INVITE").getStatusCode());
                // a pool thread may still be on its way out after the pool reported termination: a bounded join each
                assertEquals(List.of(), scope.survivors(PREPARATION, 10_000), "preparation threads outlived the agent");
            }
            return null;
        });
    }

    @Test
    void anUnacceptableOfferGets488AndAFailedPreparation500() throws Exception {
        HeldNegotiation.Gate gate = new HeldNegotiation.Gate(false);
        gate.open.countDown();
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, ALICE, 42100, 42199, 440, 0, null, null));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42200, 42299, 1000, 0, null, null),
                     gate.negotiations())) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            gate.fault = new net.sippunch.agent.media.SdpProblem("no common codec (test)");
            CallReport caller = alice.dial("sip:bob@127.0.0.1:" + BOB, new Call.Options(Duration.ofSeconds(2), null, null))
                    .done().get(15, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertEquals("rejected", caller.outcome(), caller.toJson());
            assertEquals(Response.NOT_ACCEPTABLE_HERE, caller.sipStatus(), caller.toJson());
            assertNotNull(callee, "bob's report");
            assertEquals("failed", callee.outcome(), callee.toJson());
            assertEquals(Response.NOT_ACCEPTABLE_HERE, callee.sipStatus(), callee.toJson());

            gate.fault = new IllegalStateException("negotiation broke (test)");
            caller = alice.dial("sip:bob@127.0.0.1:" + BOB, new Call.Options(Duration.ofSeconds(2), null, null))
                    .done().get(15, TimeUnit.SECONDS);
            callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertEquals("rejected", caller.outcome(), caller.toJson());
            assertEquals(Response.SERVER_INTERNAL_ERROR, caller.sipStatus(), caller.toJson());
            assertNotNull(callee, "bob's report");
            assertEquals("failed", callee.outcome(), callee.toJson());
            assertEquals(Response.SERVER_INTERNAL_ERROR, callee.sipStatus(), callee.toJson());
            assertTrue(callee.reason().contains("negotiation broke (test)"), callee.toJson());
            assertEquals(0, bob.activeCalls());
        }
    }

    /**
     * NAT traversal mode with a discovery server that never answers: the answer waits for discovery, the caller
     * still hears the 180 and its CANCEL ends the call at once on both sides.
     */
    @Test
    void cancelDuringDiscoveryEndsTheCallOnBothSides() throws Exception {
        ThreadScope scope = new ThreadScope("cancel-during-discovery");
        scope.run(() -> {
            String discovery = "discovery:\n  servers: [\"127.0.0.1:" + SILENT + "\"]\n  timeoutMillis: 60000\n";
            InetSocketAddress silentAddress = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), SILENT);
            try (DatagramSocket silent = new DatagramSocket(silentAddress)) {
                silent.setSoTimeout(10_000);
                LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
                try (UserAgent alice = UserAgent.start(
                             TestAgents.config("alice", null, ALICE, 42100, 42199, 440, 0, null, null));
                     UserAgent bob = UserAgent.start(
                             TestAgents.config("bob", null, BOB, 42200, 42299, 1000, 0, null, discovery))) {
                    bob.onCallEnded(bobsCalls::add);
                    Call call = alice.dial("sip:bob@127.0.0.1:" + BOB, new Call.Options(Duration.ofSeconds(2), null, null));
                    DatagramPacket request = new DatagramPacket(new byte[1500], 1500);
                    // bob's discovery has started from its media port (its learning of the NAT asks from a spare one)
                    do {
                        silent.receive(request);
                    } while (request.getPort() < 42200 || request.getPort() > 42299);
                    call.hangup("caller gave up");
                    CallReport caller = call.done().get(15, TimeUnit.SECONDS);
                    assertEquals("cancelled", caller.outcome(), caller.toJson());
                    assertEquals(Response.REQUEST_TERMINATED, caller.sipStatus(), caller.toJson());
                    assertNotNull(caller.timings().provisional(), "the 180 came while bob was discovering");
                    CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
                    assertNotNull(callee, "bob's report");
                    assertEquals("cancelled", callee.outcome(), callee.toJson());
                    assertEquals(Response.REQUEST_TERMINATED, callee.sipStatus(), callee.toJson());
                    assertEquals(null, callee.traversal().localProfile(), "discovery abandoned: " + callee.toJson());
                }
                assertEquals(List.of(), scope.survivors(PREPARATION, 10_000), "preparation threads outlived the agent");
            }
            return null;
        });
    }
}
