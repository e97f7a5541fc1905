package net.sippunch.agent.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as an ordinary event: the command waits for it, then closes what it opened and
 * returns its own exit code (0 for a clean stop) instead of the JVM's 143.
 */
final class StopSignal {

    private final CountDownLatch latch = new CountDownLatch(1);

    /** Installs the handlers for TERM and INT. */
    static StopSignal install() {
        StopSignal s = new StopSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> s.latch.countDown());
        }
        return s;
    }

    /** Waits until a signal arrives or the time is up; true when a signal arrived. */
    boolean await(long millis) throws InterruptedException {
        return latch.await(millis, TimeUnit.MILLISECONDS);
    }

    void await() throws InterruptedException {
        latch.await();
    }

    boolean received() {
        return latch.getCount() == 0;
    }

    /** Ends a wait as a signal would (for the command's own completion). */
    void fire() {
        latch.countDown();
    }
}
