package net.sippunch.agent.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Drives one sans-IO {@link DatagramSession} (discovery, then punching) on a media port's channel, on one
 * media loop thread: reads feed the session, its transmits are sent from the channel, its deadline is armed
 * as a loop timer. {@link #release()} gives the channel's reads up (so RTP can take them) while the session's
 * timers go on; after that, inbound datagrams reach the session through {@link #deliver}.
 *
 * <p>One deadline is armed at a time: each arming is a new {@link Alarm}, and an alarm superseded by an
 * earlier deadline lapses when it fires. (Re-arming from inside a firing as well as returning the next
 * deadline to the loop would double the queued deadlines at every firing.)
 */
final class SessionTask implements MediaLoop.Task {

    private static final Logger LOG = LogManager.getLogger(SessionTask.class);

    private final MediaLoop.Worker worker;
    private final DatagramChannel channel;
    private final int localPort;
    private final Consumer<Long> onProgress;
    private final ByteBuffer buffer = ByteBuffer.allocate(2048);
    private DatagramSession session;
    private SelectionKey key;
    private long armed = Long.MAX_VALUE;
    private long alarm;
    private boolean stopped;

    /**
     * @param onProgress runs on the loop thread after every input to the session, with the time
     */
    SessionTask(MediaLoop.Worker worker, DatagramChannel channel, int localPort, Consumer<Long> onProgress) {
        this.worker = worker;
        this.channel = channel;
        this.localPort = localPort;
        this.onProgress = onProgress;
    }

    MediaLoop.Worker worker() {
        return worker;
    }

    /** Starts driving {@code next} (loop thread only); the channel's reads are taken on first use. */
    void drive(DatagramSession next, long nowNanos) throws IOException {
        session = next;
        stopped = false;
        armed = Long.MAX_VALUE;
        if (key == null) {
            key = worker.register(channel, this);
        }
        flush(nowNanos);
    }

    /** Gives up the channel's reads (loop thread only); timers and {@link #deliver} go on. */
    void release() {
        if (key != null) {
            key.cancel();
            key = null;
        }
    }

    /** Ends everything (loop thread only). */
    void stop() {
        release();
        stopped = true;
    }

    /** A datagram read by someone else (RTP), for the session (loop thread of this task only). */
    boolean deliver(InetSocketAddress source, byte[] datagram) {
        if (stopped || session == null) {
            return false;
        }
        long now = System.nanoTime();
        boolean used = session.handleDatagram(now, localPort, source, datagram);
        flush(now);
        return used;
    }

    @Override
    public void onReadable() {
        try {
            InetSocketAddress source;
            while (key != null && (source = (InetSocketAddress) channel.receive(buffer.clear())) != null) {
                buffer.flip();
                byte[] datagram = new byte[buffer.remaining()];
                buffer.get(datagram);
                long now = System.nanoTime();
                if (!stopped && session != null && !session.handleDatagram(now, localPort, source, datagram)) {
                    LOG.debug("non-STUN datagram from {} before media starts: dropped", source);
                }
                flush(now);
            }
        } catch (IOException e) {
            LOG.debug("media port read failed: {}", e.toString());
        }
    }

    /** The armed deadline passed (loop thread): fires it and returns the next one, or -1 for none. */
    @Override
    public long onTimer(long nowNanos) {
        armed = Long.MAX_VALUE;
        if (stopped || session == null) {
            return -1;
        }
        session.handleTimeout(nowNanos);
        transmit(nowNanos);
        OptionalLong next = session.pollTimeout();
        if (next.isEmpty() || stopped || armed != Long.MAX_VALUE) {
            return -1; // nothing more, or the session was driven anew and armed its own alarm meanwhile
        }
        armed = next.getAsLong();
        return armed;
    }

    /** Sends what the session has to send, reports progress, and arms its deadline when that came closer. */
    private void flush(long now) {
        if (session == null) {
            return;
        }
        transmit(now);
        OptionalLong next = session.pollTimeout();
        if (!stopped && next.isPresent() && next.getAsLong() - armed < 0) {
            armed = next.getAsLong();
            worker.schedule(armed, new Alarm(++alarm), 0);
        }
    }

    private void transmit(long now) {
        for (Optional<Transmit> t = session.pollTransmit(); t.isPresent(); t = session.pollTransmit()) {
            try {
                channel.send(ByteBuffer.wrap(t.get().payload()), t.get().destination());
            } catch (IOException e) {
                LOG.debug("send to {} failed: {}", t.get().destination(), e.toString());
            }
        }
        onProgress.accept(now);
    }

    /** One arming of the deadline; it lapses once a later arming replaced it. */
    private final class Alarm implements MediaLoop.Task {
        private final long number;

        Alarm(long number) {
            this.number = number;
        }

        @Override
        public void onReadable() {
            // alarms have no channel
        }

        @Override
        public long onTimer(long nowNanos) {
            return number == alarm ? SessionTask.this.onTimer(nowNanos) : -1;
        }
    }
}
