package net.sippunch.agent.media;

import java.io.IOException;
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
import net.sippunch.traversal.upnp.IgdStep;
import net.sippunch.traversal.upnp.UpnpConfig;
import net.sippunch.traversal.upnp.UpnpEvent;
import net.sippunch.traversal.upnp.UpnpMapping;
import net.sippunch.traversal.upnp.UpnpMappingDriver;
import net.sippunch.traversal.upnp.UpnpPortMapping;
import net.sippunch.traversal.upnp.WeupnpIgdControl;
import net.sippunch.traversal.upnp.natpmp.DefaultGateway;
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
     * @param gateway       the LAN's default gateway, asked over NAT-PMP when no UPnP IGD answered the
     *                      search (empty supplier result, or a null supplier: no NAT-PMP fallback)
     * @param leaseSeconds  the lease asked for (renewed at half-lease while the call lasts); 0: permanent
     *                      (NAT-PMP has no permanent mappings: it then asks for a day)
     * @param timeout       the cap of the UPnP procedure (search, external address, add, read-back; the
     *                      search listens a quarter of it), and again of the NAT-PMP fallback
     */
    public record Plan(Supplier<IgdControl> control, IgdExecutor igd, ScheduledExecutorService loop,
                       Supplier<Optional<InetAddress>> gateway, int leaseSeconds, Duration timeout)
            implements AutoCloseable {

        public Plan {
            Objects.requireNonNull(control, "control");
            Objects.requireNonNull(igd, "igd");
            Objects.requireNonNull(loop, "loop");
            Objects.requireNonNull(timeout, "timeout");
            gateway = gateway != null ? gateway : Optional::empty;
        }

        /**
         * A plan on weupnp with its own pool (2 threads) and loop thread, both daemon threads; with
         * {@code natPmp}, the default gateway from the routing table is asked over NAT-PMP when no IGD answers.
         */
        public static Plan open(boolean natPmp, int leaseSeconds, Duration timeout) {
            AtomicInteger n = new AtomicInteger();
            ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "upnp-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            return new Plan(WeupnpIgdControl::new, new IgdExecutor(2, 32, timeout), loop,
                    natPmp ? DefaultGateway::find : null, leaseSeconds, timeout);
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
     * @param protocol     UPnP, or NAT-PMP when no UPnP IGD answered and the gateway speaks NAT-PMP
     * @param outcome      mapped, or why not: absent (no IGD answered), refused, timed out, failed,
     *                     useless address, no result within the cap (for NAT-PMP, after UPnP's outcome)
     * @param external     the advertised external tuple ({@code ip:port}), null when none
     * @param leaseSeconds the lease of the mapping (0: permanent), null when none
     * @param verified     whether the read-back showed the mapping pointing at us, null when none
     * @param millis       how long the step took until its outcome (null when it had none in the cap)
     * @param renewals     lease renewals during the call
     * @param deleted      what happened to the mapping at call end, null before
     */
    public record Report(String protocol, String outcome, String external, Integer leaseSeconds, Boolean verified, Long millis,
                         int renewals, String deleted) {
    }

    private final Plan plan;
    private final int mediaPort;
    private final UpnpMappingDriver upnp;
    private final CompletableFuture<UpnpEvent> upnpFirst = new CompletableFuture<>();
    private final CompletableFuture<UpnpEvent> natPmpFirst = new CompletableFuture<>();
    private final AtomicInteger renewals = new AtomicInteger();
    private final long startedAt;
    private volatile NatPmpDriver natPmp;
    private volatile String protocol = "UPnP";
    private volatile String upnpOutcome;
    private volatile String deleted;
    private volatile Long millis;
    private volatile String outcome = "not started";
    private volatile UpnpMapping advertised;
    private boolean closed;

    /** Starts mapping {@code mediaPort} at once; {@link #await()} waits for the outcome. */
    public MediaPortMapping(Plan plan, int mediaPort) {
        this.plan = plan;
        this.mediaPort = mediaPort;
        // weupnp's search blocks well beyond its timeout when no IGD answers (a round per search type), so it
        // listens a quarter of the cap; an IGD on the LAN answers within milliseconds
        long cap = plan.timeout().toMillis();
        UpnpConfig config = UpnpConfig.defaults(mediaPort).withLeaseSeconds(plan.leaseSeconds())
                .withDiscoveryTimeout(Duration.ofMillis(Math.max(1, cap / 4)));
        config = new UpnpConfig(config.internalPort(), config.leaseSeconds(), config.maxPorts(),
                config.discoveryTimeout(), Duration.ofMillis(Math.max(1, cap / 2)), config.description(),
                Optional.empty());
        this.upnp = new UpnpMappingDriver(new UpnpPortMapping(config), plan.control().get(), plan.igd(),
                plan.loop(), System::nanoTime, e -> onEvent(e, upnpFirst));
        this.startedAt = System.nanoTime();
        upnp.start();
    }

    /**
     * Waits, at most the plan's time cap, for UPnP's outcome; when no IGD answered the search (none, or not
     * in time) and the plan has a gateway, asks it over NAT-PMP, again within the cap.
     *
     * @return the external tuple when the port is mapped
     */
    public Optional<InetSocketAddress> await() {
        UpnpEvent e = first(upnpFirst);
        boolean noIgd = e == null || e instanceof UpnpEvent.Absent
                || e instanceof UpnpEvent.TimedOut t && t.step() == IgdStep.DISCOVER
                || e instanceof UpnpEvent.Failed f && f.step() == IgdStep.DISCOVER;
        if (noIgd && !Thread.currentThread().isInterrupted()) {
            Optional<InetAddress> gateway = plan.gateway().get();
            if (gateway.isPresent()) {
                upnpOutcome = outcome;
                protocol = "NAT-PMP";
                try {
                    natPmp = NatPmpDriver.start(gateway.get(), mediaPort,
                            plan.leaseSeconds() == 0 ? 86400 : plan.leaseSeconds(), attempts(),
                            plan.loop(), ev -> onEvent(ev, natPmpFirst));
                    e = first(natPmpFirst);
                } catch (IOException ex) {
                    outcome = "failed (NAT-PMP socket: " + ex.getMessage() + ")";
                    e = null;
                }
            }
        }
        if (e instanceof UpnpEvent.Mapped m) {
            advertised = m.mapping();
            return Optional.of(m.mapping().external());
        }
        return Optional.empty();
    }

    /** NAT-PMP sends at 250 ms, doubling: as many as fit in the cap (1..9). */
    private int attempts() {
        long cap = plan.timeout().toMillis();
        int n = 1;
        for (long total = 250; n < 9 && total + (250L << n) <= cap; n++) {
            total += 250L << n;
        }
        return n;
    }

    private UpnpEvent first(CompletableFuture<UpnpEvent> first) {
        try {
            return first.get(plan.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            // the cap: later results are only logged (a late mapping is still deleted at call end)
            UpnpEvent e = first.complete(null) ? null : first.getNow(null);
            if (e == null) {
                outcome = "no result within " + plan.timeout().toMillis() + " ms";
            }
            return e;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            first.complete(null);
            outcome = "interrupted";
        } catch (ExecutionException ex) {
            outcome = "failed: " + ex.getCause();
        }
        return null;
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
        if (natPmp == null) {
            upnp.checkDiscoveredAddress(seen.get());
        }
        if (!seen.get().equals(m.external().getAddress())) {
            advertised = null;
            outcome = "useless address: the gateway's " + m.external().getAddress().getHostAddress()
                    + " differs from the address discovery saw (" + seen.get().getHostAddress() + ")";
            NatPmpDriver pmp = natPmp;
            if (pmp != null) {
                pmp.close();
            }
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
        NatPmpDriver pmp = natPmp;
        CompletableFuture<Void> done = pmp == null ? upnp.close() : CompletableFuture.allOf(upnp.close(), pmp.close());
        try {
            done.get(plan.timeout().toMillis(), TimeUnit.MILLISECONDS);
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
        String text = upnpOutcome == null ? outcome : outcome + " after UPnP: " + upnpOutcome;
        return new Report(protocol, text, m == null ? null : hostPort(m.external()),
                m == null ? null : m.leaseSeconds(), m == null ? null : m.verified(), millis, renewals.get(), deleted);
    }

    private void onEvent(UpnpEvent e, CompletableFuture<UpnpEvent> first) {
        LOG.info("{}: {}", first == upnpFirst ? "UPnP" : "NAT-PMP", e);
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
            outcome = first == upnpFirst ? "absent (no IGD answered the search)"
                    : "absent (the gateway did not answer NAT-PMP)";
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
