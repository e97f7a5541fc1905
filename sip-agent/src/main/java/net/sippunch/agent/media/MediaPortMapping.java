package net.sippunch.agent.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.upnp.IgdControl;
import net.sippunch.traversal.upnp.IgdExecutor;
import net.sippunch.traversal.upnp.UpnpConfig;
import net.sippunch.traversal.upnp.UpnpEvent;
import net.sippunch.traversal.upnp.UpnpMapping;
import net.sippunch.traversal.upnp.UpnpMappingDriver;
import net.sippunch.traversal.upnp.UpnpPortMapping;
import net.sippunch.traversal.upnp.WeupnpIgdControl;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The method's first step for one call: before discovery, the media port is mapped on the LAN's UPnP IGD
 * (same external port, read back), time-capped; after discovery the IGD's external address is checked
 * against the one discovery saw. The external tuple is what the SDP and the punch engine get; the mapping
 * is deleted when the call ends. No IGD, a refusal or the time cap are normal outcomes for the report.
 */
public final class MediaPortMapping {

    private static final Logger LOG = LogManager.getLogger(MediaPortMapping.class);

    /**
     * What every call of an agent shares: the IGD client, its bounded pool for the blocking calls, the
     * loop the procedures run on, the lease, and the time cap of the step. Closed at agent shutdown.
     *
     * @param control       the IGD operations ({@link WeupnpIgdControl} in production)
     * @param igd           the bounded pool for the blocking IGD calls
     * @param loop          the single thread every call's procedure runs on
     * @param leaseSeconds  the lease asked for (renewed at half-lease while the call lasts); 0: permanent
     * @param timeout       the cap of the whole step (search, external address, add, read-back); the
     *                      search listens half of it
     */
    public record Plan(Supplier<IgdControl> control, IgdExecutor igd, ScheduledExecutorService loop,
                       int leaseSeconds, Duration timeout) implements AutoCloseable {

        public Plan {
            Objects.requireNonNull(control, "control");
            Objects.requireNonNull(igd, "igd");
            Objects.requireNonNull(loop, "loop");
            Objects.requireNonNull(timeout, "timeout");
        }

        /** A plan on weupnp with its own pool (2 threads) and loop thread, both daemon threads. */
        public static Plan open(int leaseSeconds, Duration timeout) {
            AtomicInteger n = new AtomicInteger();
            ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "upnp-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            return new Plan(WeupnpIgdControl::new, new IgdExecutor(2, 32, timeout), loop, leaseSeconds, timeout);
        }

        @Override
        public void close() {
            igd.close();
            loop.shutdownNow();
        }
    }

    /**
     * The UPnP part of a call's report.
     *
     * @param outcome      mapped, or why not: absent (no IGD answered), refused, timed out, failed,
     *                     useless address, no result within the cap
     * @param external     the advertised external tuple ({@code ip:port}), null when none
     * @param leaseSeconds the lease of the mapping (0: permanent), null when none
     * @param verified     whether the read-back showed the mapping pointing at us, null when none
     * @param millis       how long the step took until its outcome (null when it had none in the cap)
     * @param renewals     lease renewals during the call
     * @param deleted      what happened to the mapping at call end, null before
     */
    public record Report(String outcome, String external, Integer leaseSeconds, Boolean verified, Long millis,
                         int renewals, String deleted) {
    }

    private final Plan plan;
    private final UpnpMappingDriver driver;
    private final CompletableFuture<UpnpEvent> first = new CompletableFuture<>();
    private final AtomicInteger renewals = new AtomicInteger();
    private final long startedAt;
    private volatile String deleted;
    private volatile Long millis;
    private volatile String outcome = "not started";
    private volatile UpnpMapping advertised;
    private boolean closed;

    /** Starts mapping {@code mediaPort} at once; {@link #await()} waits for the outcome. */
    public MediaPortMapping(Plan plan, int mediaPort) {
        this.plan = plan;
        long half = Math.max(1, plan.timeout().toMillis() / 2);
        UpnpConfig config = UpnpConfig.defaults(mediaPort).withLeaseSeconds(plan.leaseSeconds())
                .withDiscoveryTimeout(Duration.ofMillis(half));
        config = new UpnpConfig(config.internalPort(), config.leaseSeconds(), config.maxPorts(),
                config.discoveryTimeout(), Duration.ofMillis(half), config.description(), Optional.empty());
        this.driver = new UpnpMappingDriver(new UpnpPortMapping(config), plan.control().get(), plan.igd(),
                plan.loop(), System::nanoTime, this::onEvent);
        this.startedAt = System.nanoTime();
        driver.start();
    }

