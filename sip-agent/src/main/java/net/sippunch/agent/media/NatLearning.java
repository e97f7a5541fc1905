package net.sippunch.agent.media;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.NatKnowledge;
import net.sippunch.traversal.discovery.NatKnowledgeCache;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.netty.NettyDiscovery;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the agent knows of its NAT between calls: a full discovery (with the RFC 5780 filtering tests) from a
 * spare port at start-up and again every refresh interval, kept in a {@link NatKnowledgeCache}, so that each
 * call's own discovery asks every target at once and costs one round trip. A call that finds no fresh
 * knowledge (the first, or one after the local address changed) runs the full discovery itself and hands
 * what it learned here. Every learning is logged, and a changed filtering says so.
 */
public final class NatLearning implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(NatLearning.class);

    private final NatKnowledgeCache cache;
    private final DiscoveryConfig config;
    private final EventLoopGroup group;
    private final InetAddress localAddress;
    private final Duration refresh;
    private final RandomGenerator random;
    private final ScheduledExecutorService timer;
    /** Guarded by {@code this}. */
    private ScheduledFuture<?> next;
    /** Guarded by {@code this}. */
    private boolean closed;
    /** Completes when the run under way ends; done when none runs. Guarded by {@code this}. */
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);
    /** Guarded by {@code this}. */
    private FilteringBehavior lastFiltering;
    /** Counts the relearnings: a run started before one is not kept. Guarded by {@code this}. */
    private int generation;
    /** Completes when the learning run under way (or the next) has ended. Guarded by {@code this}. */
    private CompletableFuture<Void> learnt = new CompletableFuture<>();

    /**
     * @param config       the discovery of a full run (servers, caps)
     * @param group        the media event loops: the spare port's run takes one
     * @param localAddress the media ports' local address (a wildcard: the route toward the first server)
     * @param refresh      how often the NAT is learned again; knowledge older than twice that is not used
     * @param timer        schedules the refreshes; nothing blocks on it
     */
    public NatLearning(DiscoveryConfig config, EventLoopGroup group, InetAddress localAddress, Duration refresh,
                       RandomGenerator random, ScheduledExecutorService timer) {
        this.config = Objects.requireNonNull(config, "config");
        this.group = Objects.requireNonNull(group, "group");
        this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
        this.refresh = Objects.requireNonNull(refresh, "refresh");
        this.random = Objects.requireNonNull(random, "random");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.cache = new NatKnowledgeCache(refresh.multipliedBy(2));
    }

    /** Learns the NAT now from a spare port, then every refresh interval. */
    public void start() {
        schedule(0);
    }

    /**
     * The network changed under the agent (another NAT, a router that restarted): what was learned is dropped
     * and the NAT learned again now; calls meanwhile run the whole discovery.
     *
     * @return completes when that learning has ended, learned or not
     */
    public CompletableFuture<Void> relearn() {
        CompletableFuture<Void> done;
        synchronized (this) {
            generation++;
            cache.forget();
            lastFiltering = null;
            if (next != null) {
                next.cancel(false);
            }
            done = learnt;
        }
        LOG.info("the network changed: learning the NAT again");
        schedule(0);
        return done;
    }

    /** Fresh knowledge for a call whose media port routes from {@code localIp}, or empty. */
    public Optional<NatKnowledge> fresh(InetAddress localIp) {
        return cache.fresh(localIp, config.servers(), System.nanoTime());
    }

    /** What a call's own discovery learned (there was no fresh knowledge for it, or the servers changed). */
    public void learned(NatKnowledge knowledge, String where) {
        int current;
        synchronized (this) {
            current = generation;
        }
        keep(knowledge, where, current);
    }

    /** Stops the refreshes; a run under way ends by its cap and is dropped. */
    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    private synchronized void schedule(long delayMillis) {
        if (!closed) {
            next = timer.schedule(this::learn, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Waits, at most {@code cap}, for a learning run under way to end. A call's discovery starts after it: behind
     * a sequential NAT the spare port's later flows (its requests to the servers' alternate addresses) would
     * otherwise take ports between the call's samples and its first packet, and the port predicted for the
     * call would be taken (seen in the kernel lab when a call came in while the agent was still starting).
     */
    public void awaitRunUnderWay(Duration cap) {
        CompletableFuture<Void> run;
        synchronized (this) {
            run = running;
        }
        try {
            run.get(cap.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("the learning run under way did not end within {} ms", cap.toMillis());
        }
    }

    private void learn() {
        int started;
        CompletableFuture<Void> run = new CompletableFuture<>();
        synchronized (this) {
            started = generation;
            running = run;
        }
        NettyDiscovery.run(group.next(), new InetSocketAddress(localAddress, 0), config, random)
                .whenComplete((outcome, failure) -> {
                    ended(outcome, failure, started);
                    run.complete(null); // after the knowledge is kept: a call waiting for the run may use it
                });
    }

    /** What a learning run found is kept (unless the network changed meanwhile); the next run is scheduled. */
    private void ended(DiscoveryOutcome outcome, Throwable failure, int started) {
        if (failure != null) {
            LOG.warn("NAT not learned: {}; calls run the whole discovery until the next try in {} s",
                    failure.getMessage(), refresh.toSeconds());
        } else if (outcome instanceof DiscoveryOutcome.Profiled profiled) {
            keep(profiled.knowledge(), "a spare port (" + profiled.profile().type().label() + ")",
                    started);
        } else {
            LOG.warn("NAT not learned: {}; calls run the whole discovery until the next try in {} s",
                    ((DiscoveryOutcome.Failed) outcome).reason(), refresh.toSeconds());
        }
        CompletableFuture<Void> done;
        synchronized (this) {
            if (started != generation) {
                return; // a relearning started meanwhile: its own run completes and reschedules
            }
            done = learnt;
            learnt = new CompletableFuture<>();
        }
        done.complete(null);
        schedule(refresh.toMillis());
    }

    private void keep(NatKnowledge knowledge, String where, int started) {
        synchronized (this) {
            if (closed || started != generation) {
                return; // learned before the network changed
            }
            if (lastFiltering != null && lastFiltering != knowledge.filtering()) {
                LOG.info("the NAT's filtering changed from {} to {}", lastFiltering, knowledge.filtering());
            }
            lastFiltering = knowledge.filtering();
        }
        cache.learned(knowledge);
        LOG.info("NAT learned from {}: filtering {}, {} alternate server addresses, silent {}; learned again in {} s",
                where, knowledge.filtering(), knowledge.alternates().size(), knowledge.silentServers(),
                refresh.toSeconds());
    }
}
