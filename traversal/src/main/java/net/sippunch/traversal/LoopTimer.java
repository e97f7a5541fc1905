package net.sippunch.traversal;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The one timer of a sans-IO procedure driven on a single-threaded loop: after each step the driver
 * passes the procedure's next deadline ({@code pollTimeout()}), and the timer is armed for it, moved when
 * it changed, or cancelled when there is none. To be used on the loop only.
 */
public final class LoopTimer {

    private final ScheduledExecutorService loop;
    private final LongSupplier clock;
    private final Runnable expiry;
    private ScheduledFuture<?> timer;
    private long timerAt;

    /**
     * @param loop   the single-threaded loop that owns the procedure
     * @param clock  the clock of the deadlines, in nanoseconds ({@code System::nanoTime} in production)
     * @param expiry run on the loop when the deadline passes (it should step the procedure and call
     *               {@link #rearm} again)
     */
    public LoopTimer(ScheduledExecutorService loop, LongSupplier clock, Runnable expiry) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
    }

    /** Arms the timer for {@code next} (on the clock), or cancels it when {@code next} is empty. */
    public void rearm(OptionalLong next) {
        if (next.isPresent() && (timer == null || timerAt != next.getAsLong())) {
            if (timer != null) {
                timer.cancel(false);
            }
            timerAt = next.getAsLong();
            timer = loop.schedule(() -> {
                timer = null;
                expiry.run();
            }, Math.max(0, timerAt - clock.getAsLong()), TimeUnit.NANOSECONDS);
        } else if (next.isEmpty() && timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
