package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import net.sippunch.traversal.nat.emulated.TunnelFrame;
import org.junit.jupiter.api.Test;

/** The tunnel handler alone: the real destination goes in front, the real source comes back out. */
class NatTunnelTest {

    private static final InetSocketAddress INSIDE = new InetSocketAddress("127.0.10.254", 5000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.10.1", 6000);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.12", 7000);

    @Test
    void anOutboundDatagramGoesToTheBoxWithItsDestinationInFront() {
        EmbeddedChannel channel = new EmbeddedChannel(new NatTunnel(INSIDE));
        channel.writeOutbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), PEER));

        DatagramPacket sent = channel.readOutbound();
        assertEquals(INSIDE, sent.recipient());
        byte[] wire = ByteBufUtil.getBytes(sent.content());
        sent.release();
        TunnelFrame frame = TunnelFrame.decode(wire).orElseThrow();
        assertEquals(PEER, frame.peer());
        assertArrayEquals(new byte[] {1, 2, 3}, frame.payload());
    }

    @Test
    void anInboundDatagramFromTheBoxGetsItsRealSource() {
        EmbeddedChannel channel = new EmbeddedChannel(new NatTunnel(INSIDE));
        byte[] wire = new TunnelFrame(PEER, new byte[] {9}).encode();
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(wire), LOCAL, INSIDE));

        DatagramPacket read = channel.readInbound();
        assertEquals(PEER, read.sender());
        assertEquals(LOCAL, read.recipient());
        assertArrayEquals(new byte[] {9}, ByteBufUtil.getBytes(read.content()));
        read.release();
    }

    @Test
    void datagramsNotFromTheBoxOrMalformedAreDroppedAndCounted() {
        NatTunnel tunnel = new NatTunnel(INSIDE);
        EmbeddedChannel channel = new EmbeddedChannel(tunnel);
        // straight to the host's address, as a peer probing the private tuple of the SDP would
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {0, 1}), LOCAL, PEER));
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {7, 1}), LOCAL, INSIDE));

        assertNull(channel.readInbound());
        assertEquals(2, tunnel.dropped());
    }
}
