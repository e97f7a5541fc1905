package net.sippunch.traversal.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;

/**
 * Background traffic of another host behind the same NAT: it opens new UDP flows at a given rate, each
 * from a fresh local port (cycling through 1024..65535, as ephemeral sockets would) to a random public
 * address in 198.19.128.0/17 (where nothing answers), one datagram per flow. Every flow is a new internal
 * endpoint, so it takes a NAT mapping, and a port, exactly as a real flow does. Attach it to a host on the
 * NAT's LAN like any session.
 */
public final class Neighbour implements DatagramSession {

    /** When flows start. */
    public enum Arrivals {
        /** Exponential gaps (a Poisson process) drawn from the seeded generator. */
        POISSON,
        /** Evenly spaced. */
        REGULAR
    }

    private static final int FIRST_PORT = 1024;
    private static final byte[] PAYLOAD = new byte[] {0x4e, 0x42};

    private final double flowsPerSecond;
    private final Arrivals arrivals;
    private final RandomGenerator random;
    private final ArrayDeque<Transmit> outbox = new ArrayDeque<>();
    private long nextFlowAt;
    private int nextPort = FIRST_PORT;
    private long flows;

    /**
     * @param flowsPerSecond mean rate of new flows; 0 for none
     * @param startNanos     time from which flows start
     */
    public Neighbour(double flowsPerSecond, Arrivals arrivals, RandomGenerator random, long startNanos) {
        if (!(flowsPerSecond >= 0) || Double.isInfinite(flowsPerSecond)) {
            throw new IllegalArgumentException("flows per second must be a finite number >= 0");
        }
        this.flowsPerSecond = flowsPerSecond;
        this.arrivals = arrivals;
        this.random = random;
        this.nextFlowAt = flowsPerSecond == 0 ? Long.MAX_VALUE : startNanos + gap();
    }

    /** Flows opened so far. */
    public long flows() {
        return flows;
    }

    @Override
    public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
        return false;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        while (nextFlowAt <= nowNanos) {
            outbox.add(new Transmit(nextPort, randomDestination(), PAYLOAD));
            nextPort = nextPort == 65535 ? FIRST_PORT : nextPort + 1;
            flows++;
            nextFlowAt += gap();
        }
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(outbox.poll());
    }

    @Override
    public OptionalLong pollTimeout() {
        return nextFlowAt == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(nextFlowAt);
    }

    private long gap() {
        double meanNanos = 1e9 / flowsPerSecond;
        double g = arrivals == Arrivals.REGULAR ? meanNanos : -Math.log(1 - random.nextDouble()) * meanNanos;
        return Math.max(1, Math.round(g));
    }

    private InetSocketAddress randomDestination() {
        int host = random.nextInt(1 << 15);
        byte[] ip = {(byte) 198, (byte) 19, (byte) (128 | (host >>> 8)), (byte) host};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), 1024 + random.nextInt(64512));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Neighbour[" + flowsPerSecond + " flows/s " + arrivals + "]";
    }
}
