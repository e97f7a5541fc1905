package net.sippunch.traversal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import net.sippunch.traversal.nat.emulated.TunnelFrame;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The handler that puts a datagram channel behind an emulated NAT box ({@link EmulatedNatBox}): an outbound
 * datagram goes to the box's inside socket with its real destination in front ({@link TunnelFrame}); an
 * inbound one from the box loses that prefix and gets the real source it names. Handlers after it see
 * ordinary datagrams. Datagrams that do not come from the box are dropped, as a host behind a NAT is not
 * reachable from outside but through it: a peer that probes the private address it read in the SDP reaches
 * nothing, as on a real network.
 */
final class NatTunnel extends ChannelDuplexHandler {

    private static final Logger LOG = LogManager.getLogger(NatTunnel.class);

    private final InetSocketAddress inside;
    private long dropped;

    NatTunnel(InetSocketAddress inside) {
        this.inside = Objects.requireNonNull(inside, "inside");
    }

    /** Datagrams dropped: not from the box, or with a malformed prefix. Read on the channel's loop. */
    long dropped() {
        return dropped;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof DatagramPacket packet && packet.recipient() != null
                && packet.recipient().getAddress() != null) {
            ByteBuf framed = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(TunnelFrame.header(packet.recipient())),
                    packet.content());
            ctx.write(new DatagramPacket(framed, inside), promise);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!inside.equals(packet.sender())) {
            drop(packet, "not from the NAT box");
            return;
        }
        ByteBuf content = packet.content();
        ByteBuffer view = content.nioBuffer();
        int start = view.position();
        Optional<InetSocketAddress> source = TunnelFrame.readHeader(view);
        if (source.isEmpty()) {
            drop(packet, "malformed tunnel prefix");
            return;
        }
        content.skipBytes(view.position() - start);
        ctx.fireChannelRead(new DatagramPacket(content, packet.recipient(), source.get()));
    }

    private void drop(DatagramPacket packet, String why) {
        dropped++;
        LOG.debug("dropped a datagram from {}: {}", packet.sender(), why);
        packet.release();
    }
}
