package net.sippunch.traversal.sim;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;

/**
 * A deliberately naive punch for testing the harness: every interval it sends one datagram from its
 * local port to the peer's first mapped address, and it is done when one datagram from the peer's public
 * address arrives. Not the project's engine; it only shows which NAT pairs open with no prediction at all.
 */
final class ReflexiveProbe implements DatagramSession {

    private static final byte[] PROBE = {0x70, 0x72, 0x6f, 0x62, 0x65};

    private final int localPort;
    private final InetSocketAddress target;
    private final long intervalNanos;
    private final ArrayDeque<Transmit> outbox = new ArrayDeque<>();
    private long nextAt;
    private InetSocketAddress heardFrom;
    private long sent;

    ReflexiveProbe(Scenario.Peer peer, long intervalNanos) {
        this.localPort = peer.localPort();
        this.target = peer.remoteProfile().firstMapping().orElseThrow().mapped();
        this.intervalNanos = intervalNanos;
        this.nextAt = peer.nowNanos();
    }

    boolean done() {
        return heardFrom != null;
    }

    Optional<InetSocketAddress> heardFrom() {
        return Optional.ofNullable(heardFrom);
    }

    long sent() {
        return sent;
    }

    @Override
    public boolean handleDatagram(long nowNanos, int port, InetSocketAddress source, byte[] payload) {
        if (port != localPort || !source.getAddress().equals(target.getAddress())) {
            return false;
        }
        if (heardFrom == null) {
            heardFrom = source;
        }
        return true;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        if (nowNanos >= nextAt) {
            outbox.add(new Transmit(localPort, target, PROBE));
            sent++;
            nextAt = nowNanos + intervalNanos;
        }
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(outbox.poll());
    }

    @Override
    public OptionalLong pollTimeout() {
        return OptionalLong.of(nextAt);
    }
}
