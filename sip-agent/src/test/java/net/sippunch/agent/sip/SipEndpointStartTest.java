package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Endpoints created at the same moment in one JVM (two agents, an application with several accounts): each gets
 * its stack. JAIN-SIP's stack constructor threw a NullPointerException from its shared log writer when another
 * stack was being created beside it. Closing the stacks mostly waits out the RI's one-second pause per stack:
 * the class runs beside the others, on a port block no other test uses.
 */
@Execution(ExecutionMode.CONCURRENT)
class SipEndpointStartTest {

    private static final int ENDPOINTS = 6;
    private static final int ROUNDS = 2;

    @Test
    void endpointsCreatedAtOnceAllStart() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(ENDPOINTS);
        List<SipEndpoint> all = new ArrayList<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<SipEndpoint>> started = new ArrayList<>();
                for (int i = 0; i < ENDPOINTS; i++) {
                    int port = 13700 + round * ENDPOINTS + i; // a block no other test uses
                    started.add(threads.submit(() -> {
                        go.await();
                        return new SipEndpoint("127.0.0.1", port, null, null, "sippunch-test");
                    }));
                }
                go.countDown();
                List<Throwable> failed = new ArrayList<>();
                for (Future<SipEndpoint> f : started) {
                    try {
                        all.add(f.get(30, TimeUnit.SECONDS));
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed.add(e.getCause());
                    }
                }
                assertEquals(List.of(), failed, "round " + round);
            }
        } finally {
            all.forEach(SipEndpoint::close); // one after another: the RI's stop of a stack just started is not safe
            threads.shutdownNow();
        }
    }
}
