package net.sippunch.agent.media;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.netty.NettyMediaPort;

/**
 * The range the agent's media ports come from: one local UDP port per media stream carries discovery,
 * probes, RTP and RTCP. Even ports, tried round-robin from where the previous allocation stopped; each port
 * goes to the next event loop of the agent's media group, which then runs everything of that call's media.
 * The odd port above each is left for an RTCP component (a standard peer that does not multiplex RTCP), so
 * the highest even port is one whose neighbour is still in the range, as a firewall rule for the range expects.
 */
public final class MediaPortRange {

    private static final long BIND_SECONDS = 5;

    private final EventLoopGroup group;
    private final InetAddress address;
    private final int min;
    private final int max;
    private final AtomicInteger next;

    /** A range whose first allocation is its lowest even port. */
    public MediaPortRange(EventLoopGroup group, InetAddress address, int min, int max) {
        this.group = group;
        this.address = address;
        this.min = min + (min & 1);
        this.max = lastEvenWithNeighbour(this.min, max);
        this.next = new AtomicInteger(this.min);
    }

    /**
     * A range whose first allocation is a random even port of it. An agent started again soon after (each
     * {@code sip-agent call} is a new process) then rarely reuses the previous run's media port, whose NAT
     * mappings toward the discovery servers may still exist: discovery would report those old mappings
     * instead of where a sequential NAT allocates now, and the peer's prediction would miss.
     */
    public MediaPortRange(EventLoopGroup group, InetAddress address, int min, int max, RandomGenerator random) {
        this(group, address, min, max);
        int evenPorts = Math.max(1, (max - this.min) / 2 + 1);
        next.set(this.min + 2 * random.nextInt(evenPorts));
    }

    /**
     * The highest even port whose odd neighbour is at most {@code max}; {@code first} itself when the range has
     * room for no pair (a single port: its RTCP component, if any, binds elsewhere).
     */
    static int lastEvenWithNeighbour(int first, int max) {
        int top = max - 1;
        return top < first ? first : top - (top & 1);
    }

    /** Binds the next free even port of the range. */
    public NettyMediaPort bind() throws IOException {
        int count = Math.max(1, (max - min) / 2 + 1);
        for (int i = 0; i < count; i++) {
            int port = next.getAndUpdate(p -> p + 2 > max ? min : p + 2);
            try {
                return NettyMediaPort.open(group.next(), new InetSocketAddress(address, port))
                        .get(BIND_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UncheckedIOException)) {
                    throw new IOException("media port " + port + ": " + e.getCause().getMessage(), e.getCause());
                }
                // taken: try the next one
            } catch (TimeoutException e) {
                throw new IOException("media port " + port + " not bound within " + BIND_SECONDS + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while binding a media port");
            }
        }
        throw new IOException("no free media port in " + address.getHostAddress() + " " + min + ".." + max);
    }
}
