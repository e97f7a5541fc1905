package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark's load generator on loopback: what it sends, and what it counts. */
class BindingLoadGeneratorTest {

    private EventLoopGroup serverGroup;
    private EventLoopGroup generatorGroup;

    @BeforeEach
    void start() {
        serverGroup = NettyTransport.newGroup(1, "load-test-server");
        generatorGroup = NettyTransport.newGroup(1, "load-test-generator");
    }

    @AfterEach
    void stop() {
        generatorGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void ourServerAnswersEveryRequestOfALightStep() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                ExternalTools.freePortPair());
        BindingResponder responder = new BindingResponder(new ServerAddresses(List.of(address)), "test");
        NettyDiscoveryServer server = NettyDiscoveryServer.start(new ServerAddresses(List.of(address)), responder,
                serverGroup);
        try {
            BindingLoadGenerator.Result r = BindingLoadGenerator.run(generatorGroup, address, 4000, 0.5, 3, 500)
                    .get(30, TimeUnit.SECONDS);
            assertEquals(2000, r.sent());
            assertEquals(2000, r.answered(), r.toString());
            assertEquals(2000, responder.stats().answered());
            assertTrue(r.lossless(), r.toString());
            assertTrue(r.p50Micros() > 0 && r.p50Micros() <= r.p99Micros() && r.p99Micros() <= r.maxMicros(),
                    r.toString());
            assertTrue(r.generatorBusy() == -1 || (r.generatorBusy() >= 0 && r.generatorBusy() <= 1), r.toString());
        } finally {
            server.close();
        }
    }

    /**
     * A server that sees each datagram, checks it is one whole Binding request, and answers only the
     * requests whose index is not a multiple of three: the generator must count exactly those as answered,
     * and its batched (segmented) sends must still arrive as one datagram per request.
     */
    @Test
    void countsWhatAServerLeavesUnansweredAndSendsOneDatagramPerRequest() throws Exception {
        AtomicInteger datagrams = new AtomicInteger();
        AtomicInteger notOneRequest = new AtomicInteger();
        Set<Long> indices = ConcurrentHashMap.newKeySet();
        Bootstrap b = new Bootstrap().group(serverGroup).channel(NettyTransport.datagramChannelClass(serverGroup))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        datagrams.incrementAndGet();
                        ByteBuf content = packet.content();
                        byte[] bytes = new byte[content.readableBytes()];
                        content.getBytes(content.readerIndex(), bytes);
                        if (!(StunCodec.decode(bytes) instanceof StunDecodeResult.Decoded d)
                                || d.message().type() != StunClass.REQUEST
                                || d.message().method() != StunMethod.BINDING) {
                            notOneRequest.incrementAndGet();
                            return;
                        }
                        long index = content.getLong(content.readerIndex() + 8);
                        indices.add(index);
                        if (index % 3 != 0) {
                            ctx.write(new DatagramPacket(content.retainedDuplicate(), packet.sender()));
                        }
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }
                });
        NettyTransport.configureBatchedReads(b, serverGroup); // the server's own buffers, so it loses nothing
        Channel server = b.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).sync().channel();
        try {
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            // 3 requests per socket and millisecond: on epoll they leave in segmented sends
            BindingLoadGenerator.Result r = BindingLoadGenerator.run(generatorGroup, address, 6000, 0.5, 2, 500)
                    .get(30, TimeUnit.SECONDS);
            assertEquals(3000, r.sent());
            assertEquals(3000, datagrams.get(), "one datagram per request");
            assertEquals(0, notOneRequest.get(), "every datagram one whole Binding request");
            assertEquals(3000, indices.size(), "every request index once");
            assertEquals(2000, r.answered(), r.toString());
            assertEquals(1000, r.lost());
            assertFalse(r.lossless());
        } finally {
            server.close().sync();
        }
    }

    @Test
    void requestsAreBindingRequestsWithoutAttributes() {
        StunMessage m = StunMessage.bindingRequest(TransactionId.random(new SplittableRandom(3)), List.of());
        assertEquals(StunCodec.HEADER_LENGTH, StunCodec.encode(m).length,
                "the generator lays requests out at a fixed stride of one header");
    }
}
