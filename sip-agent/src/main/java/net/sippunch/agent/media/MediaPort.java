package net.sippunch.agent.media;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * The one local UDP port of a media stream: discovery, probes, RTP and RTCP all use it. Bound to an
 * even port of the configured range, tried round-robin from where the previous allocation stopped.
 */
public final class MediaPort implements AutoCloseable {

    private final DatagramChannel channel;
    private final InetSocketAddress local;

    private MediaPort(DatagramChannel channel, InetSocketAddress local) {
        this.channel = channel;
        this.local = local;
    }

    /** A range of ports to allocate from; one instance per agent keeps the round-robin position. */
    public static final class Range {
        private final InetAddress address;
        private final int min;
        private final int max;
        private final AtomicInteger next;

        /** A range whose first allocation is its lowest even port. */
        public Range(InetAddress address, int min, int max) {
            this.address = address;
            this.min = min + (min & 1);
            this.max = max;
            this.next = new AtomicInteger(this.min);
        }

        /**
         * A range whose first allocation is a random even port of it. An agent started again soon after
         * (each {@code sip-agent call} is a new process) then rarely reuses the previous run's media port,
         * whose NAT mappings toward the discovery servers may still exist: discovery would report those old
         * mappings instead of where a sequential NAT allocates now, and the peer's prediction would miss.
         */
        public Range(InetAddress address, int min, int max, RandomGenerator random) {
            this(address, min, max);
            int evenPorts = Math.max(1, (max - this.min) / 2 + 1);
            next.set(this.min + 2 * random.nextInt(evenPorts));
        }

        /** Binds the next free even port of the range. */
        public MediaPort bind() throws IOException {
            int count = Math.max(1, (max - min) / 2 + 1);
            for (int i = 0; i < count; i++) {
                int port = next.getAndUpdate(p -> p + 2 > max ? min : p + 2);
                DatagramChannel ch = DatagramChannel.open();
                try {
                    ch.bind(new InetSocketAddress(address, port));
                    return new MediaPort(ch, (InetSocketAddress) ch.getLocalAddress());
                } catch (BindException e) {
                    ch.close();
                }
            }
            throw new IOException("no free media port in " + address.getHostAddress() + " " + min + ".." + max);
        }
    }

    public DatagramChannel channel() {
        return channel;
    }

    /** The bound local address (may be the wildcard). */
    public InetSocketAddress local() {
        return local;
    }

    public int port() {
        return local.getPort();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
