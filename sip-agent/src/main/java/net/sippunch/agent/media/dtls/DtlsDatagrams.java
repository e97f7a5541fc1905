package net.sippunch.agent.media.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sippunch.agent.media.MediaTransport;
import net.sippunch.agent.media.PacketKind;
import net.sippunch.traversal.Transmit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The DTLS records of one call's media path, as Bouncy Castle's blocking {@link DatagramTransport}: what the
 * media port receives from the peer on the path's socket and tells apart as DTLS by its first byte (RFC 7983)
 * is {@link #deliver}ed here on the port's loop and queued; the handshake's thread takes it with
 * {@link #receive}. What the handshake sends leaves from the path's socket toward the peer, as RTP does.
 *
 * <p>On a plain path the peer's NAT may give its flow a port other than the SDP's: a record from the SDP's
 * address on another port is taken, and the replies follow it there (symmetric RTP's rule, applied to DTLS).
 * Anything else is dropped and counted, as is a record beyond the queue's bound.
 */
public final class DtlsDatagrams implements DatagramTransport {

    /** The most records waiting for the handshake's thread (a flight is a handful). */
    static final int QUEUE = 64;
    /** What we send at most in one datagram: below a 1280-byte IPv6 path's MTU with room for headers. */
    static final int SEND_LIMIT = 1200;
    private static final int RECEIVE_LIMIT = 1500;
    private static final byte[] CLOSED = new byte[0];
    /** The least time between two resends of our last flight (a lost flight comes back as several records). */
    static final long RESEND_NANOS = 250_000_000L;

    /** The path's transport: the media port, or the TURN relay of a relayed path. */
    private final MediaTransport port;
    /** The path's socket; moves with the path, on the port's loop. */
    private volatile int localPort;
    private final boolean learns;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private volatile InetSocketAddress remote;
    private volatile boolean closed;
    /** The datagrams of the flight we sent last, for a peer that lost it. */
    private volatile List<byte[]> lastFlight = new CopyOnWriteArrayList<>();
    private volatile boolean receivedSinceSend;
    private volatile boolean done;
    private volatile boolean resends;
    /** When the last flight last went out again; only touched on the port's loop. */
    private long lastResend = System.nanoTime() - RESEND_NANOS;

    /**
     * @param localPort the path's socket
     * @param remote    the peer's media address
     * @param learns    true on a plain path: a record from the peer's address on another port moves the replies
     */
    public DtlsDatagrams(MediaTransport port, int localPort, InetSocketAddress remote, boolean learns) {
        this.port = port;
        this.localPort = localPort;
        this.remote = remote;
        this.learns = learns;
    }

    /**
     * A datagram the media port received, on its loop: queued when it is a DTLS record from the peer on the path's
     * socket; false (dropped and counted) otherwise. Never blocks.
     */
    public boolean deliver(int onPort, InetSocketAddress source, byte[] datagram) {
        if (closed || onPort != localPort || PacketKind.of(datagram) != PacketKind.DTLS) {
            dropped.incrementAndGet();
            return false;
        }
        InetSocketAddress peer = remote;
        if (!source.equals(peer)) {
            if (!learns || !source.getAddress().equals(peer.getAddress())) {
                dropped.incrementAndGet();
                return false;
            }
            remote = source;
        }
        if (done) {
            return answerLateRecord();
        }
        receivedSinceSend = true;
        if (!queue.offer(datagram)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * The handshake returned: from now on a record from the peer means it lost our last flight and sent its own
     * again (RFC 6347 section 4.2.4), which only the server's last flight can need.
     *
     * @param server true when we were the server: our last flight is then sent again, at most every
     *               {@value #RESEND_NANOS} ns; a client's records are dropped
     */
    public void handshakeDone(boolean server) {
        resends = server;
        done = true;
    }

    /** A record after the handshake: our last flight again (a server's), or dropped. */
    private boolean answerLateRecord() {
        long now = System.nanoTime();
        List<byte[]> flight = lastFlight;
        if (!resends || flight.isEmpty() || now - lastResend < RESEND_NANOS) {
            dropped.incrementAndGet();
            return false;
        }
        lastResend = now;
        for (byte[] d : flight) {
            port.send(new Transmit(localPort, remote, d));
        }
        resent.incrementAndGet();
        return true;
    }

    /**
     * The path moved, proven by an authenticated check (a relayed path once the peer's check came through): the
     * records go to {@code to} from our socket {@code onPort} from now on, and a handshake under way sends its last
     * flight there at once rather than at its next retransmission (a second or more away). On the port's loop.
     */
    public void retarget(int onPort, InetSocketAddress to) {
        if (closed || to.equals(remote) && onPort == localPort) {
            return;
        }
        localPort = onPort;
        remote = to;
        List<byte[]> flight = lastFlight;
        if (!done && !receivedSinceSend) {
            for (byte[] d : flight) {
                port.send(new Transmit(localPort, to, d));
            }
        }
    }

    /** How often our last flight went out again after the handshake. */
    public long resent() {
        return resent.get();
    }

    /** Datagrams dropped so far: not DTLS, not from the peer, or beyond the queue. */
    public long dropped() {
        return dropped.get();
    }

    /** Where the records go now. */
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    /** The next record, or -1 when none came within {@code waitMillis}; closed: an IOException. */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] datagram;
        try {
            datagram = queue.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for DTLS", e);
        }
        if (datagram == null) {
            return -1;
        }
        if (datagram == CLOSED || closed) {
            throw new IOException("DTLS transport closed");
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] datagram = Arrays.copyOfRange(buf, off, off + len);
        if (receivedSinceSend) {
            // a new flight: what we send until the peer's next record
            lastFlight = new CopyOnWriteArrayList<>();
            receivedSinceSend = false;
        }
        lastFlight.add(datagram);
        port.send(new Transmit(localPort, remote, datagram));
    }

    /** Ends the transport: a handshake waiting in {@link #receive} fails at once. Any thread. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        queue.offer(CLOSED);
    }
}
