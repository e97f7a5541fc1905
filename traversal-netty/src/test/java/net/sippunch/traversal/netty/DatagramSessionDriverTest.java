package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver on a real loopback socket, with a session that consumes the STUN it decodes. */
class DatagramSessionDriverTest {

    private EventLoopGroup group;

    /** Consumes what decodes as STUN and keeps its transaction id. */
    private static final class StunSink implements DatagramSession {
        final BlockingQueue<TransactionId> consumed = new LinkedBlockingQueue<>();

        @Override
        public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
            if (StunCodec.decode(payload) instanceof StunDecodeResult.Decoded d) {
                consumed.add(d.message().transactionId());
                return true;
            }
            return false;
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }

        @Override
        public Optional<Transmit> pollTransmit() {
            return Optional.empty();
        }

        @Override
        public OptionalLong pollTimeout() {
            return OptionalLong.empty();
        }
    }

    @BeforeEach
    void start() {
        group = NettyTransport.newGroup(1, "driver-test");
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void anOversizedDatagramIsDroppedNotHandedOnAsItsValidPrefix() throws Exception {
        StunSink sink = new StunSink();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        DatagramSessionDriver<StunSink> driver = DatagramSessionDriver.start(group.next(),
                List.of(new InetSocketAddress(loopback, 0)), (bound, now) -> sink, s -> { })
                .get(5, TimeUnit.SECONDS);
        List<byte[]> unhandled = new CopyOnWriteArrayList<>();
        driver.onUnhandled((port, source, payload) -> unhandled.add(payload));
        TransactionId id = TransactionId.random(new SplittableRandom(4));
        try (DatagramSocket socket = new DatagramSocket(0, loopback)) {
            InetSocketAddress target = driver.boundAddresses().get(0);
            // a Binding request of exactly 2048 bytes, padded to 3000: its first 2048 bytes decode
            ByteBuffer oversized = ByteBuffer.allocate(3000);
            oversized.putShort((short) 0x0001).putShort((short) 2028).putInt(0x2112A442)
                    .put(TransactionId.random(new SplittableRandom(3)).bytes())
                    .putShort((short) 0x8123).putShort((short) 2024);
            socket.send(new DatagramPacket(oversized.array(), oversized.capacity(), target));
            byte[] request = StunCodec.encode(StunMessage.bindingRequest(id, List.of()));
            socket.send(new DatagramPacket(request, request.length, target));
            // loopback keeps order: the valid request came second, so once it is consumed everything before it
            // has been read
            assertEquals(id, sink.consumed.poll(5, TimeUnit.SECONDS));
        } finally {
            driver.close();
        }
        assertEquals(List.of(), List.copyOf(sink.consumed), "nothing else was consumed");
        assertEquals(List.of(), unhandled);
        assertEquals(1, driver.oversizedDatagrams());
    }
}
