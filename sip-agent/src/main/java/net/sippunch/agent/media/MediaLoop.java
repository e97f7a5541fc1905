package net.sippunch.agent.media;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The few threads that run every RTP session of an agent. Each thread owns a selector and a timer
 * queue; a session is pinned to one thread for its whole life, so its state needs no locks. Other
 * threads hand work to a loop with {@link Worker#execute(Runnable)}.
 */
public final class MediaLoop implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(MediaLoop.class);

    private final Worker[] workers;
    private final AtomicInteger next = new AtomicInteger();

    /** Starts {@code threads} loop threads named {@code name-N}. */
    public MediaLoop(int threads, String name) throws IOException {
        workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(name + "-" + i);
        }
    }

    /** The loop thread the next session goes to (round-robin). */
    public Worker next() {
        return workers[Math.floorMod(next.getAndIncrement(), workers.length)];
    }

    /** What a loop thread calls on a session. */
    interface Task {
        /** The channel is readable. */
        void onReadable();

        /** The session's deadline passed; returns its next deadline (nanoTime), or -1 for none. */
        long onTimer(long nowNanos);
    }

    private record Deadline(long at, Task task, long generation) {
    }

    /** One loop thread. */
    public static final class Worker implements Runnable {
        private final Selector selector;
        private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
        private final PriorityQueue<Deadline> deadlines =
                new PriorityQueue<>((a, b) -> Long.compare(a.at() - b.at(), 0));
        private final Thread thread;
        private volatile boolean running = true;

        Worker(String name) throws IOException {
            selector = Selector.open();
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        /** Runs {@code r} on this loop thread. */
        public void execute(Runnable r) {
            inbox.add(r);
            selector.wakeup();
        }

        boolean inLoop() {
            return Thread.currentThread() == thread;
        }

        /** Registers a channel's reads (loop thread only). */
        SelectionKey register(java.nio.channels.DatagramChannel channel, Task task) throws IOException {
            channel.configureBlocking(false);
            return channel.register(selector, SelectionKey.OP_READ, task);
        }

        /** Arms a deadline (loop thread only); {@code generation} lets a stopped task's deadlines lapse. */
        void schedule(long at, Task task, long generation) {
            deadlines.add(new Deadline(at, task, generation));
        }

        @Override
        public void run() {
            while (running) {
                try {
                    for (Runnable r = inbox.poll(); r != null; r = inbox.poll()) {
                        r.run();
                    }
                    long now = System.nanoTime();
                    while (!deadlines.isEmpty() && deadlines.peek().at() - now <= 0) {
                        Deadline d = deadlines.poll();
                        if (d.task() instanceof RtpSession s && s.generation() != d.generation()) {
                            continue; // the session stopped
                        }
                        long nextAt = d.task().onTimer(now);
                        if (nextAt != -1) {
                            deadlines.add(new Deadline(nextAt, d.task(), d.generation()));
                        }
                    }
                    if (!inbox.isEmpty()) {
                        selector.selectNow();
                    } else if (deadlines.isEmpty()) {
                        selector.select();
                    } else {
                        long waitNanos = deadlines.peek().at() - System.nanoTime();
                        if (waitNanos > 500_000) {
                            selector.select(Math.max(1, waitNanos / 1_000_000));
                        } else {
                            selector.selectNow();
                        }
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isValid() && key.attachment() instanceof Task t) {
                            t.onReadable();
                        }
                    }
                    selector.selectedKeys().clear();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("media loop {}: {}", thread.getName(), e.toString(), e);
                }
            }
        }

        void stop() {
            running = false;
            selector.wakeup();
            try {
                thread.join(2000);
                selector.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                LOG.debug("closing selector: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.stop();
        }
    }
}
