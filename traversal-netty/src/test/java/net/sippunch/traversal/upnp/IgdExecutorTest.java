package net.sippunch.traversal.upnp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IgdExecutorTest {

    /** An IGD whose search blocks until released. */
    private static final class StuckIgd implements IgdControl {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Optional<IgdGateway> discover(int timeoutMillis) throws IOException {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return Optional.empty();
        }

        @Override
        public String externalAddress() {
            throw new IllegalStateException("boom");
        }

        @Override
        public void addMapping(int externalPort, InetSocketAddress internal, int leaseSeconds, String description)
                throws IOException {
            throw new IOException("connection refused");
        }

        @Override
        public Optional<IgdMappingEntry> readMapping(int externalPort) {
            return Optional.empty();
        }

        @Override
        public void deleteMapping(int externalPort) throws IgdFault {
            throw new IgdFault(606, "Action not authorized");
        }
    }

    @Test
    void blockedCommandIsAnsweredAtItsDeadline() throws Exception {
        StuckIgd igd = new StuckIgd();
        try (IgdExecutor executor = new IgdExecutor(1, 1, Duration.ofMillis(50))) {
            CompletableFuture<IgdReply> reply = new CompletableFuture<>();
            executor.submit(igd, new IgdCommand.Discover(7, 1000), reply::complete);
            IgdReply.Failed failed = assertInstanceOf(IgdReply.Failed.class, reply.get(10, TimeUnit.SECONDS));
            assertEquals(7, failed.id());
            assertEquals("no answer within 50 ms", failed.reason());
            igd.release.countDown();
        }
    }

    @Test
    void fullPoolAnswersAtOnceInsteadOfQueueingForever() throws Exception {
        StuckIgd igd = new StuckIgd();
        try (IgdExecutor executor = new IgdExecutor(1, 1, Duration.ofSeconds(30))) {
            List<IgdReply> replies = new ArrayList<>();
            executor.submit(igd, new IgdCommand.Discover(1, 1000), r -> { });
            executor.submit(igd, new IgdCommand.Discover(2, 1000), r -> { });
            executor.submit(igd, new IgdCommand.Discover(3, 1000), replies::add);
            assertEquals(List.of(new IgdReply.Failed(3, "UPnP executor overloaded or closed")), replies);
            igd.release.countDown();
        }
    }

    @Test
    void everyOutcomeBecomesAReply() {
        StuckIgd igd = new StuckIgd();
        assertEquals(new IgdReply.Fault(4, 606, "Action not authorized"),
                IgdExecutor.run(igd, new IgdCommand.DeleteMapping(4, 40000)));
        IgdReply.Failed io = assertInstanceOf(IgdReply.Failed.class, IgdExecutor.run(igd,
                new IgdCommand.AddMapping(5, 40000, new InetSocketAddress("10.0.1.2", 40000), 60, "x", false)));
        assertTrue(io.reason().contains("connection refused"), io.reason());
        IgdReply.Failed runtime = assertInstanceOf(IgdReply.Failed.class,
                IgdExecutor.run(igd, new IgdCommand.GetExternalAddress(6)));
        assertTrue(runtime.reason().contains("boom"), runtime.reason());
    }

    @Test
    void driverMapsThenDeletesOnClose() throws Exception {
        FakeIgd igd = new FakeIgd();
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        try (IgdExecutor executor = new IgdExecutor(2, 4, Duration.ofSeconds(5))) {
            List<UpnpEvent> events = new ArrayList<>();
            CompletableFuture<UpnpEvent> mapped = new CompletableFuture<>();
            UpnpMappingDriver driver = new UpnpMappingDriver(new UpnpPortMapping(UpnpConfig.defaults(40000)), igd,
                    executor, loop, System::nanoTime, e -> {
                        events.add(e);
                        if (e instanceof UpnpEvent.Mapped) {
                            mapped.complete(e);
                        }
                    });
            driver.start();
            UpnpEvent.Mapped m = assertInstanceOf(UpnpEvent.Mapped.class, mapped.get(10, TimeUnit.SECONDS));
            assertEquals(Optional.of(m.mapping()), driver.currentMapping().get(10, TimeUnit.SECONDS));
            driver.close().get(10, TimeUnit.SECONDS);
            List<UpnpEvent> seen = CompletableFuture.supplyAsync(() -> List.copyOf(events), loop).get(10, TimeUnit.SECONDS);
            assertEquals(2, seen.size(), seen.toString());
            assertEquals(new UpnpEvent.Deleted(new InetSocketAddress("203.0.113.7", 40000), true, "deleted"), seen.get(1));
            assertTrue(igd.mappings.isEmpty());
        } finally {
            loop.shutdownNow();
        }
    }
}
