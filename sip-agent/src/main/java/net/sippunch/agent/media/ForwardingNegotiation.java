package net.sippunch.agent.media;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.sippunch.agent.media.srtp.SrtpKeys;
import net.sippunch.traversal.netty.DatagramSessionDriver;
import net.sippunch.traversal.netty.NettyMediaPort;

/**
 * A negotiation that wraps another and hands it every method it does not change itself, as the SRTP keyings
 * wrap either mode's negotiation. A method added to {@link MediaNegotiation} is forwarded here once, so a
 * wrapper cannot lose it (a relayed path's transport, a late DTLS record) by falling back to the default.
 */
public abstract class ForwardingNegotiation implements MediaNegotiation {

    /** The wrapped negotiation. */
    protected final MediaNegotiation inner;

    protected ForwardingNegotiation(MediaNegotiation inner) {
        this.inner = inner;
    }

    @Override
    public String offer() throws SdpProblem {
        return inner.offer();
    }

    @Override
    public String answer(String offer) throws SdpProblem {
        return inner.answer(offer);
    }

    @Override
    public boolean preparationWaits() {
        return inner.preparationWaits();
    }

    @Override
    public void acceptAnswer(String answer) throws SdpProblem {
        inner.acceptAnswer(answer);
    }

    @Override
    public void confirmed() {
        inner.confirmed();
    }

    @Override
    public Optional<String> keepSession(String offer) {
        return inner.keepSession(offer);
    }

    @Override
    public Optional<String> updatedOffer() {
        return inner.updatedOffer();
    }

    @Override
    public CompletableFuture<Void> updatedOfferDue() {
        return inner.updatedOfferDue();
    }

    @Override
    public CompletableFuture<MediaPath> start() {
        return inner.start();
    }

    @Override
    public void watch(PathWatch watch) {
        inner.watch(watch);
    }

    @Override
    public MediaTransport transport(NettyMediaPort port) {
        return inner.transport(port);
    }

    @Override
    public void stop() {
        inner.stop();
    }

    @Override
    public Optional<SrtpKeys> srtp() {
        return inner.srtp();
    }

    @Override
    public Optional<DatagramSessionDriver.Unhandled> dtlsRecords() {
        return inner.dtlsRecords();
    }

    @Override
    public String encryption() {
        return inner.encryption();
    }

    @Override
    public TraversalSummary summary() {
        return inner.summary();
    }
}
