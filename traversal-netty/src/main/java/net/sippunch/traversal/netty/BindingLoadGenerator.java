package net.sippunch.traversal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;

/**
 * An open-loop STUN Binding load generator for benchmarks: one event loop thread paces requests every
 * millisecond over several sockets, matches answers by the request index carried in the transaction ID,
 * and reports loss and latency. Only for servers the operator runs.
 *
 * <p>The generator must stay cheaper than the server it measures, and on loopback the sender pays for
 * the receiving side of the kernel's path too. So the requests (20 bytes each, no attributes) are encoded
 * once into one buffer, and on epoll with UDP segmentation offload each socket's share of a tick leaves
 * as one segmented send; the server still receives one datagram per request.
 */
public final class BindingLoadGenerator {

    /** Most requests in one segmented send (every kernel with UDP GSO takes at least 64 segments). */
    private static final int MAX_SEGMENTS = 64;
    /** Most requests in one step: they are encoded up front, 20 bytes each. */
    public static final int MAX_REQUESTS_PER_STEP = 50_000_000;
    /** A Binding request without attributes is its header alone. */
    private static final int REQUEST_LENGTH = StunCodec.HEADER_LENGTH;

    /**
     * What one step measured. {@code generatorBusy} is the CPU time of the generator's thread over the
     * step's wall time (0 to 1, or -1 where the JVM cannot tell): near 1, the generator and not the
     * server may be what limited the step.
     */
    public record Result(int offeredRate, long sent, long answered, double achievedSendRate,
                         long p50Micros, long p99Micros, long maxMicros, double generatorBusy) {
        public long lost() {
            return sent - answered;
        }

        /** Every request answered, and the offered rate really offered (within 5 %). */
        public boolean lossless() {
            return lost() == 0 && achievedSendRate >= 0.95 * offeredRate;
        }
    }

    private final EventLoop loop;
    private final InetSocketAddress server;
    private final int total;
    private final ByteBuf requests;
    private final long[] sentAt;
    private final long[] answeredAt;
    private final int rate;
    private final long drainNanos;
    private final boolean segmented;
    private final List<Channel> channels = new ArrayList<>();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private ScheduledFuture<?> ticker;
    private long start;
    private long startCpu;
    private long sendEnd;
    private int sent;
    private int answered;

    private BindingLoadGenerator(EventLoopGroup group, InetSocketAddress server, int rate, double seconds,
                                 long drainMillis) {
        this.loop = group.next();
        this.server = server;
        this.rate = rate;
        long count = Math.round(rate * seconds);
        if (count > MAX_REQUESTS_PER_STEP) {
            throw new IllegalArgumentException("at most " + MAX_REQUESTS_PER_STEP + " requests per step, not " + count);
        }
        this.total = (int) count;
        this.requests = encodeAll(total);
        this.sentAt = new long[total];
        this.answeredAt = new long[total];
        this.drainNanos = TimeUnit.MILLISECONDS.toNanos(drainMillis);
        this.segmented = segmentedSends(group);
    }

    /**
     * Runs one step: {@code rate} requests per second for {@code seconds}, then {@code drainMillis} for
     * late answers. The group should have one thread the caller dedicates to it. Not to be called on
     * an event loop (it waits for the sockets to connect).
     */
    public static CompletableFuture<Result> run(EventLoopGroup group, InetSocketAddress server, int rate,
                                                double seconds, int sockets, long drainMillis) {
        BindingLoadGenerator g = new BindingLoadGenerator(group, server, rate, seconds, drainMillis);
        if (g.open(group, sockets)) {
            g.loop.execute(g::startTicking);
        } else {
            g.requests.release();
        }
        return g.result;
    }

    /** Whether requests leave in segmented sends (UDP GSO) rather than one send per request. */
    private static boolean segmentedSends(EventLoopGroup group) {
        return NettyTransport.datagramChannelClass(group) == EpollDatagramChannel.class
                && SegmentedDatagramPacket.isSupported();
    }

