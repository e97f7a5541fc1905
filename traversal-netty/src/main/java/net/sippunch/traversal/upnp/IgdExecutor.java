package net.sippunch.traversal.upnp;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs blocking {@link IgdCommand}s on a small bounded pool of daemon threads owned by the caller (the
 * agent builds one and closes it at shutdown). Each command has a deadline; its reply (or a
 * {@link IgdReply.Failed} naming the deadline, the overload or the error) goes to the given consumer,
 * which posts it back to the event loop that owns the {@link UpnpPortMapping}.
 */
public final class IgdExecutor implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(IgdExecutor.class);

    private final ThreadPoolExecutor pool;
    private final Duration deadline;

    /**
     * @param threads  worker threads (daemon), at least 1
     * @param queue    commands waiting beyond the busy threads; more are answered with {@link IgdReply.Failed}
     * @param deadline how long one command may take before its reply is a failure (the blocked call itself
     *                 ends with the IGD client's own socket timeouts)
     */
    public IgdExecutor(int threads, int queue, Duration deadline) {
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException("threads and queue must be >= 1");
        }
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "igd-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                factory, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code command} against {@code control}; {@code replies} gets exactly one reply, on a pool thread
     * or the JDK's timer thread (post it to your event loop).
     */
    public void submit(IgdControl control, IgdCommand command, Consumer<IgdReply> replies) {
        CompletableFuture<IgdReply> future;
        try {
            future = CompletableFuture.supplyAsync(() -> run(control, command), pool);
        } catch (RejectedExecutionException e) {
            replies.accept(new IgdReply.Failed(command.id(), "UPnP executor overloaded or closed"));
            return;
        }
        future.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS).whenComplete((reply, error) -> {
            if (reply != null) {
                replies.accept(reply);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String reason = cause instanceof TimeoutException
                        ? "no answer within " + deadline.toMillis() + " ms" : String.valueOf(cause);
                replies.accept(new IgdReply.Failed(command.id(), reason));
            }
        });
    }

    /** Runs one command on the calling thread, turning every outcome into a reply. */
    public static IgdReply run(IgdControl control, IgdCommand command) {
        long id = command.id();
        try {
            if (command instanceof IgdCommand.Discover d) {
                return new IgdReply.Discovered(id, control.discover(d.timeoutMillis()));
            } else if (command instanceof IgdCommand.GetExternalAddress) {
                return new IgdReply.ExternalAddress(id, control.externalAddress());
            } else if (command instanceof IgdCommand.AddMapping a) {
                control.addMapping(a.externalPort(), a.internal(), a.leaseSeconds(), a.description());
                return new IgdReply.MappingAdded(id);
            } else if (command instanceof IgdCommand.ReadMapping r) {
                return new IgdReply.MappingRead(id, control.readMapping(r.externalPort()));
            } else {
                control.deleteMapping(((IgdCommand.DeleteMapping) command).externalPort());
                return new IgdReply.MappingDeleted(id);
            }
        } catch (IgdFault f) {
            return new IgdReply.Fault(id, f.code(), f.description());
        } catch (IOException | RuntimeException e) {
            LOG.debug("IGD {} failed", command.step(), e);
            return new IgdReply.Failed(id, e.toString());
        }
    }

    /** Stops the threads; a command still blocked is abandoned (its thread is a daemon). */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