    /**
     * Waits, at most the plan's time cap, for the first outcome.
     *
     * @return the external tuple when the port is mapped
     */
    public Optional<InetSocketAddress> await() {
        UpnpEvent e;
        try {
            e = first.get(plan.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            // the cap: later results are only logged (a late mapping is still deleted at call end)
            e = first.complete(null) ? null : first.getNow(null);
            if (e == null) {
                outcome = "no result within " + plan.timeout().toMillis() + " ms";
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            first.complete(null);
            outcome = "interrupted";
            return Optional.empty();
        } catch (ExecutionException ex) {
            outcome = "failed: " + ex.getCause();
            return Optional.empty();
        }
        if (e instanceof UpnpEvent.Mapped m) {
            advertised = m.mapping();
            return Optional.of(m.mapping().external());
        }
        return Optional.empty();
    }

    /**
     * Checks the mapping against discovery: the IGD's external address must be the public address the
     * discovery servers saw from the media port (otherwise the IGD sits behind another NAT and the mapping
     * is deleted).
     *
     * @return the tuple to advertise, or empty
     */
    public Optional<InetSocketAddress> confirm(NatProfile profile) {
        UpnpMapping m = advertised;
        if (m == null) {
            return Optional.empty();
        }
        Optional<InetAddress> seen = profile.firstMapping().map(MappedTuple::mapped)
                .map(InetSocketAddress::getAddress);
        if (seen.isEmpty()) {
            return Optional.of(m.external()); // discovery saw nothing to compare with: the IGD's word stands
        }
        driver.checkDiscoveredAddress(seen.get());
        if (!seen.get().equals(m.external().getAddress())) {
            advertised = null;
            outcome = "useless address: the IGD's " + m.external().getAddress().getHostAddress()
                    + " differs from the address discovery saw (" + seen.get().getHostAddress() + ")";
            return Optional.empty();
        }
        return Optional.of(m.external());
    }

    /**
     * Ends the step: the mapping is deleted (waited for at most the plan's time cap, so the report can say
     * what was deleted). Idempotent.
     */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            driver.close().get(plan.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (deleted == null) {
                deleted = "deletion still running after " + plan.timeout().toMillis() + " ms";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            deleted = "not deleted: " + e.getCause();
        }
    }

    /** What the step did, for the call report. */
    public Report report() {
        UpnpMapping m = advertised;
        return new Report(outcome, m == null ? null : hostPort(m.external()), m == null ? null : m.leaseSeconds(),
                m == null ? null : m.verified(), millis, renewals.get(), deleted);
    }

    private void onEvent(UpnpEvent e) {
        LOG.info("UPnP: {}", e);
        if (e instanceof UpnpEvent.Renewed) {
            renewals.incrementAndGet();
            return;
        }
        if (e instanceof UpnpEvent.Deleted d) {
            deleted = hostPort(d.external()) + (d.confirmed() ? " deleted" : " not confirmed: " + d.detail());
            return;
        }
        if (e instanceof UpnpEvent.UselessAddress u) {
            outcome = "useless address " + u.reported() + ": " + u.reason();
        } else if (first.isDone()) {
            return; // after the cap: the call goes on without it
        } else if (e instanceof UpnpEvent.Mapped m) {
            outcome = "mapped" + (m.portsTried() > 1 ? " (" + m.portsTried() + " ports tried)" : "");
        } else if (e instanceof UpnpEvent.Absent) {
            outcome = "absent (no IGD answered the search)";
        } else if (e instanceof UpnpEvent.TimedOut t) {
            outcome = "timed out (" + t.step() + ")";
        } else if (e instanceof UpnpEvent.Refused r) {
            outcome = "refused (" + r.step() + " " + r.code() + " " + r.reason() + ")";
        } else if (e instanceof UpnpEvent.Failed f) {
            outcome = "failed (" + f.step() + ": " + f.reason() + ")";
        }
        if (!first.isDone()) {
            millis = (System.nanoTime() - startedAt) / 1_000_000;
            first.complete(e);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
    }
}
