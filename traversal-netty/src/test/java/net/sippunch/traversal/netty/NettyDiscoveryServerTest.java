package net.sippunch.traversal.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.DiscoveryOutcome;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our server and our client on real loopback sockets. */
class NettyDiscoveryServerTest {

    private EventLoopGroup group;
    private ServerAddresses addresses;
    private BindingResponder responder;
    private NettyDiscoveryServer server;

    @BeforeEach
    void start() throws Exception {
        group = NettyTransport.newGroup(1, "server-test");
        int port = ExternalTools.freePortPair();
        addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port + 1)));
        responder = new BindingResponder(addresses, "test");
        server = NettyDiscoveryServer.start(addresses, responder, group);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void bindsTheFourRfc5780Addresses() {
        assertEquals(4, server.addresses().size());
    }

    @Test
    void ourClientGetsAnOpenProfileOnLoopback() throws Exception {
        DiscoveryOutcome outcome = NettyDiscovery.run(group.next(), new InetSocketAddress("127.0.0.1", 0),
                DiscoveryConfig.defaults(addresses.listen()), new SplittableRandom(1)).get(10, TimeUnit.SECONDS);
        var profile = assertInstanceOf(DiscoveryOutcome.Profiled.class, outcome, outcome.toString()).profile();
        assertEquals(NatType.OPEN, profile.type());
        assertEquals(4, profile.samples().size());
    }

    @Test
    void garbageIsDroppedAndTheNextRequestIsStillAnswered() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        InetSocketAddress target = addresses.listen().get(0);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            socket.setSoTimeout(5000);
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[random.nextInt(0, 300)];
                random.nextBytes(junk);
                if (junk.length > 0) {
                    junk[0] &= 0x3F; // looks like STUN to the demultiplexer, usually isn't
                }
                socket.send(new DatagramPacket(junk, junk.length, target));
            }
            TransactionId id = TransactionId.random(random);
            byte[] request = StunCodec.encode(StunMessage.bindingRequest(id, List.of()));
            socket.send(new DatagramPacket(request, request.length, target));
            // loopback keeps order: the first answer must be the one to the valid request
            DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
            socket.receive(answer);
            StunDecodeResult r = StunCodec.decode(Arrays.copyOf(answer.getData(), answer.getLength()));
            StunMessage m = assertInstanceOf(StunDecodeResult.Decoded.class, r, r.toString()).message();
            assertEquals(id, m.transactionId());
            assertEquals(socket.getLocalPort(),
                    m.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address().getPort());
        }
        assertEquals(201, responder.stats().received());
        assertEquals(200, responder.stats().malformed() + responder.stats().notBindingRequest()
                + responder.stats().errors());
        assertTrue(responder.stats().answered() >= 1);
    }

    @Test
    void anOversizedDatagramIsDroppedEvenWhenItsFirst2048BytesAreABindingRequest() throws Exception {
        // a Binding request of exactly 2048 bytes (one comprehension-optional attribute of 2024 bytes),
        // followed by padding up to 3000: a reader that truncates at 2048 sees a valid request
        TransactionId oversizedId = TransactionId.random(new SplittableRandom(13));
        ByteBuffer datagram = ByteBuffer.allocate(3000);
        datagram.putShort((short) 0x0001).putShort((short) 2028).putInt(0x2112A442).put(oversizedId.bytes());
        datagram.putShort((short) 0x8123).putShort((short) 2024);
        InetSocketAddress target = addresses.listen().get(0);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            socket.send(new DatagramPacket(datagram.array(), datagram.capacity(), target));
            TransactionId id = TransactionId.random(new SplittableRandom(14));
            byte[] request = StunCodec.encode(StunMessage.bindingRequest(id, List.of()));
            socket.send(new DatagramPacket(request, request.length, target));
            socket.setSoTimeout(5000);
            // loopback keeps order: the first answer must be the one to the valid request
            DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
            socket.receive(answer);
            StunDecodeResult r = StunCodec.decode(Arrays.copyOf(answer.getData(), answer.getLength()));
            assertEquals(id, assertInstanceOf(StunDecodeResult.Decoded.class, r, r.toString()).message().transactionId());
            socket.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> socket.receive(answer), "a second answer arrived");
        }
        assertEquals(2, responder.stats().received());
        assertEquals(1, responder.stats().oversized());
        assertEquals(1, responder.stats().answered());
    }
}
