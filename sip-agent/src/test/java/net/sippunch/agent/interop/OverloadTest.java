package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A flood of INVITEs that are never acknowledged: every one beyond the agent's capacity
 * ({@code policy.maxCalls}) is answered 503 with a Retry-After at once, none goes unanswered, and once the
 * answered ones have timed out waiting for their ACK no call, port or transaction is left.
 */
@Order(CpuLock.LAST)
@ResourceLock(CpuLock.CPU)
class OverloadTest {

    private static final int BOB = 43710;
    private static final int RAW = 43720;
    private static final int FLOOD = 1500;
    private static final int MAX_CALLS = 40;
    /**
     * What may be left on the heap after the flood: the test's own record of the answers (about 1.5 MB) and
     * code compiled meanwhile; far less than the flood's 1500 transactions (about 10 MB) or its 40 calls
     * (each held its media port's buffers and the call's state) would hold.
     */
    private static final long HEAP_MARGIN = 4L << 20;

    @Test
    void everyInviteBeyondCapacityIsAnswered503WithRetryAfter() throws Exception {
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 43800, 43999, 1000, 0, null,
                "policy: {maxCalls: " + MAX_CALLS + "}\n"));
             RawSipPeer raw = new RawSipPeer(RAW, BOB);
             Answers answers = new Answers(raw)) {
            long baseline = heapAfterGc();
            Semaphore ended = new Semaphore(0);
            bob.onCallEnded(report -> ended.release());
            long start = System.nanoTime();
            for (int i = 0; i < FLOOD; i++) {
                raw.send(raw.invite("flood-" + i));
                // 1000 INVITEs a second: the pace of a scripted flood, which the kernel's socket buffer absorbs
                long due = start + TimeUnit.MILLISECONDS.toNanos(i);
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
            }
            // like any UDP client, the flood retransmits an INVITE nothing answered (RFC 3261 Timer A, until
            // Timer B): a burst's datagram may be lost before the stack reads it
            int retransmitted = 0;
            for (long wait = 500; wait <= 16_000 && !answers.awaitFinals(FLOOD, wait); wait *= 2) {
                for (int i = 0; i < FLOOD; i++) {
                    if (!answers.heard.contains(callId(i))) {
                        raw.send(raw.invite("flood-" + i));
                        retransmitted++;
                    }
                }
            }
            Map<Integer, Integer> byStatus = answers.countByStatus();
            assertEquals(FLOOD, answers.finals.size(), "every INVITE got a final response: " + byStatus);
            int accepted = byStatus.getOrDefault(Response.OK, 0);
            int refused = byStatus.getOrDefault(Response.SERVICE_UNAVAILABLE, 0);
            assertTrue(accepted <= MAX_CALLS, "at most " + MAX_CALLS + " calls at once: " + byStatus);
            assertEquals(FLOOD, accepted + refused, "only 200 or 503: " + byStatus);
            assertEquals(refused, answers.retryAfter.size(), "every 503 says when to retry");
            assertTrue(answers.retryAfter.values().stream().allMatch(seconds -> seconds >= 5 && seconds <= 14),
                    "Retry-After 5..14 s");
            assertEquals(Set.of(), answers.untagged, "every final response has a To tag");
            // the unacknowledged 200s end when their ACK wait (64 T1 = 32 s) expires
            assertTrue(ended.tryAcquire(accepted, 45, TimeUnit.SECONDS), "every answered call ended");
            assertEquals(0, bob.activeCalls(), "no call left after the flood");
            // the 503s' transactions end 32 s (Timer H) after their first answer: the last ones a few seconds
            // after the last call
            long after = heapAfterGc();
            for (int s = 0; s < 20 && after - baseline >= HEAP_MARGIN; s++) {
                TimeUnit.SECONDS.sleep(1);
                after = heapAfterGc();
            }
            System.out.printf("flood of %d: %s, %d retransmissions; heap after GC %d MB before, %d MB after%n",
                    FLOOD, byStatus, retransmitted, baseline >> 20, after >> 20);
            assertTrue(after - baseline < HEAP_MARGIN, "heap back to its baseline: " + (baseline >> 20) + " MB before, "
                    + (after >> 20) + " MB after");
        }
    }

    @Test
    void anInviteFindingNoFreeMediaPortIsAnswered503WithRetryAfter() throws Exception {
        // another program holds both even ports of the range
        try (DatagramSocket first = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 43900));
             DatagramSocket second = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 43902));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 43900, 43903, 1000, 0, null, null));
             RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
            raw.send(raw.invite("no-port"));
            Response busy = raw.receiveResponse("INVITE");
            assertEquals(Response.SERVICE_UNAVAILABLE, busy.getStatusCode());
            RetryAfterHeader retry = (RetryAfterHeader) busy.getHeader(RetryAfterHeader.NAME);
            assertTrue(retry != null && retry.getRetryAfter() >= 5 && retry.getRetryAfter() <= 14,
                    "Retry-After 5..14 s: " + busy);
        }
    }

    private static String callId(int i) {
        return "flood-" + i + "@127.0.0.1";
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The final responses the flood got, by Call-ID, read on a thread of their own. */
    private static final class Answers implements AutoCloseable {
        final ConcurrentMap<String, Integer> finals = new ConcurrentHashMap<>();
        final ConcurrentMap<String, Integer> retryAfter = new ConcurrentHashMap<>();
        /** Call-IDs of INVITEs whose final response had no To tag (RFC 3261 section 8.2.6.2 wants one). */
        final Set<String> untagged = ConcurrentHashMap.newKeySet();
        /** Call-IDs of INVITEs that got any response, provisional or final. */
        final Set<String> heard = ConcurrentHashMap.newKeySet();
        private final DatagramSocket socket;
        private final Thread reader;

        Answers(RawSipPeer raw) throws SocketException {
            this.socket = raw.socket();
            socket.setReceiveBufferSize(4 << 20);
            reader = new Thread(this::read, "flood-answers");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            MessageFactoryImpl messages = new MessageFactoryImpl();
            byte[] buffer = new byte[65_536];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    socket.receive(p);
                    String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                    if (!text.startsWith("SIP/2.0 ")) {
                        continue;
                    }
                    Response r = messages.createResponse(text);
                    String callId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
                    boolean invite = "INVITE".equals(((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod());
                    if (invite) {
                        heard.add(callId);
                    }
                    if (invite && r.getStatusCode() >= 200) {
                        finals.putIfAbsent(callId, r.getStatusCode());
                        if (((ToHeader) r.getHeader(ToHeader.NAME)).getTag() == null) {
                            untagged.add(callId);
                        }
                        if (r.getHeader(RetryAfterHeader.NAME) instanceof RetryAfterHeader ra) {
                            retryAfter.put(callId, ra.getRetryAfter());
                        }
                        synchronized (this) {
                            notifyAll();
                        }
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // nothing this second; look again
                } catch (Exception e) {
                    if (!socket.isClosed()) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        /** Waits up to {@code millis} for {@code n} final responses; true when they came. */
        synchronized boolean awaitFinals(int n, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long left;
            while (finals.size() < n && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return finals.size() >= n;
        }

        Map<Integer, Integer> countByStatus() {
            Map<Integer, Integer> counts = new TreeMap<>();
            finals.values().forEach(s -> counts.merge(s, 1, Integer::sum));
            return counts;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