    private boolean open(EventLoopGroup group, int sockets) {
        try {
            for (int i = 0; i < sockets; i++) {
                Bootstrap b = new Bootstrap().group(loop)
                        .channelFactory(NettyTransport.datagramChannels(group, server.getAddress()))
                        .handler(new Answers());
                NettyTransport.configureBatchedReads(b, group);
                channels.add(b.connect(server).sync().channel());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channels.forEach(Channel::close);
            result.completeExceptionally(e);
            return false;
        } catch (RuntimeException e) {
            channels.forEach(Channel::close);
            result.completeExceptionally(e);
            return false;
        }
        return true;
    }

    private void startTicking() {
        startCpu = threadCpuNanos();
        start = System.nanoTime();
        ticker = loop.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.MILLISECONDS);
    }

    /** Sends what is due by now: each socket gets a contiguous run of requests. */
    private void tick() {
        long now = System.nanoTime();
        int due = (int) Math.min(total, (now - start) * rate / 1_000_000_000L + 1);
        int perSocket = Math.max(1, (due - sent + channels.size() - 1) / channels.size());
        for (int c = 0; sent < due; c = (c + 1) % channels.size()) {
            int n = Math.min(Math.min(perSocket, MAX_SEGMENTS), due - sent);
            send(channels.get(c), sent, n, now);
            sent += n;
        }
        for (Channel c : channels) {
            c.flush();
        }
        if (sent == total) {
            ticker.cancel(false);
            sendEnd = System.nanoTime();
            loop.schedule(this::finish, drainNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void send(Channel channel, int first, int n, long now) {
        Arrays.fill(sentAt, first, first + n, now);
        if (segmented && n > 1) {
            ByteBuf run = requests.retainedSlice(first * REQUEST_LENGTH, n * REQUEST_LENGTH);
            channel.write(new SegmentedDatagramPacket(run, REQUEST_LENGTH, server), channel.voidPromise());
            return;
        }
        for (int i = first; i < first + n; i++) {
            ByteBuf one = requests.retainedSlice(i * REQUEST_LENGTH, REQUEST_LENGTH);
            channel.write(new DatagramPacket(one, server), channel.voidPromise());
        }
    }

    private void finish() {
        long cpu = threadCpuNanos() - startCpu;
        double busy = startCpu < 0 ? -1 : Math.min(1.0, cpu / (double) Math.max(1, System.nanoTime() - start));
        for (Channel c : channels) {
            c.close();
        }
        requests.release();
        long[] latencies = new long[answered];
        int n = 0;
        for (int i = 0; i < answeredAt.length && n < answered; i++) {
            if (answeredAt[i] != 0) {
                latencies[n++] = (answeredAt[i] - sentAt[i]) / 1000;
            }
        }
        Arrays.sort(latencies, 0, n);
        double sendSeconds = Math.max(1e-9, (sendEnd - start) / 1e9);
        result.complete(new Result(rate, total, n, total / sendSeconds,
                percentile(latencies, n, 0.50), percentile(latencies, n, 0.99), n == 0 ? 0 : latencies[n - 1],
                busy));
    }

    private final class Answers extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf b = packet.content();
            if (b.readableBytes() < StunCodec.HEADER_LENGTH) {
                return;
            }
            long index = b.getLong(b.readerIndex() + 8);
            if (index >= 0 && index < answeredAt.length && answeredAt[(int) index] == 0) {
                answeredAt[(int) index] = System.nanoTime();
                answered++;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP errors while the server is overloaded or gone: the loss shows in the result
        }
    }

    /** Every request back to back in one direct buffer: request i at offset i times the request length. */
    private static ByteBuf encodeAll(int total) {
        SplittableRandom random = new SplittableRandom(1);
        ByteBuf all = Unpooled.directBuffer(REQUEST_LENGTH * total);
        byte[] id = new byte[12];
        for (int i = 0; i < total; i++) {
            random.nextBytes(id);
            ByteBuffer.wrap(id).putLong(0, i); // the index rides in the first 8 bytes of the transaction ID
            all.writeBytes(StunCodec.encode(StunMessage.bindingRequest(new TransactionId(id), List.of())));
        }
        return all;
    }

    /** CPU time of the calling thread, or -1 when the JVM does not measure it. */
    private static long threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }

    private static long percentile(long[] sorted, int n, double p) {
        return n == 0 ? 0 : sorted[Math.min(n - 1, (int) Math.floor(p * n))];
    }
}
