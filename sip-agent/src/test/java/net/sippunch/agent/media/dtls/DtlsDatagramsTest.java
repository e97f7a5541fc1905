package net.sippunch.agent.media.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.media.MediaTransport;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The media path as the handshake's datagram transport, on a real loopback port with a plain socket as the peer:
 * what it takes, what it drops, and the server's last flight sent again to a peer that lost it.
 */
class DtlsDatagramsTest {

    private static final byte[] HELLO = {22, (byte) 0xFE, (byte) 0xFD, 0, 0, 1};

    private EventLoopGroup group;
    private NettyMediaPort port;
    private DatagramSocket peer;
    private InetSocketAddress peerAddress;
    private int localPort;

    @BeforeEach
    void open() throws Exception {
        group = NettyTransport.newGroup(1, "test-dtls");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        port = NettyMediaPort.open(group.next(), new InetSocketAddress(loopback, 0)).get(5, TimeUnit.SECONDS);
        localPort = port.localAddress().getPort();
        peer = new DatagramSocket(0, loopback);
        peer.setSoTimeout(2000);
        peerAddress = new InetSocketAddress(loopback, peer.getLocalPort());
    }

    @AfterEach
    void close() {
        peer.close();
        port.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void onlyDtlsRecordsFromThePeerOnThePathsSocketAreTaken() throws Exception {
        DtlsDatagrams d = new DtlsDatagrams(MediaTransport.of(port), localPort, peerAddress, false);
        assertTrue(d.deliver(localPort, peerAddress, HELLO));
        assertFalse(d.deliver(localPort + 1, peerAddress, HELLO), "another socket");
        assertFalse(d.deliver(localPort, new InetSocketAddress(peerAddress.getAddress(), 9), HELLO), "another port");
        assertFalse(d.deliver(localPort, peerAddress, new byte[] {(byte) 0x80, 0, 0, 0}), "RTP");
        assertFalse(d.deliver(localPort, peerAddress, new byte[0]), "empty");
        assertEquals(4, d.dropped());
        byte[] buf = new byte[100];
        assertEquals(HELLO.length, d.receive(buf, 0, buf.length, 100));
        assertArrayEquals(HELLO, Arrays.copyOf(buf, HELLO.length));
        assertEquals(-1, d.receive(buf, 0, buf.length, 10), "nothing more within the wait");
        d.close();
        assertThrows(IOException.class, () -> d.receive(buf, 0, buf.length, 10));
        assertThrows(IOException.class, () -> d.send(HELLO, 0, HELLO.length));
    }

    @Test
    void aPlainPathFollowsTheSdpAddressOnAnotherPortAndNothingElse() throws Exception {
        InetSocketAddress sdp = new InetSocketAddress(peerAddress.getAddress(), 9);
        DtlsDatagrams d = new DtlsDatagrams(MediaTransport.of(port), localPort, sdp, true);
        assertTrue(d.deliver(localPort, peerAddress, HELLO));
        assertEquals(peerAddress, d.remote());
        d.send(HELLO, 0, HELLO.length);
        assertArrayEquals(HELLO, receive(), "the reply follows the NATed source");
        assertFalse(d.deliver(localPort, new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 9), HELLO));
    }

    @Test
    void afterTheHandshakeAServerSendsItsLastFlightAgainWhenThePeerRepeatsItsOwn() throws Exception {
        DtlsDatagrams d = new DtlsDatagrams(MediaTransport.of(port), localPort, peerAddress, false);
        byte[] first = {22, 1};
        byte[] ccs = {20, 2};
        byte[] finished = {22, 3};
        d.send(first, 0, first.length); // a flight before the peer's last
        assertArrayEquals(first, receive());
        assertTrue(d.deliver(localPort, peerAddress, HELLO));
        d.send(ccs, 0, ccs.length);
        d.send(finished, 0, finished.length);
        assertArrayEquals(ccs, receive());
        assertArrayEquals(finished, receive());
        d.handshakeDone(true);

        assertTrue(d.deliver(localPort, peerAddress, HELLO), "the peer lost our last flight");
        assertArrayEquals(ccs, receive());
        assertArrayEquals(finished, receive());
        assertFalse(d.deliver(localPort, peerAddress, HELLO), "the same lost flight's next record: not again yet");
        assertEquals(1, d.resent());
        assertThrows(SocketTimeoutException.class, () -> {
            peer.setSoTimeout(200);
            receive();
        });
    }

    @Test
    void afterTheHandshakeAClientDropsTheServersRecords() throws Exception {
        DtlsDatagrams d = new DtlsDatagrams(MediaTransport.of(port), localPort, peerAddress, false);
        d.send(HELLO, 0, HELLO.length);
        assertArrayEquals(HELLO, receive());
        d.handshakeDone(false);
        assertFalse(d.deliver(localPort, peerAddress, HELLO));
        assertEquals(0, d.resent());
    }

    private byte[] receive() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        peer.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }
}
