package net.sippunch.agent.call;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import net.sippunch.agent.media.MediaNegotiation;
import net.sippunch.agent.media.SdpProblem;
import net.sippunch.agent.sip.CallIdLabel;
import org.apache.logging.log4j.ThreadContext;

/**
 * The callee's SDP for its 200 OK, prepared off the SIP thread: the answer to the INVITE's offer, or an offer
 * when the INVITE carried none. A NAT traversal negotiation runs discovery (and the UPnP step) first and waits
 * for them, so this runs on the agent's SDP preparation pool; the outcome goes to a callback on that pool's
 * thread. A preparation abandoned while it runs (the call was cancelled or the agent stops) has its thread
 * interrupted; its outcome is still delivered, so whatever the negotiation made meanwhile can be released.
 */
final class SdpPreparation {

    /** How a preparation ended. */
    sealed interface Outcome {
        /** The SDP to send. */
        record Ready(String sdp) implements Outcome {
        }

        /** The offer could not be answered (or no offer could be made): 488. */
        record Unacceptable(SdpProblem problem) implements Outcome {
        }

        /** The negotiation failed in an unexpected way: 500. */
        record Failed(RuntimeException error) implements Outcome {
        }
    }

    private final MediaNegotiation media;
    private final String offer;
    private final String callId;
    private final Consumer<Outcome> then;
    private Thread preparing;
    private boolean abandoned;

    private SdpPreparation(MediaNegotiation media, String offer, String callId, Consumer<Outcome> then) {
        this.media = media;
        this.offer = offer;
        this.callId = callId;
        this.then = then;
    }

    /**
     * Starts preparing on {@code pool}.
     *
     * @param offer the INVITE's offer, or null for a late offer (the 200 OK then carries ours)
     * @param then  told the outcome, on the pool's thread, after the negotiation returned
     * @throws RejectedExecutionException when the pool is full or shut down
     */
    static SdpPreparation start(Executor pool, MediaNegotiation media, String offer, String callId,
                                   Consumer<Outcome> then) {
        SdpPreparation p = new SdpPreparation(media, offer, callId, then);
        pool.execute(p::run);
        return p;
    }

    /**
     * Prepares on the calling thread, for a negotiation that does not wait ({@link
     * MediaNegotiation#preparationWaits()} false).
     *
     * @param offer the INVITE's offer, or null for a late offer
     */
    static Outcome prepare(MediaNegotiation media, String offer) {
        try {
            return new Outcome.Ready(offer == null ? media.offer() : media.answer(offer));
        } catch (SdpProblem e) {
            return new Outcome.Unacceptable(e);
        } catch (RuntimeException e) {
            return new Outcome.Failed(e);
        }
    }

    /** Gives the preparation up: not started yet, it will not start; running, its thread is interrupted. */
    synchronized void abandon() {
        abandoned = true;
        if (preparing != null) {
            preparing.interrupt();
        }
    }

    private void run() {
        synchronized (this) {
            if (abandoned) {
                return;
            }
            preparing = Thread.currentThread();
        }
        ThreadContext.put("call", CallIdLabel.log(callId));
        Outcome outcome;
        try {
            outcome = prepare(media, offer);
        } finally {
            synchronized (this) {
                preparing = null;
                Thread.interrupted(); // an abandon's interrupt ends here, not in the pool's next task
            }
            ThreadContext.remove("call");
        }
        then.accept(outcome);
    }
}
