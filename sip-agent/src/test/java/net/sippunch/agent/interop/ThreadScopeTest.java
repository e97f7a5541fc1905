package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the thread checks of other tests rest on: a scope sees its own threads and theirs, not its neighbours'. */
class ThreadScopeTest {

    @Test
    void survivorsAreTheThreadsStartedInTheScopeAndByThemOnly() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Runnable waiting = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread outside = new Thread(waiting, "beside-the-scope");
        outside.start();
        ThreadScope scope = new ThreadScope("scope-test");
        AtomicReference<Thread> grandchild = new AtomicReference<>();
        CountDownLatch grandchildStarted = new CountDownLatch(1);
        Thread child = scope.run(() -> {
            Thread started = new Thread(() -> {
                Thread next = new Thread(waiting, "started-by-a-scope-thread");
                next.start();
                grandchild.set(next);
                grandchildStarted.countDown();
                waiting.run();
            }, "started-in-the-scope");
            started.start();
            return started;
        });
        try {
            assertTrue(grandchildStarted.await(10, TimeUnit.SECONDS));
            List<Thread> left = scope.survivors(t -> true, 10);
            assertEquals(2, left.size(), left.toString());
            assertTrue(left.contains(child) && left.contains(grandchild.get()), left.toString());
        } finally {
            release.countDown();
        }
        outside.join();
        assertEquals(List.of(), scope.survivors(t -> true, 5000));
    }

    @Test
    void whatTheBodyThrowsIsThrownToTheTest() {
        IllegalStateException thrown = new IllegalStateException("from the body");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> scope().run(() -> {
            throw thrown;
        })));
        AssertionError failed = new AssertionError("an assertion in the body");
        assertSame(failed, assertThrows(AssertionError.class, () -> scope().run(() -> {
            throw failed;
        })));
    }

    private static ThreadScope scope() {
        return new ThreadScope("scope-test");
    }
}
