package net.sippunch.agent.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A part of a test run in a thread group of its own, so that the threads it starts (and those they start in turn:
 * a thread joins the group of the thread that creates it) can be told from the threads of the test classes that
 * run beside it. A test that checks "nothing I started is left running" asks {@link #survivors} rather than
 * comparing the whole JVM's threads before and after.
 */
public final class ThreadScope {

    /** The part of the test run inside the scope. */
    @FunctionalInterface
    public interface Body<T> {
        T run() throws Exception;
    }

    private final ThreadGroup group;

    public ThreadScope(String name) {
        this.group = new ThreadGroup(name);
    }

    /** Runs {@code body} on a thread of the scope, waits for it, and gives what it returned or throws what it threw. */
    public <T> T run(Body<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(group, () -> {
            try {
                result.set(body.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, group.getName() + "-main");
        thread.start();
        thread.join();
        Throwable thrown = failure.get();
        if (thrown instanceof Exception e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    /**
     * The threads started in the scope and matching {@code which} that are still alive after each was given up to
     * {@code joinMillis} to end (a bounded join per thread, no sleep).
     */
    public List<Thread> survivors(Predicate<Thread> which, long joinMillis) throws InterruptedException {
        List<Thread> alive = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ThreadGroup its = t.getThreadGroup(); // null once the thread has ended
            if (its != null && group.parentOf(its) && which.test(t)) {
                t.join(joinMillis);
                if (t.isAlive()) {
                    alive.add(t);
                }
            }
        }
        return alive;
    }
}
