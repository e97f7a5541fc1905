package net.sippunch.agent.media;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import net.sippunch.agent.media.srtp.DropReason;
import net.sippunch.agent.media.srtp.SrtpCounters;
import net.sippunch.agent.media.srtp.SrtpKeys;
import net.sippunch.agent.media.srtp.SrtpReceiver;
import net.sippunch.agent.media.srtp.SrtpResult;
import net.sippunch.agent.media.srtp.SrtpSender;
import net.sippunch.agent.sip.CallIdLabel;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.netty.DatagramSessionDriver;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * One RTP stream on the call's media port, on the port's event loop: sends a 20 ms frame of the audio
 * (looped) every 20 ms, sends RTCP SR/RR (muxed on the RTP port when negotiated; else to the RTP port + 1 of a
 * plain path, and not at all on an unmuxed punched path, whose RTCP port no check proved), records decoded
 * received audio and counts. Which sources it accepts depends on the path's {@link MediaPath.Trust}: a punched or
 * signalled path is fixed (only {@link #retarget}, driven by the punch engine's authenticated events, moves
 * it); a plain path learns the peer's NATed source once, within {@link #LEARNING_NANOS} of the start and only
 * from the SDP's address, then locks. Everything else is dropped and counted, never played or recorded.
 * Datagrams reach it only after the call's traversal (if any) declined them.
 *
 * <p>With SRTP keys every RTP and RTCP packet it sends is protected with our key, and what it receives from
 * the peer's address is unprotected with the peer's before anything else looks at it: a packet that fails
 * (altered, replayed, another key) is dropped and counted by reason, and neither plays nor moves media. STUN
 * (probes, consent, the window's keep-alives) is not RTP and is left as it is.
 */
public final class RtpSession {

    private static final Logger LOG = LogManager.getLogger(RtpSession.class);
    private static final int SAMPLES_PER_FRAME = Codec.CLOCK_RATE / 50;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final long RTCP_INTERVAL_NANOS = 5_000_000_000L;
    private static final long FIRST_RTCP_NANOS = 500_000_000L;
    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;
    /** How long RTP from where media went before an authenticated move is still heard. */
    static final long MOVE_GRACE_NANOS = 2_000_000_000L;
    /** How long a plain path may learn the peer's source after media starts (as rtpengine does). */
    static final long LEARNING_NANOS = 3_000_000_000L;
    /** How often the keep-alives of a path's open window go out, until the peer's first RTP. */
    static final long WINDOW_INTERVAL_NANOS = 100_000_000L;

    private final MediaTransport port;
    private final EventLoop loop;
    private final MediaPath path;
    private final short[] audio;
    private final Path recordTo;
    private final String callId;
    private final long ssrc;
    private final long mediaTimeoutNanos;
    private final Consumer<String> onMediaTimeout;
    private final ReceptionStats stats = new ReceptionStats(Codec.CLOCK_RATE);
    private final CompletableFuture<Stopped> stopped = new CompletableFuture<>();
    private final AtomicBoolean written = new AtomicBoolean();
    /** Null without SRTP. */
    private final SrtpSender protector;
    private final SrtpReceiver unprotector;
    /** Where DTLS records go while media flows (DTLS-SRTP); null: dropped. */
    private volatile DatagramSessionDriver.Unhandled dtls;

    private ScheduledFuture<?> timer;
    private boolean halted;
    private long startedAt;
    private long nextSend;
    private long nextRtcp;
    private long lastReceivedAt;
    private boolean locked;
    private boolean timedOut;
    private volatile InetSocketAddress remote;
    /** Our socket of the path: the media port, or the punch's socket an authenticated move went to. */
    private volatile int localPort;
    /** Where media came from before the last authenticated move, and when it moved (only on the loop). */
    private InetSocketAddress previous;
    /** Our socket before the last authenticated move (only on the loop). */
    private int previousLocalPort = -1;
    private long movedAt;
    private volatile Long firstSent;
    private volatile Long firstReceived;
    /** The first RTP received at or after our first was sent: media went both ways from then on. */
    private volatile Long firstTwoWay;
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
    /** A STUN Binding indication (RFC 5389 section 10: a keep-alive nobody answers), for the open window. */
    private final byte[] keepAlive;
    private long nextWindowAt;

    /**
     * A stream that starts with {@link #start()}.
     *
     * @param audio             the samples to send, looped (8 kHz 16-bit)
     * @param recordTo          where to write what arrives when the session stops (null: not recorded)
     * @param mediaTimeoutNanos silence from the peer after which {@code onMediaTimeout} runs once (0: never)
     * @param onMediaTimeout    gets the reason, on the loop; it must not block
     */
    public RtpSession(NettyMediaPort port, MediaPath path, short[] audio, Path recordTo, RandomGenerator random,
                      String callId, long mediaTimeoutNanos, Consumer<String> onMediaTimeout) {
        this(port, path, audio, recordTo, random, callId, mediaTimeoutNanos, onMediaTimeout, null);
    }

    /**
     * A stream that starts with {@link #start()}, under SRTP when {@code srtp} is not null.
     *
     * @param srtp our key (sending) and the peer's (receiving); null for plain RTP
     */
    public RtpSession(NettyMediaPort port, MediaPath path, short[] audio, Path recordTo, RandomGenerator random,
                      String callId, long mediaTimeoutNanos, Consumer<String> onMediaTimeout, SrtpKeys srtp) {
        this(MediaTransport.of(port), path, audio, recordTo, random, callId, mediaTimeoutNanos, onMediaTimeout, srtp);
    }

    /**
     * A stream over {@code transport} (the media port, or a TURN relay), under SRTP when {@code srtp} is not null.
     */
    public RtpSession(MediaTransport transport, MediaPath path, short[] audio, Path recordTo, RandomGenerator random,
                      String callId, long mediaTimeoutNanos, Consumer<String> onMediaTimeout, SrtpKeys srtp) {
        this.protector = srtp == null ? null : SrtpSender.of(srtp.send());
        this.unprotector = srtp == null ? null : SrtpReceiver.of(srtp.receive());
        if (audio.length == 0) {
            throw new IllegalArgumentException("no audio to send");
        }
        this.port = transport;
        this.loop = transport.loop();
        this.path = path;
        this.localPort = path.localPort();
        this.remote = path.remote();
        this.audio = audio;
        this.recordTo = recordTo;
        this.callId = callId;
        this.mediaTimeoutNanos = mediaTimeoutNanos;
        this.onMediaTimeout = onMediaTimeout;
        this.ssrc = random.nextLong() & 0xFFFFFFFFL;
        this.sequence = random.nextInt(1 << 16);
        this.timestamp = random.nextLong() & 0xFFFFFFFFL;
        this.keepAlive = StunCodec.encode(new StunMessage(StunClass.INDICATION, StunMethod.BINDING,
                TransactionId.random(random), List.of()));
    }

    /**
     * DTLS records that reach the port from now on go to {@code records} (on the loop) instead of being dropped:
     * the DTLS-SRTP handshake answers a peer that lost its last flight.
     */
    public void onDtls(DatagramSessionDriver.Unhandled records) {
        this.dtls = records;
    }

    /** Starts sending and receiving, on the port's loop. */
    public void start() {
        loop.execute(() -> {
            if (halted) {
                return;
            }
            long now = System.nanoTime();
            startedAt = now;
            nextWindowAt = now;
            if (!path.openWindow().isEmpty()) {
                LOG.info("opening our NAT toward {} ports of {} until its first RTP (its NAT may give its flow to us a "
                        + "new port)", path.openWindow().size(), remote.getAddress().getHostAddress());
            }
            lastReceivedAt = now;
            nextSend = now;
            nextRtcp = now + FIRST_RTCP_NANOS;
            port.onUnhandled(this::receive);
            tick();
        });
    }

    /**
     * The punch engine proved the peer's new tuple (an authenticated answer), reached from our socket
     * {@code onPort}: media goes there, from there, now. What still comes from the old tuple, or to our old socket,
     * for {@value #MOVE_GRACE_NANOS} ns (in flight, or sent before the peer moved too: a relayed path a direct one
     * takes over) is heard too, without moving media back.
     */
    public void retarget(int onPort, InetSocketAddress to) {
        loop.execute(() -> {
            if (!halted && !(to.equals(remote) && onPort == localPort)) {
                LOG.info("media moves from {} to {}{} (authenticated)", remote, to,
                        onPort == localPort ? "" : ", from our socket " + onPort);
                previous = remote;
                previousLocalPort = localPort;
                movedAt = System.nanoTime();
                remote = to;
                localPort = onPort;
            }
        });
    }

    private void tick() {
        if (halted) {
            return;
        }
        ThreadContext.put("call", CallIdLabel.log(callId));
        try {
            long now = System.nanoTime();
            if (now - nextSend >= 0) {
                sendFrame();
                nextSend += FRAME_NANOS;
                if (now - nextSend > 10 * FRAME_NANOS) {
                    nextSend = now + FRAME_NANOS; // fell far behind: do not burst
                }
            }
            if (!path.openWindow().isEmpty()) {
                openWindow(now);
            }
            if (now - nextRtcp >= 0) {
                if (path.rtcpMux() || path.trust() != MediaPath.Trust.PUNCHED) {
                    sendRtcp(now); // nothing goes where no authenticated check went (consent, RFC 7675)
                }
                nextRtcp = now + RTCP_INTERVAL_NANOS;
            }
            if (mediaTimeoutNanos > 0 && !timedOut && now - lastReceivedAt >= mediaTimeoutNanos) {
                timedOut = true;
                String reason = "media-timeout: no RTP from " + remote + " for " + (now - lastReceivedAt) / 1_000_000
                        + " ms";
                LOG.info(reason);
                onMediaTimeout.accept(reason);
            }
            long next = nextSend - nextRtcp < 0 ? nextSend : nextRtcp;
            timer = loop.schedule(this::tick, Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
        } finally {
            ThreadContext.remove("call");
        }
    }

    private void sendFrame() {
        short[] pcm = new short[SAMPLES_PER_FRAME];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = audio[audioPos];
            audioPos = (audioPos + 1) % audio.length;
        }
        RtpPacket p = new RtpPacket(path.codec().payloadType(), rtpSent == 0, sequence, timestamp, ssrc,
                path.codec().encode(pcm));
        byte[] packet = protector == null ? p.encode() : protectedOrNull(protector.protectRtp(p.encode()));
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + SAMPLES_PER_FRAME) & 0xFFFFFFFFL;
        if (packet == null) {
            return;
        }
        port.send(new Transmit(localPort, remote, packet));
        rtpSent++;
        octetsSent += p.payload().length;
        if (firstSent == null) {
            firstSent = System.currentTimeMillis();
        }
    }

    /**
     * Keep-alives from the media port to the path's window of the peer's ports, every
     * {@value #WINDOW_INTERVAL_NANOS} ns until the peer's first RTP arrives or the learning window closes: they
     * open this side's NAT to whichever of those ports the peer's NAT gave its flow toward us, so that its RTP
     * gets in and symmetric RTP can follow it there.
     */
    private void openWindow(long now) {
        if (firstReceived != null || now - startedAt >= LEARNING_NANOS || now - nextWindowAt < 0) {
            return;
        }
        for (InetSocketAddress target : path.openWindow()) {
            port.send(new Transmit(localPort, target, keepAlive));
        }
        nextWindowAt = now + WINDOW_INTERVAL_NANOS;
    }

    private void sendRtcp(long nowNanos) {
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
        byte[] bytes = protector == null ? packet.encode() : protectedOrNull(protector.protectRtcp(packet.encode()));
        if (bytes == null) {
            return;
        }
        port.send(new Transmit(localPort, rtcpAddress(), bytes));
        rtcpSent++;
    }

    /** The protected packet, or null when the sender refused it (its key is spent): counted with the drops. */
    private static byte[] protectedOrNull(SrtpResult result) {
        if (result instanceof SrtpResult.Packet p) {
            return p.bytes();
        }
        LOG.debug("not sent: SRTP refused the packet ({})", ((SrtpResult.Dropped) result).reason());
        return null;
    }

    /**
     * The plain packet inside what the peer sent: {@code datagram} itself without SRTP; null when SRTP dropped
     * it (counted by the receiver, by reason).
     */
    private byte[] unprotected(byte[] datagram, boolean rtcp) {
        if (unprotector == null) {
            return datagram;
        }
        SrtpResult r = rtcp ? unprotector.unprotectRtcp(datagram) : unprotector.unprotectRtp(datagram);
        return r instanceof SrtpResult.Packet p ? p.bytes() : null;
    }

    private InetSocketAddress rtcpAddress() {
        return path.rtcpMux() ? remote : new InetSocketAddress(remote.getAddress(), remote.getPort() + 1);
    }

    /** A datagram the traversal declined, on the loop. */
    private void receive(int onPort, InetSocketAddress source, byte[] datagram) {
        if (halted || onPort != localPort
                && !(onPort == previousLocalPort && System.nanoTime() - movedAt < MOVE_GRACE_NANOS)) {
            return;
        }
        ThreadContext.put("call", CallIdLabel.log(callId));
        try {
            long now = System.nanoTime();
            switch (PacketKind.of(datagram)) {
                case RTP -> receiveRtp(source, datagram, now);
                case RTCP -> receiveRtcp(source, datagram, now);
                case DTLS -> {
                    DatagramSessionDriver.Unhandled records = dtls;
                    if (records != null) {
                        records.datagram(onPort, source, datagram); // the handshake's late records
                    } else {
                        dropped++;
                    }
                }
                default -> {
                    dropped++;
                    LOG.debug("dropped {} bytes from {}: neither RTP nor RTCP of this call", datagram.length, source);
                }
            }
        } finally {
            ThreadContext.remove("call");
        }
    }

    private void receiveRtcp(InetSocketAddress source, byte[] datagram, long nowNanos) {
        if (!(source.equals(remote) || source.equals(rtcpAddress()))) {
            dropped++;
            return;
        }
        byte[] plain = unprotected(datagram, true);
        if (plain == null) {
            return;
        }
        Optional<RtcpPacket> p = RtcpPacket.decode(plain);
        if (p.isEmpty()) {
            dropped++;
            return;
        }
        rtcpReceived++;
        if (p.get() instanceof RtcpPacket.SenderReport sr) {
            lastSrMiddle = (sr.ntpTimestamp() >>> 16) & 0xFFFFFFFFL;
            lastSrArrivalNanos = nowNanos;
        }
    }

    private void receiveRtp(InetSocketAddress source, byte[] datagram, long nowNanos) {
        if (!accepts(source, nowNanos)) {
            dropped++;
            LOG.debug("RTP from {} dropped: media goes to {} ({})", source, remote, path.trust());
            return;
        }
        byte[] plain = unprotected(datagram, false);
        if (plain == null) {
            return; // not authentic: neither played nor allowed to move media
        }
        Optional<RtpPacket> decoded = RtpPacket.decode(plain);
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
        if (!source.equals(remote) && !fromPrevious(source, nowNanos)) {
            LOG.debug("symmetric RTP: latched from {} to {}, now locked", remote, source);
            remote = source;
            latches++;
        }
        locked = true;
        lastReceivedAt = nowNanos;
        stats.onPacket(p, nowNanos);
        if (firstReceived == null || firstTwoWay == null) {
            long millis = System.currentTimeMillis();
            if (firstReceived == null) {
                firstReceived = millis;
                LOG.info("first RTP from {}", source);
            }
            if (firstTwoWay == null && firstSent != null) {
                firstTwoWay = millis;
            }
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

    /** Whether RTP from {@code source} is the peer's, by the path's trust. */
    private boolean accepts(InetSocketAddress source, long nowNanos) {
        if (source.equals(remote) || fromPrevious(source, nowNanos)) {
            return true;
        }
        return path.trust() == MediaPath.Trust.LEARNED && !locked && nowNanos - startedAt < LEARNING_NANOS
                && source.getAddress().equals(path.remote().getAddress());
    }

    /** Whether {@code source} is where media came from before an authenticated move, shortly after it. */
    private boolean fromPrevious(InetSocketAddress source, long nowNanos) {
        return source.equals(previous) && nowNanos - movedAt < MOVE_GRACE_NANOS;
    }

    /** The time the first RTP packet left, or null. */
    public Long firstRtpSentMillis() {
        return firstSent;
    }

    /** The time the first RTP packet from the peer arrived, or null. */
    public Long firstRtpReceivedMillis() {
        return firstReceived;
    }

    /** The time the first RTP packet from the peer arrived at or after our first left (media both ways), or null. */
    public Long firstTwoWayRtpMillis() {
        return firstTwoWay;
    }

    /** Stops sending and receiving at once, without waiting (the BYE is on its way); any thread. */
    public void stopSending() {
        loop.execute(this::halt);
    }

    /**
     * Stops sending at once (on the loop; a bounded wait from another thread), then writes the recording on
     * the calling thread and returns the counters. Later calls return the same counters and write nothing.
     */
    public MediaCounters stop() {
        if (loop.inEventLoop()) {
            halt();
        } else {
            loop.execute(this::halt);
        }
        Stopped result;
        try {
            result = stopped.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return counters();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("RTP session did not stop in time: {}", e.toString());
            return counters();
        }
        if (recordTo != null && result.recording() != null && written.compareAndSet(false, true)) {
            try {
                WavFile.write(recordTo, result.recording());
            } catch (IOException e) {
                LOG.warn("cannot write recording {}: {}", recordTo, e.toString());
            }
        }
        return result.counters();
    }

    /** What the loop hands over when it stops: the final counters and what was recorded. */
    private record Stopped(MediaCounters counters, short[] recording) {
    }

    private void halt() {
        if (halted) {
            return;
        }
        halted = true;
        if (timer != null) {
            timer.cancel(false);
        }
        port.onUnhandled((p, s, d) -> { });
        stopped.complete(new Stopped(counters(), recordTo == null ? null : Arrays.copyOf(recording, recorded)));
    }

    /** The counters so far (exact once stopped). */
    public MediaCounters counters() {
        InetSocketAddress to = remote;
        return new MediaCounters(rtpSent, octetsSent, stats.packetsReceived(), Math.max(0, stats.cumulativeLost()),
                stats.jitter(), stats.maxGapMillis(), rtcpSent, rtcpReceived, dropped, latches, firstSent,
                firstReceived, firstTwoWay, to.getAddress().getHostAddress() + ":" + to.getPort(), srtpDrops());
    }

    /** SRTP drops by reason, both directions (read on the loop, or after it stopped). */
    private Map<String, Long> srtpDrops() {
        Map<String, Long> drops = new TreeMap<>();
        if (protector != null) {
            for (SrtpCounters c : List.of(protector.counters(), unprotector.counters())) {
                for (Map.Entry<DropReason, Long> e : c.dropped().entrySet()) {
                    drops.merge(e.getKey().name(), e.getValue(), Long::sum);
                }
            }
        }
        return drops;
    }
}
