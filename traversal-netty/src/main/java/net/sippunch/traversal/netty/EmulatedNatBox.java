package net.sippunch.traversal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.nat.emulated.Nat;
import net.sippunch.traversal.nat.emulated.NatBehavior;
import net.sippunch.traversal.nat.emulated.TunnelFrame;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A NAT box in user space, on real UDP sockets: the {@link Nat} model of the simulator between an inside
 * socket, which the hosts behind it reach through a {@link NatTunnel} ({@link EmulatedNatRoutes}), and public
 * sockets on its own public address, one per external port the model allocates. An outbound datagram gets
 * (or reuses) a mapping and leaves from that public port towards its real destination; a datagram arriving
 * on a public port passes the model's filter or is dropped, and goes inside with its real source in front.
 * A public socket is closed once its mapping has expired. No root is needed: on Linux every address of
 * 127.0.0.0/8 is on the loopback interface, so each box can have its own public address there.
 *
 * <p>Everything runs on one event loop; the model gets {@code System.nanoTime()} as its clock. A public port
 * the system will not bind (another socket holds it) drops the datagram, as the kernel's NAT drops a packet
 * whose conntrack entry it cannot insert.
 */
public final class EmulatedNatBox implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(EmulatedNatBox.class);
    /** How often public sockets of expired mappings are closed. */
    private static final long SWEEP_SECONDS = 5;

    /**
     * What the box did so far.
     *
     * @param outbound     datagrams forwarded from inside out
     * @param inbound      datagrams forwarded from outside in
     * @param filtered     inbound datagrams the filter refused (the sender was not permitted)
     * @param unmapped     inbound datagrams on a port without a live mapping
     * @param mappings     mappings created
     * @param publicPorts  public sockets open now
     * @param dropped      datagrams dropped otherwise: a malformed prefix, no hairpinning, no free or bindable
     *                     external port
     */
    public record Stats(long outbound, long inbound, long filtered, long unmapped, long mappings, int publicPorts,
                       long dropped) {
    }

    private final EventLoop loop;
    private final Nat nat;
    private final Map<Integer, ChannelFuture> outside = new HashMap<>();
    private Channel inside;
    private ScheduledFuture<?> sweep;
    private boolean closed;
    private long outbound;
    private long inbound;
    private long dropped;

    private EmulatedNatBox(EventLoop loop, Nat nat) {
        this.loop = loop;
        this.nat = nat;
    }

    /**
     * Starts a box.
     *
     * @param behavior   how it maps, filters and allocates
     * @param publicIp   its public address (a loopback address of its own: 127.0.0.11, ...)
     * @param insideBind where its inside socket binds (port 0 picks one); not on {@code publicIp}, whose ports
     *                   are the model's
     * @param random     the model's randomness (random allocation)
     * @return the running box, or a failed future when the inside socket cannot be bound
     */
    public static CompletableFuture<EmulatedNatBox> start(EventLoop loop, NatBehavior behavior, InetAddress publicIp,
                                                          InetSocketAddress insideBind, RandomGenerator random) {
        Objects.requireNonNull(insideBind, "insideBind");
        if (insideBind.getAddress().equals(publicIp)) {
            throw new IllegalArgumentException("the inside socket must not be on the public address " + publicIp);
        }
        EmulatedNatBox box = new EmulatedNatBox(loop, new Nat(behavior, publicIp, random));
        CompletableFuture<EmulatedNatBox> started = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(loop)
                .channelFactory(NettyTransport.datagramChannels(loop, insideBind.getAddress()))
                .handler(box.new Inside());
        NettyTransport.configureReads(b, TunnelFrame.MAX_HEADER);
        b.bind(insideBind).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                started.completeExceptionally(NettyTransport.bindFailure("a NAT box's inside socket", insideBind,
                        f.cause()));
                return;
            }
            box.inside = f.channel();
            box.sweep = loop.scheduleAtFixedRate(box::closeExpired, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
            started.complete(box);
        });
        return started;
    }

    /** Where the hosts behind the box send (their {@link EmulatedNatRoutes} route). */
    public InetSocketAddress inside() {
        return (InetSocketAddress) inside.localAddress();
    }

    /** The address the box's mappings appear under. */
    public InetAddress publicIp() {
        return nat.publicIp();
    }

    /** How the box maps, filters and allocates. */
    public NatBehavior behavior() {
        return nat.behavior();
    }

    /** Routes the sockets bound on {@code host} from now on through this box; close the route to end that. */
    public EmulatedNatRoutes.Route route(InetAddress host) {
        return EmulatedNatRoutes.add(host, inside());
    }

    /** The counters, read on the box's loop. */
    public CompletableFuture<Stats> stats() {
        CompletableFuture<Stats> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(new Stats(outbound, inbound, nat.filtered(), nat.unmapped(),
                nat.mappingsCreated(), outside.size(), dropped + nat.exhausted())));
        return result;
    }

    /** Closes every socket of the box; waits at most two seconds. Not to be called on its loop. */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closed = true;
            if (sweep != null) {
                sweep.cancel(false);
            }
            List<ChannelFuture> closing = new ArrayList<>();
            closing.add(inside.close());
            outside.values().forEach(f -> closing.add(f.channel().close()));
            outside.clear();
            closing.forEach(f -> f.addListener(x -> {
                if (closing.stream().allMatch(ChannelFuture::isDone)) {
                    done.complete(null);
                }
            }));
        });
        done.completeOnTimeout(null, 2, TimeUnit.SECONDS).join();
    }

    /** A datagram from a host behind the box: translate its source, send it from the public port. */
    private void fromInside(InetSocketAddress internal, ByteBuf framed) {
        ByteBuffer view = framed.nioBuffer();
        int start = view.position();
        Optional<InetSocketAddress> destination = TunnelFrame.readHeader(view);
        if (destination.isEmpty()) {
            drop("a malformed tunnel prefix from " + internal);
            return;
        }
        framed.skipBytes(view.position() - start);
        InetSocketAddress to = destination.get();
        if (to.getAddress().equals(nat.publicIp()) && !nat.behavior().hairpinning()) {
            drop("a datagram from " + internal + " to the box's own address (no hairpinning)");
            return;
        }
        OptionalInt port = nat.outbound(System.nanoTime(), internal, to);
        if (port.isEmpty()) {
            LOG.debug("no free external port for {} -> {}", internal, to);
            return; // counted by the model
        }
        ChannelFuture socket = outside.get(port.getAsInt());
        if (socket == null) {
            socket = bindOutside(port.getAsInt());
        }
        DatagramPacket packet = new DatagramPacket(framed.retain(), to);
        if (socket.isDone()) {
            sendOut(socket, packet);
        } else {
            ChannelFuture binding = socket;
            binding.addListener(f -> sendOut(binding, packet));
        }
    }

    private void sendOut(ChannelFuture socket, DatagramPacket packet) {
        if (closed || !socket.isSuccess()) {
            packet.release();
            dropped++;
            return;
        }
        outbound++;
        socket.channel().writeAndFlush(packet);
    }

    /** A datagram on a public port: filter it, send it inside with its real source in front. */
    private void fromOutside(int port, InetSocketAddress remote, ByteBuf payload) {
        Optional<InetSocketAddress> internal = nat.inbound(System.nanoTime(), port, remote);
        if (internal.isEmpty()) {
            LOG.debug("refused a datagram from {} to public port {}", remote, port);
            return; // counted by the model: filtered or unmapped
        }
        inbound++;
        ByteBuf framed = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(TunnelFrame.header(remote)), payload.retain());
        inside.writeAndFlush(new DatagramPacket(framed, internal.get()));
    }

    private ChannelFuture bindOutside(int port) {
        InetSocketAddress at = new InetSocketAddress(nat.publicIp(), port);
        Bootstrap b = new Bootstrap().group(loop)
                .channelFactory(NettyTransport.datagramChannels(loop, at.getAddress()))
                .handler(new Outside(port));
        NettyTransport.configureReads(b);
        ChannelFuture bound = b.bind(at);
        outside.put(port, bound); // before the listener, which may run at once and take it out again
        bound.addListener(f -> {
            if (!f.isSuccess()) {
                LOG.debug("cannot bind public port {}: {}", at, f.cause().toString());
                outside.remove(port, bound);
            }
        });
        return bound;
    }

    private void closeExpired() {
        long now = System.nanoTime();
        outside.entrySet().removeIf(e -> {
            if (e.getValue().isDone() && !nat.holds(now, e.getKey())) {
                e.getValue().channel().close();
                return true;
            }
            return false;
        });
    }

    private void drop(String what) {
        dropped++;
        LOG.debug("dropped {}", what);
    }

    private final class Inside extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!closed) {
                fromInside(packet.sender(), packet.content());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("NAT box inside socket error: {}", cause.toString());
        }
    }

    private final class Outside extends SimpleChannelInboundHandler<DatagramPacket> {
        private final int port;

        Outside(int port) {
            this.port = port;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!closed) {
                fromOutside(port, packet.sender(), packet.content());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("NAT box public port {} error: {}", port, cause.toString());
        }
    }
}
