package net.sippunch.traversal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.nat.emulated.TunnelFrame;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs one sans-IO {@link DatagramSession} on real UDP sockets. All channels and the session live on one
 * event loop, so the session needs no locks; one timer is re-armed after every input to the session's
 * next deadline. After every input the owner's {@code onProgress} runs on the loop to pull events.
 *
 * <p>The owner may bind more sockets later ({@link #bind}) and hand the sockets to the next session of
 * the same media port ({@link #replaceSession}): discovery, then punching, run on the one port. Datagrams
 * the session does not consume (RTP, RTCP, late answers) go to the owner's {@link Unhandled} handler.
 * A socket bound on an address that sits behind an emulated NAT box ({@link EmulatedNatRoutes}) sends and
 * receives through that box; the session cannot tell.
 *
 * @param <S> the session type
 */
public final class DatagramSessionDriver<S extends DatagramSession> implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(DatagramSessionDriver.class);

    /** Builds the session once the sockets are bound and their real addresses known. */
    @FunctionalInterface
    public interface SessionFactory<S> {
        S create(List<InetSocketAddress> boundAddresses, long nowNanos);
    }

    /** Receives, on the loop, a datagram the session did not consume. */
    @FunctionalInterface
    public interface Unhandled {
        void datagram(int localPort, InetSocketAddress source, byte[] payload);
    }

    private final EventLoop loop;
    private final Consumer<? super S> onProgress;
    private final Map<Integer, Channel> channels = new LinkedHashMap<>();
    private S session;
    private ScheduledFuture<?> timer;
    private long unsent;
    private volatile long oversized;
    private boolean closed;
    private volatile Unhandled unhandled = (port, source, payload) -> { };

    private DatagramSessionDriver(EventLoop loop, Consumer<? super S> onProgress) {
        this.loop = loop;
        this.onProgress = onProgress;
    }

    /**
     * Binds a socket per address (port 0 picks one), creates the session and starts it.
     *
     * @return the running driver, or a failed future when a bind failed (the others are closed then)
     */
    public static <S extends DatagramSession> CompletableFuture<DatagramSessionDriver<S>> start(
            EventLoop loop, List<InetSocketAddress> localAddresses, SessionFactory<S> factory,
            Consumer<? super S> onProgress) {
        DatagramSessionDriver<S> driver = new DatagramSessionDriver<>(loop, onProgress);
        CompletableFuture<DatagramSessionDriver<S>> result = new CompletableFuture<>();
        loop.execute(() -> driver.bindEach(localAddresses, new ArrayList<>(), new CompletableFuture<>())
                .whenComplete((bound, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                        return;
                    }
                    driver.session = factory.create(driver.boundAddresses(), System.nanoTime());
                    driver.step();
                    result.complete(driver);
                }));
        return result;
    }

    /**
     * Binds more sockets (port 0 picks one) for the session, without blocking the loop.
     *
     * @return the addresses bound, in order, or a failed future when a bind failed (the new sockets are
     *         closed then; the existing ones stay)
     */
    public CompletableFuture<List<InetSocketAddress>> bind(List<InetSocketAddress> localAddresses) {
        CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("driver closed"));
            } else {
                bindEach(localAddresses, new ArrayList<>(), result);
            }
        });
        return result;
    }

    /**
     * Hands the sockets to another session: on the loop, {@code next} replaces the current session, then
     * {@code init} runs on it (to start it), then what it produced is sent and the timer re-armed.
     */
    public void replaceSession(S next, Consumer<? super S> init) {
        loop.execute(() -> {
            if (!closed) {
                session = next;
                init.accept(next);
                step();
            }
        });
    }

    /** Sets the handler of datagrams the session does not consume; by default they are dropped. */
    public void onUnhandled(Unhandled handler) {
        this.unhandled = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Sends a datagram from one of the bound sockets, outside the session (RTP once a path is settled).
     * May be called from any thread.
     */
    public void send(Transmit transmit) {
        if (loop.inEventLoop()) {
            if (!closed) {
                send(transmit, true);
            }
            return;
        }
        loop.execute(() -> {
            if (!closed) {
                send(transmit, true);
            }
        });
    }

    /** Runs {@code action} on the session's loop, then sends what it produced and re-arms the timer. */
    public void execute(Consumer<? super S> action) {
        loop.execute(() -> {
            if (!closed) {
                action.accept(session);
                step();
            }
        });
    }

    /** The addresses the sockets are bound to. */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : channels.values()) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return out;
    }

    /** Transmits dropped because no socket was bound to their local port, or the write failed. */
    public long unsentTransmits() {
        return unsent;
    }

    /**
     * Datagrams dropped unread because they were longer than the largest accepted: the socket's buffer
     * would have cut them to a prefix that may look valid.
     */
    public long oversizedDatagrams() {
        return oversized;
    }

    /** Closes the sockets and stops the timer; waits at most two seconds. Not to be called on the loop. */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closeAsync();
            done.complete(null);
        });
        done.completeOnTimeout(null, 2, TimeUnit.SECONDS).join();
    }

    /** Closes the sockets and stops the timer without waiting; to be called on the loop. */
    public void closeAsync() {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
        for (Channel c : channels.values()) {
            c.close();
        }
    }

    /** Binds the addresses one after another without blocking the loop. */
    private CompletableFuture<List<InetSocketAddress>> bindEach(List<InetSocketAddress> addresses,
                                                                List<Channel> bound,
                                                                CompletableFuture<List<InetSocketAddress>> result) {
        if (bound.size() == addresses.size()) {
            List<InetSocketAddress> out = new ArrayList<>();
            for (Channel c : bound) {
                InetSocketAddress local = (InetSocketAddress) c.localAddress();
                channels.put(local.getPort(), c);
                out.add(local);
            }
            result.complete(out);
            return result;
        }
        InetSocketAddress address = addresses.get(bound.size());
        Optional<InetSocketAddress> box = EmulatedNatRoutes.insideFor(address.getAddress());
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NettyTransport.datagramChannelClass(loop))
                .handler(box.isEmpty() ? new Inbound() : new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new NatTunnel(box.get()), new Inbound());
                    }
                });
        NettyTransport.configureReads(b, box.isEmpty() ? 0 : TunnelFrame.MAX_HEADER);
        b.bind(address)
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        bound.add(f.channel());
                        bindEach(addresses, bound, result);
                    } else {
                        bound.forEach(Channel::close);
                        result.completeExceptionally(NettyTransport.bindFailure("a socket", address, f.cause()));
                    }
                });
        return result;
    }

    private void step() {
        for (Optional<Transmit> t = session.pollTransmit(); t.isPresent(); t = session.pollTransmit()) {
            send(t.get(), false);
        }
        for (Channel c : channels.values()) {
            c.flush();
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        OptionalLong deadline = session.pollTimeout();
        if (deadline.isPresent() && !closed) {
            long delay = Math.max(0, deadline.getAsLong() - System.nanoTime());
            timer = loop.schedule(this::onTimer, delay, TimeUnit.NANOSECONDS);
        }
        onProgress.accept(session);
    }

    private void onTimer() {
        if (closed) {
            return;
        }
        session.handleTimeout(System.nanoTime());
        step();
    }

    private void send(Transmit t, boolean flush) {
        Channel c = channels.get(t.localPort());
        if (c == null) {
            unsent++;
            LOG.debug("no socket on local port {} for a datagram to {}", t.localPort(), t.destination());
            return;
        }
        DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(t.payload()), t.destination());
        (flush ? c.writeAndFlush(packet) : c.write(packet)).addListener(f -> {
            if (!f.isSuccess()) {
                unsent++;
                LOG.debug("send to {} failed: {}", t.destination(), f.cause().toString());
            }
        });
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (closed || session == null) {
                return; // closed, or a datagram on a socket bound before the others and the session
            }
            int port = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
            if (NettyTransport.oversized(packet.content().readableBytes())) {
                oversized++; // written on the loop only
                LOG.debug("dropped an oversized datagram from {} on port {}", packet.sender(), port);
                return;
            }
            byte[] payload = ByteBufUtil.getBytes(packet.content());
            if (!session.handleDatagram(System.nanoTime(), port, packet.sender(), payload)) {
                try {
                    unhandled.datagram(port, packet.sender(), payload);
                } catch (RuntimeException e) {
                    LOG.warn("handler of a datagram from {} failed: {}", packet.sender(), e.toString());
                }
            }
            step();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("datagram channel {} error: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
