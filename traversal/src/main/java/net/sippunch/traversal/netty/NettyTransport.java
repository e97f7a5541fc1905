package net.sippunch.traversal.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one place that picks Netty's transport classes. */
public final class NettyTransport {

    private NettyTransport() {
    }

    /** A new event loop group of {@code threads} threads (daemon threads, named after {@code name}). */
    public static EventLoopGroup newGroup(int threads, String name) {
        return new NioEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory(name, true));
    }

    static Class<? extends DatagramChannel> datagramChannelClass(EventLoopGroup group) {
        return NioDatagramChannel.class;
    }

    static UncheckedIOException bindFailure(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        IOException io = cause instanceof IOException i ? i : new IOException(e.getMessage(), e);
        return new UncheckedIOException("cannot bind: " + io.getMessage(), io);
    }
}
