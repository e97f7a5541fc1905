package net.sippunch.agent.interop;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import net.sippunch.agent.call.CallEnvironment;
import net.sippunch.agent.media.Codec;
import net.sippunch.agent.media.ForwardingNegotiation;
import net.sippunch.agent.media.PlainRtpNegotiation;
import net.sippunch.agent.media.SdpProblem;

/**
 * Plain negotiation whose answer (and, if the gate says so, offer) waits until the test opens its {@link Gate},
 * as a NAT traversal answer or offer waits for discovery. The gate counts answers entered and negotiations stopped.
 */
final class HeldNegotiation extends ForwardingNegotiation {

    /** Shared by every call of one agent. */
    static final class Gate {
        final Semaphore entered = new Semaphore(0);
        final Semaphore stopped = new Semaphore(0);
        final CountDownLatch open = new CountDownLatch(1);
        /** Thrown by the answer once the gate is open (an SdpProblem or a RuntimeException), null: none. */
        volatile Exception fault;
        private final boolean interruptible;
        private final boolean offers;

        /**
         * @param interruptible true: an interrupt ends the wait with an SdpProblem (as discovery does); false:
         *                      the answer ignores it and comes when the gate opens
         */
        Gate(boolean interruptible) {
            this(interruptible, false);
        }

        /** @param offers true: offers wait at the gate too (a caller's discovery), not only answers */
        Gate(boolean interruptible, boolean offers) {
            this.interruptible = interruptible;
            this.offers = offers;
        }

        /** The agent's negotiation factory. */
        CallEnvironment.Negotiations negotiations() {
            SplittableRandom ids = new SplittableRandom(7);
            return (port, caller) -> new HeldNegotiation(this,
                    new PlainRtpNegotiation("127.0.0.1", port.localAddress().getPort(), List.of(Codec.PCMU, Codec.PCMA),
                            ids.nextLong()));
        }
    }

    private final Gate gate;

    private HeldNegotiation(Gate gate, PlainRtpNegotiation plain) {
        super(plain);
        this.gate = gate;
    }

    @Override
    public boolean preparationWaits() {
        return true;
    }

    @Override
    public String offer() throws SdpProblem {
        if (gate.offers) {
            hold();
        }
        return inner.offer();
    }

    @Override
    public String answer(String offer) throws SdpProblem {
        hold();
        return inner.answer(offer);
    }

    /** Waits at the gate; then throws the gate's fault, if any. */
    private void hold() throws SdpProblem {
        gate.entered.release();
        boolean interrupted = false;
        while (true) {
            try {
                gate.open.await();
                break;
            } catch (InterruptedException e) {
                if (gate.interruptible) {
                    Thread.currentThread().interrupt();
                    throw new SdpProblem("interrupted while held");
                }
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Exception f = gate.fault;
        if (f instanceof SdpProblem problem) {
            throw problem;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
    }

    @Override
    public void stop() {
        inner.stop();
        gate.stopped.release();
    }
}
