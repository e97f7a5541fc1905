package net.sippunch.agent.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * One RTP stream on the call's media port, run by one {@link MediaLoop} thread: sends a 20 ms G.711 frame
 * of the audio (looped) every 20 ms, sends RTCP SR/RR (muxed on the RTP port when negotiated), records
 * decoded received audio, counts, and latches its destination to the source of received RTP when that
 * source has the negotiated peer's address (symmetric RTP). Other datagrams go to the negotiation.
 */
public final class RtpSession implements MediaLoop.Task, AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(RtpSession.class);
    private static final int SAMPLES_PER_FRAME = Codec.CLOCK_RATE / 50;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final long RTCP_INTERVAL_NANOS = 5_000_000_000L;
    private static final long FIRST_RTCP_NANOS = 500_000_000L;
    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private final DatagramChannel channel;
    private final MediaPath path;
    private final short[] audio;
    private final Path recordTo;
    private final MediaNegotiation negotiation;
    private final String callId;
    private final long ssrc;
    private final ReceptionStats stats = new ReceptionStats(Codec.CLOCK_RATE);
    private static final java.util.concurrent.atomic.AtomicLong GENERATIONS = new java.util.concurrent.atomic.AtomicLong();

    private final MediaLoop.Worker worker;
    private final ByteBuffer buffer = ByteBuffer.allocate(2048);
    private volatile long generation = GENERATIONS.incrementAndGet();
    private SelectionKey key;
    private long nextSend;
    private long nextRtcp;
    private volatile InetSocketAddress remote;
    private volatile Long firstSent;
    private volatile Long firstReceived;
    private short[] recording = new short[0];
    private int recorded;
    private int sequence;
    private long timestamp;
    private int audioPos;
    private long rtpSent;
    private long octetsSent;
    private long rtcpSent;
    private long rtcpReceived;
    private long dropped;
    private long latches;
    private long lastSrMiddle;
    private long lastSrArrivalNanos;

    /**
     * Starts sending and receiving.
     *
     * @param audio       the samples to send, looped (8 kHz 16-bit)
     * @param recordTo    where to write what arrives when the session stops (null: not recorded)
     * @param negotiation receives datagrams that are neither RTP nor RTCP
     */
    public RtpSession(MediaLoop loop, MediaPort port, MediaPath path, short[] audio, Path recordTo,
                      MediaNegotiation negotiation, RandomGenerator random, String callId) {
        if (audio.length == 0) {
            throw new IllegalArgumentException("no audio to send");
        }
        this.channel = port.channel();
        this.path = path;
        this.remote = path.remote();
        this.audio = audio;
        this.recordTo = recordTo;
        this.negotiation = negotiation;
        this.callId = callId;
        this.ssrc = random.nextLong() & 0xFFFFFFFFL;
        this.sequence = random.nextInt(1 << 16);
        this.timestamp = random.nextLong() & 0xFFFFFFFFL;
        this.worker = loop.next();
        long gen = generation;
        worker.execute(() -> {
            try {
                key = worker.register(channel, this);
                long now = System.nanoTime();
                nextSend = now;
                nextRtcp = now + FIRST_RTCP_NANOS;
                worker.schedule(now, this, gen);
            } catch (IOException e) {
                LOG.warn("RTP session not started: {}", e.toString());
            }
        });
    }

    /** Identifies this session's deadlines; changes when it stops. */
    long generation() {
        return generation;
    }

    @Override
    public long onTimer(long now) {
        ThreadContext.put("call", callId);
        try {
            if (now - nextSend >= 0) {
                sendFrame();
                nextSend += FRAME_NANOS;
                if (now - nextSend > 10 * FRAME_NANOS) {
                    nextSend = now + FRAME_NANOS; // fell far behind: do not burst
                }
            }
            if (now - nextRtcp >= 0) {
                sendRtcp(now);
                nextRtcp = now + RTCP_INTERVAL_NANOS;
            }
        } catch (IOException e) {
            LOG.debug("RTP send failed: {}", e.toString());
        } finally {
            ThreadContext.remove("call");
        }
        return nextSend - nextRtcp < 0 ? nextSend : nextRtcp;
    }

    @Override
    public void onReadable() {
        ThreadContext.put("call", callId);
        try {
            InetSocketAddress source;
            while ((source = (InetSocketAddress) channel.receive(buffer.clear())) != null) {
                buffer.flip();
                byte[] datagram = new byte[buffer.remaining()];
                buffer.get(datagram);
                receive(source, datagram, System.nanoTime());
            }
        } catch (IOException e) {
            LOG.debug("RTP receive failed: {}", e.toString());
        } finally {
            ThreadContext.remove("call");
        }
    }

    private void sendFrame() throws IOException {
        short[] pcm = new short[SAMPLES_PER_FRAME];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = audio[audioPos];
            audioPos = (audioPos + 1) % audio.length;
        }
        RtpPacket p = new RtpPacket(path.codec().payloadType(), rtpSent == 0, sequence, timestamp, ssrc,
                path.codec().encode(pcm));
        byte[] bytes = p.encode();
        channel.send(ByteBuffer.wrap(bytes), remote);
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + SAMPLES_PER_FRAME) & 0xFFFFFFFFL;
        rtpSent++;
        octetsSent += p.payload().length;
        if (firstSent == null) {
            firstSent = System.currentTimeMillis();
        }
    }

    private void sendRtcp(long nowNanos) throws IOException {
        List<RtcpPacket.ReportBlock> blocks = List.of();
        if (stats.started()) {
            long dlsr = lastSrArrivalNanos == 0 ? 0 : (nowNanos - lastSrArrivalNanos) * 65536 / 1_000_000_000L;
            blocks = List.of(new RtcpPacket.ReportBlock(stats.ssrc(), stats.fractionLostSinceLastReport(),
                    stats.cumulativeLost(), stats.extendedHighestSequence(), stats.jitter(), lastSrMiddle, dlsr));
        }
        long millis = System.currentTimeMillis();
        long ntpSeconds = millis / 1000 + NTP_EPOCH_OFFSET_SECONDS;
        long ntpFraction = ((millis % 1000) << 32) / 1000;
        RtcpPacket packet = new RtcpPacket.SenderReport(ssrc, (ntpSeconds << 32) | ntpFraction, timestamp, rtpSent,
                octetsSent, blocks);
        InetSocketAddress to = path.rtcpMux() ? remote
                : new InetSocketAddress(remote.getAddress(), remote.getPort() + 1);
        channel.send(ByteBuffer.wrap(packet.encode()), to);
        rtcpSent++;
    }

    private void receive(InetSocketAddress source, byte[] datagram, long nowNanos) {
        switch (PacketKind.of(datagram)) {
            case RTP -> receiveRtp(source, datagram, nowNanos);
            case RTCP -> {
                Optional<RtcpPacket> p = RtcpPacket.decode(datagram);
                if (p.isPresent() && source.getAddress().equals(path.remote().getAddress())) {
                    rtcpReceived++;
                    if (p.get() instanceof RtcpPacket.SenderReport sr) {
                        lastSrMiddle = (sr.ntpTimestamp() >>> 16) & 0xFFFFFFFFL;
                        lastSrArrivalNanos = nowNanos;
                    }
                } else {
                    dropped++;
                }
            }
            default -> {
                if (!negotiation.handleOther(source, datagram)) {
                    dropped++;
                    LOG.debug("dropped {} bytes from {}", datagram.length, source);
                }
            }
        }
    }

    private void receiveRtp(InetSocketAddress source, byte[] datagram, long nowNanos) {
        if (!source.getAddress().equals(path.remote().getAddress())) {
            dropped++;
            LOG.debug("RTP from {} dropped: not the negotiated peer {}", source, path.remote());
            return;
        }
        Optional<RtpPacket> decoded = RtpPacket.decode(datagram);
        if (decoded.isEmpty()) {
            dropped++;
            return;
        }
        RtpPacket p = decoded.get();
        Codec codec = Codec.ofPayloadType(p.payloadType());
        if (codec == null) {
            dropped++; // comfort noise, telephone events and the like are not audio we record
            return;
        }
        if (!source.equals(remote)) {
            LOG.debug("symmetric RTP: latched from {} to {}", remote, source);
            remote = source;
            latches++;
        }
        stats.onPacket(p, nowNanos);
        if (firstReceived == null) {
            firstReceived = System.currentTimeMillis();
        }
        if (recordTo != null) {
            short[] pcm = codec.decode(p.payload(), 0, p.payload().length);
            if (recorded + pcm.length > recording.length) {
                recording = Arrays.copyOf(recording, Math.max(recording.length * 2, recorded + pcm.length + 8000));
            }
            System.arraycopy(pcm, 0, recording, recorded, pcm.length);
            recorded += pcm.length;
        }
    }

    /** The time the first RTP packet left, or null. */
    public Long firstRtpSentMillis() {
        return firstSent;
    }

    /** The time the first RTP packet from the peer arrived, or null. */
    public Long firstRtpReceivedMillis() {
        return firstReceived;
    }

    /** Stops the session on its loop (bounded), writes the recording, and returns the counters. */
    public MediaCounters stop() {
        java.util.concurrent.CompletableFuture<MediaCounters> stopped = new java.util.concurrent.CompletableFuture<>();
        Runnable halt = () -> {
            generation = -1;
            if (key != null) {
                key.cancel();
            }
            stopped.complete(counters());
        };
        MediaCounters counters;
        if (worker.inLoop()) {
            halt.run();
            counters = stopped.join();
        } else {
            worker.execute(halt);
            try {
                counters = stopped.get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                counters = counters();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("RTP session did not stop in time: {}", e.toString());
                counters = counters();
            }
        }
        if (recordTo != null) {
            try {
                WavFile.write(recordTo, Arrays.copyOf(recording, recorded));
            } catch (IOException e) {
                LOG.warn("cannot write recording {}: {}", recordTo, e.toString());
            }
        }
        return counters;
    }

    /** The counters so far (exact once stopped). */
    public MediaCounters counters() {
        return new MediaCounters(rtpSent, octetsSent, stats.packetsReceived(), Math.max(0, stats.cumulativeLost()),
                stats.jitter(), rtcpSent, rtcpReceived, dropped, latches, firstSent, firstReceived,
                remote.getAddress().getHostAddress() + ":" + remote.getPort());
    }

    @Override
    public void close() {
        stop();
    }
}
