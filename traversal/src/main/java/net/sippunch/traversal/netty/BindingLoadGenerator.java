package net.sippunch.traversal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
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
 * millisecond over several sockets (batched writes, so epoll sends them with sendmmsg), matches answers
 * by the request index carried in the transaction ID, and reports loss and latency. Only for servers
 * the operator runs.
 */
public final class BindingLoadGenerator {

    /** What one step measured. */
    public record Result(int offeredRate, long sent, long answered, double achievedSendRate,
                         long p50Micros, long p99Micros, long maxMicros) {
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
    private final byte[][] requests;
    private final long[] sentAt;
    private final long[] answeredAt;
    private final int rate;
    private final long drainNanos;
    private final List<Channel> channels = new ArrayList<>();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private ScheduledFuture<?> ticker;
    private long start;
    private long sendEnd;
    private int sent;
    private int answered;

    private BindingLoadGenerator(EventLoop loop, InetSocketAddress server, int rate, double seconds,
                                 long drainMillis) {
        this.loop = loop;
        this.server = server;
        this.rate = rate;
        int total = (int) Math.round(rate * seconds);
        this.requests = requests(total);
        this.sentAt = new long[total];
        this.answeredAt = new long[total];
        this.drainNanos = TimeUnit.MILLISECONDS.toNanos(drainMillis);
    }

    /**
     * Runs one step: {@code rate} requests per second for {@code seconds}, then {@code drainMillis} for
     * late answers. The group should have one thread the caller dedicates to it. Not to be called on
     * an event loop (it waits for the sockets to connect).
     */
    public static CompletableFuture<Result> run(EventLoopGroup group, InetSocketAddress server, int rate,
                                                double seconds, int sockets, long drainMillis) {
        BindingLoadGenerator g = new BindingLoadGenerator(group.next(), server, rate, seconds, drainMillis);
        if (g.open(group, sockets)) {
            g.loop.execute(g::startTicking);
        }
        return g.result;
    }

    private boolean open(EventLoopGroup group, int sockets) {
        try {
            for (int i = 0; i < sockets; i++) {
                Bootstrap b = new Bootstrap().group(loop).channel(NettyTransport.datagramChannelClass(group))
                        .option(ChannelOption.SO_RCVBUF, 8 << 20)
                        .option(ChannelOption.SO_SNDBUF, 8 << 20)
                        .handler(new Answers());
                channels.add(b.connect(server).sync().channel());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        start = System.nanoTime();
        ticker = loop.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long now = System.nanoTime();
        int due = (int) Math.min(requests.length, (now - start) * rate / 1_000_000_000L + 1);
        for (; sent < due; sent++) {
            Channel c = channels.get(sent % channels.size());
            ByteBuf buf = c.alloc().directBuffer(requests[sent].length).writeBytes(requests[sent]);
            sentAt[sent] = System.nanoTime();
            c.write(new DatagramPacket(buf, server), c.voidPromise());
        }
        for (Channel c : channels) {
            c.flush();
        }
        if (sent == requests.length) {
            ticker.cancel(false);
            sendEnd = System.nanoTime();
            loop.schedule(this::finish, drainNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void finish() {
        for (Channel c : channels) {
            c.close();
        }
        long[] latencies = new long[answered];
        int n = 0;
        for (int i = 0; i < answeredAt.length && n < answered; i++) {
            if (answeredAt[i] != 0) {
                latencies[n++] = (answeredAt[i] - sentAt[i]) / 1000;
            }
        }
        Arrays.sort(latencies, 0, n);
        double sendSeconds = Math.max(1e-9, (sendEnd - start) / 1e9);
        result.complete(new Result(rate, requests.length, n, requests.length / sendSeconds,
                percentile(latencies, n, 0.50), percentile(latencies, n, 0.99), n == 0 ? 0 : latencies[n - 1]));
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

    private static byte[][] requests(int total) {
        SplittableRandom random = new SplittableRandom(1);
        byte[][] out = new byte[total][];
        for (int i = 0; i < total; i++) {
            byte[] id = new byte[12];
            random.nextBytes(id);
            ByteBuffer.wrap(id).putLong(0, i); // the index rides in the first 8 bytes of the ID
            out[i] = StunCodec.encode(StunMessage.bindingRequest(new TransactionId(id), List.of()));
        }
        return out;
    }

    private static long percentile(long[] sorted, int n, double p) {
        return n == 0 ? 0 : sorted[Math.min(n - 1, (int) Math.floor(p * n))];
    }
}
