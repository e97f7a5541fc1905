package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import org.junit.jupiter.api.Test;

/** The driver of discovery and punching on a media port keeps one deadline armed per session. */
class SessionTaskTest {

    /** A session that wants a timeout 1 ms after each one it gets, {@code rounds} times, then none. */
    private static final class Ticker implements DatagramSession {
        private final int rounds;
        private final CompletableFuture<Integer> done = new CompletableFuture<>();
        private int timeouts;
        private long due;

        Ticker(int rounds, long now) {
            this.rounds = rounds;
            this.due = now + 1_000_000;
        }

        @Override
        public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
            return false;
        }

        @Override
        public void handleTimeout(long nowNanos) {
            timeouts++;
            if (nowNanos - due >= 0) {
                due = nowNanos + 1_000_000;
            }
        }

        @Override
        public Optional<Transmit> pollTransmit() {
            return Optional.empty();
        }

        @Override
        public OptionalLong pollTimeout() {
            if (timeouts >= rounds) {
                done.complete(timeouts);
                return OptionalLong.empty();
            }
            return OptionalLong.of(due);
        }
    }

    @Test
    void everyDeadlineFiresOnceNotOncePerEarlierFiring() throws Exception {
        try (MediaLoop loop = new MediaLoop(1, "test-media");
             DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            MediaLoop.Worker worker = loop.next();
            SessionTask task = new SessionTask(worker, channel, 0, now -> { });
            CompletableFuture<Ticker> started = new CompletableFuture<>();
            worker.execute(() -> {
                try {
                    Ticker ticker = new Ticker(30, System.nanoTime());
                    task.drive(ticker, System.nanoTime());
                    started.complete(ticker);
                } catch (java.io.IOException e) {
                    started.completeExceptionally(e);
                }
            });
            Ticker ticker = started.get(5, TimeUnit.SECONDS);
            int calls = ticker.done.get(10, TimeUnit.SECONDS);
            // let any duplicate deadlines still queued fire before counting: a marker runs after them
            CompletableFuture<Integer> after = new CompletableFuture<>();
            worker.execute(() -> worker.schedule(System.nanoTime() + 5_000_000, new MediaLoop.Task() {
                @Override
                public void onReadable() {
                }

                @Override
                public long onTimer(long nowNanos) {
                    after.complete(ticker.timeouts);
                    return -1;
                }
            }, 0));
            int total = after.get(5, TimeUnit.SECONDS);
            assertEquals(30, calls);
            assertTrue(total <= 31, "handleTimeout ran " + total + " times for 30 deadlines: deadlines were duplicated");
        }
    }
}
