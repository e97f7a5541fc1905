package net.sippunch.agent.media.dtls;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * One end of a lossless in-memory datagram link: what one end sends, the other receives. The agent's warm-up
 * handshake runs over a pair of them, no socket involved.
 */
final class MemoryLink implements DatagramTransport {

    private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private MemoryLink other;
    private volatile boolean closed;

    private MemoryLink() {
    }

    /** Two connected ends. */
    static MemoryLink[] pair() {
        MemoryLink a = new MemoryLink();
        MemoryLink b = new MemoryLink();
        a.other = b;
        b.other = a;
        return new MemoryLink[] {a, b};
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return DtlsDatagrams.SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("link closed");
        }
        byte[] d;
        try {
            d = inbox.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (d == null) {
            return -1;
        }
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("link closed");
        }
        byte[] d = new byte[len];
        System.arraycopy(buf, off, d, 0, len);
        other.inbox.add(d);
    }

    @Override
    public void close() {
        closed = true;
    }
}
