package net.sippunch.traversal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The discovery server on Netty: one datagram channel per address of {@link ServerAddresses}, all fed to
 * one stateless {@link BindingResponder}; a reply leaves from the channel its {@code from} address names
 * (RFC 5780 CHANGE-REQUEST). The event loop group is the caller's.
 */
public final class NettyDiscoveryServer implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(NettyDiscoveryServer.class);

    private final BindingResponder responder;
    private final Map<InetSocketAddress, List<Channel>> channels = new LinkedHashMap<>();
    private final LongAdder sendFailures = new LongAdder();

    private NettyDiscoveryServer(BindingResponder responder) {
        this.responder = responder;
    }

    /**
     * Binds every address and starts answering. With the epoll transport each address gets one socket per
     * event loop thread (SO_REUSEPORT), so the kernel spreads the load over the threads.
     *
     * @throws InterruptedException when interrupted while binding
     * @throws java.io.UncheckedIOException when an address cannot be bound, naming it and the system's reason
     *                                      (the others are closed)
     */
    public static NettyDiscoveryServer start(ServerAddresses addresses, BindingResponder responder,
                                             EventLoopGroup group) throws InterruptedException {
        NettyDiscoveryServer server = new NettyDiscoveryServer(responder);
        ChannelHandler handler = server.new Handler();
        int loops = 0;
        for (EventExecutor ignored : group) {
            loops++;
        }
        boolean started = false;
        try {
            for (InetSocketAddress address : addresses.bindAddresses()) {
                Bootstrap b = new Bootstrap().group(group)
                        .channelFactory(NettyTransport.datagramChannels(group, address.getAddress()))
                        .handler(handler);
                int sockets = NettyTransport.configureServer(b, group) ? loops : 1;
                List<Channel> bound = new ArrayList<>(sockets);
                server.channels.put(address, bound);
                for (int i = 0; i < sockets; i++) {
                    ChannelFuture f = b.bind(address).await();
                    if (!f.isSuccess()) {
                        throw NettyTransport.bindFailure("discovery server", address, f.cause());
                    }
                    bound.add(f.channel());
                }
                LOG.info("discovery server listening on {} ({} socket(s))", address, sockets);
            }
            started = true;
        } finally {
            if (!started) {
                server.close();
            }
        }
        return server;
    }

    /** The bound addresses, in bind order. */
    public List<InetSocketAddress> addresses() {
        return List.copyOf(channels.keySet());
    }

    /** The transport in use: "epoll" or "nio". */
    public static String transport() {
        return NettyTransport.epoll() ? "epoll" : "nio";
    }

    /** Replies that could not be handed to a socket (no channel for the address, or a write failure). */
    public long sendFailures() {
        return sendFailures.sum();
    }

    @Override
    public void close() {
        for (List<Channel> list : channels.values()) {
            for (Channel c : list) {
                c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
        channels.clear();
    }

    @ChannelHandler.Sharable
    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            byte[] data = ByteBufUtil.getBytes(content);
            InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
            Optional<BindingResponder.Reply> reply = responder.respond(local, packet.sender(), data);
            if (reply.isEmpty()) {
                return;
            }
            Channel out = outbound(ctx.channel(), reply.get().from());
            if (out == null) {
                sendFailures.increment();
                return;
            }
            byte[] payload = reply.get().payload();
            // straight into a pooled direct buffer: the socket would copy a heap buffer into one anyway
            ByteBuf bytes = out.alloc().directBuffer(payload.length).writeBytes(payload);
            DatagramPacket answer = new DatagramPacket(bytes, reply.get().to());
            if (out == ctx.channel()) {
                // flushed once per read batch (channelReadComplete), which lets epoll use sendmmsg
                out.write(answer, out.voidPromise());
            } else {
                out.writeAndFlush(answer).addListener(f -> {
                    if (!f.isSuccess()) {
                        sendFailures.increment();
                        LOG.debug("reply to {} failed: {}", reply.get().to(), f.cause().toString());
                    }
                });
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /** The socket a reply leaves from: the receiving one, or one bound to the changed address. */
        private Channel outbound(Channel receiving, InetSocketAddress from) {
            if (from.equals(receiving.localAddress())) {
                return receiving;
            }
            List<Channel> candidates = channels.get(from);
            if (candidates == null || candidates.isEmpty()) {
                return null;
            }
            for (Channel c : candidates) {
                if (c.eventLoop() == receiving.eventLoop()) {
                    return c;
                }
            }
            return candidates.get(0);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port-unreachable and the like surface here on some platforms: count, never close
            sendFailures.increment();
            LOG.debug("datagram channel {} error: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
