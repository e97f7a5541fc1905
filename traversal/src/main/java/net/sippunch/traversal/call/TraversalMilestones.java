package net.sippunch.traversal.call;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import net.sippunch.traversal.punch.PunchEvent;

/**
 * A {@link CallTraversal} listener for code that waits on the call's two milestones (the end of discovery,
 * the end of punching) as futures, and hands every event, milestones included, to a further listener
 * for what comes later (path changes, consent loss).
 */
public final class TraversalMilestones implements Consumer<TraversalEvent> {

    private final CompletableFuture<TraversalEvent> discovery = new CompletableFuture<>();
    private final CompletableFuture<PunchEvent> outcome = new CompletableFuture<>();
    private final Consumer<TraversalEvent> then;

    /** Milestones only: the other events are consumed by nobody but the driver. */
    public TraversalMilestones() {
        this(e -> { });
    }

    /** Milestones, and every event to {@code then} afterwards (on the driver's thread). */
    public TraversalMilestones(Consumer<TraversalEvent> then) {
        this.then = Objects.requireNonNull(then, "then");
    }

    /** Completes with {@link TraversalEvent.Discovered} or {@link TraversalEvent.DiscoveryFailed}. */
    public CompletableFuture<TraversalEvent> discovery() {
        return discovery;
    }

    /** Completes with {@link PunchEvent.Settled} or {@link PunchEvent.GaveUp}. */
    public CompletableFuture<PunchEvent> outcome() {
        return outcome;
    }

    @Override
    public void accept(TraversalEvent event) {
        if (event instanceof TraversalEvent.Discovered || event instanceof TraversalEvent.DiscoveryFailed) {
            discovery.complete(event);
        } else if (event instanceof TraversalEvent.Punch p
                && (p.event() instanceof PunchEvent.Settled || p.event() instanceof PunchEvent.GaveUp)) {
            outcome.complete(p.event());
        }
        then.accept(event);
    }
}
