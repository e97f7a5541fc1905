package net.sippunch.traversal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.sippunch.traversal.discovery.BindingResponder;

/**
 * The one place that picks Netty's transport: epoll on Linux (SO_REUSEPORT, recvmmsg, sendmmsg), NIO
 * elsewhere.
 */
public final class NettyTransport {

    /** Largest datagram the servers and media ports accept (STUN with RFC 5780 PADDING reaches 1532 bytes). */
    static final int MAX_DATAGRAM = BindingResponder.MAX_DATAGRAM;
    /**
     * What a socket reads per datagram: one byte more than {@link #MAX_DATAGRAM}, so that a longer datagram,
     * which the kernel truncates silently, shows as too long instead of as its first bytes; recvmmsg fills a
     * buffer of {@link #BATCH} of them per call.
     */
    static final int READ_SIZE = MAX_DATAGRAM + 1;
    static final int BATCH = 32;

    private NettyTransport() {
    }

    /** True when the native epoll transport is in use. */
    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    /** A new event loop group of {@code threads} threads (daemon threads, named after {@code name}). */
    public static EventLoopGroup newGroup(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return epoll() ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    static Class<? extends DatagramChannel> datagramChannelClass(EventLoopGroup group) {
        return group instanceof EpollEventLoopGroup || group.next() instanceof io.netty.channel.epoll.EpollEventLoop
                ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /**
     * Datagram channels for addresses of {@code address}'s family: an IPv4 address gets an IPv4 socket
     * rather than a dual-stack IPv6 one, which spares every datagram the kernel's IPv6-to-IPv4 detour.
     */
    static ChannelFactory<DatagramChannel> datagramChannels(EventLoopGroup group, InetAddress address) {
        InternetProtocolFamily family = address instanceof Inet4Address
                ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6;
        return datagramChannelClass(group) == EpollDatagramChannel.class
                ? () -> new EpollDatagramChannel(family) : () -> new NioDatagramChannel(family);
    }

    /**
     * Options for a server socket that may share its address with others (one per event loop thread)
     * and read datagrams in batches. Returns whether sharing is possible.
     */
    static boolean configureServer(Bootstrap b, EventLoopGroup group) {
        if (configureBatchedReads(b, group)) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
            return true;
        }
        return false;
    }

    /**
     * Large socket buffers, and on epoll reads of up to {@link #BATCH} datagrams per system call (recvmmsg).
     * Every datagram is read with {@link #READ_SIZE} bytes. Returns whether batched reads are possible.
     */
    static boolean configureBatchedReads(Bootstrap b, EventLoopGroup group) {
        b.option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20);
        if (datagramChannelClass(group) == EpollDatagramChannel.class) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, READ_SIZE)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_SIZE * BATCH));
            return true;
        }
        configureReads(b);
        return false;
    }

    /** One datagram per read, of {@link #READ_SIZE} bytes (Netty's default buffer is {@link #MAX_DATAGRAM}). */
    static void configureReads(Bootstrap b) {
        configureReads(b, 0);
    }

    /** Like {@link #configureReads(Bootstrap)}, with room for a prefix of {@code header} bytes before each. */
    static void configureReads(Bootstrap b, int header) {
        b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_SIZE + header));
    }

    /** Whether a datagram read with {@link #READ_SIZE} bytes was longer than {@link #MAX_DATAGRAM}. */
    static boolean oversized(int readableBytes) {
        return readableBytes > MAX_DATAGRAM;
    }

    /**
     * A failed bind as the operator should read it: "cannot bind WHAT to IP:PORT: REASON", the reason as the
     * system gave it, without Netty's "bind(..) failed: " or an exception's class name.
     */
    static UncheckedIOException bindFailure(String what, InetSocketAddress address, Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        String reason = cause.getMessage() == null ? "no reason given"
                : cause.getMessage().replaceFirst("^\\w+\\(\\.\\.\\) failed: ", "");
        IOException io = cause instanceof IOException i ? i : new IOException(reason, e);
        String ip = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return new UncheckedIOException("cannot bind " + what + " to " + (ip.contains(":") ? "[" + ip + "]" : ip)
                + ":" + address.getPort() + ": " + reason, io);
    }
}
