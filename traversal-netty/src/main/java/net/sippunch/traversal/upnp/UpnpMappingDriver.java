package net.sippunch.traversal.upnp;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import net.sippunch.traversal.LoopTimer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Drives one {@link UpnpPortMapping} on an event loop: its commands go to the {@link IgdExecutor}, their
 * replies come back to the loop, one timer is re-armed at {@link UpnpPortMapping#pollTimeout()}, and every
 * event is handed to the listener on the loop. The loop is any single-threaded
 * {@link ScheduledExecutorService} (a Netty event loop is one); the mapping is only touched on it.
 */
public final class UpnpMappingDriver {

    private static final Logger LOG = LogManager.getLogger(UpnpMappingDriver.class);

    private final UpnpPortMapping mapping;
    private final IgdControl control;
    private final IgdExecutor executor;
    private final ScheduledExecutorService loop;
    private final LongSupplier clock;
    private final Consumer<UpnpEvent> listener;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final LoopTimer timer;

    /**
     * @param mapping  the procedure to drive (not yet started)
     * @param control  the IGD operations, run on {@code executor}
     * @param executor the caller's bounded executor for blocking calls
     * @param loop     the single-threaded loop that owns {@code mapping}
     * @param clock    the loop's clock in nanoseconds ({@code System::nanoTime} in production)
     * @param listener gets every event, on the loop
     */
    public UpnpMappingDriver(UpnpPortMapping mapping, IgdControl control, IgdExecutor executor,
                             ScheduledExecutorService loop, LongSupplier clock, Consumer<UpnpEvent> listener) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.control = Objects.requireNonNull(control, "control");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.timer = new LoopTimer(loop, clock, () -> {
            mapping.handleTimeout(clock.getAsLong());
            pump();
        });
    }

    /** Starts the procedure on the loop. */
    public void start() {
        loop.execute(() -> {
            mapping.start(clock.getAsLong());
            pump();
        });
    }

    /**
     * Ends the procedure: the mapping is deleted (reported with {@link UpnpEvent.Deleted}).
     *
     * @return completes when the procedure is over, deletion included (bounded by the command deadline)
     */
    public CompletableFuture<Void> close() {
        try {
            loop.execute(() -> {
                mapping.close(clock.getAsLong());
                pump();
            });
        } catch (RejectedExecutionException e) {
            closed.completeExceptionally(e);
        }
        return closed;
    }

    /**
     * Tells the procedure the public address discovery saw from the media port (see
     * {@link UpnpPortMapping#checkDiscoveredAddress}): when the IGD's external address differs, the mapping
     * is reported useless and deleted.
     */
    public void checkDiscoveredAddress(InetAddress publicAddress) {
        Objects.requireNonNull(publicAddress, "publicAddress");
        try {
            loop.execute(() -> {
                mapping.checkDiscoveredAddress(clock.getAsLong(), publicAddress);
                pump();
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("loop closed, dropping the discovered address {}", publicAddress);
        }
    }

    /** The mapping to advertise, read on the loop. */
    public CompletableFuture<Optional<UpnpMapping>> currentMapping() {
        return CompletableFuture.supplyAsync(mapping::mapping, loop);
    }

    private void pump() {
        for (Optional<IgdCommand> c = mapping.pollCommand(); c.isPresent(); c = mapping.pollCommand()) {
            IgdCommand command = c.get();
            LOG.debug("IGD {}", command);
            executor.submit(control, command, reply -> post(reply));
        }
        for (Optional<UpnpEvent> e = mapping.pollEvent(); e.isPresent(); e = mapping.pollEvent()) {
            LOG.debug("UPnP {}", e.get());
            listener.accept(e.get());
        }
        timer.rearm(mapping.pollTimeout());
        if (mapping.isClosed()) {
            closed.complete(null);
        }
    }

    private void post(IgdReply reply) {
        try {
            loop.execute(() -> {
                mapping.handleReply(clock.getAsLong(), reply);
                pump();
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("loop closed, dropping IGD reply {}", reply);
        }
    }
}
