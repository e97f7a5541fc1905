package net.sippunch.traversal.turn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import net.sippunch.traversal.Transmit;

/**
 * Drives a {@link TurnClient} on a plain blocking socket, on the test's thread: it sends what the client
 * polls, waits for a datagram until the client's next deadline, and feeds whatever happened. Tests wait for
 * events, never for time.
 */
final class SocketDriver implements AutoCloseable {

    private final DatagramSocket socket;
    private final TurnClient client;
    private final List<TurnEvent> events = new ArrayList<>();

    SocketDriver(InetSocketAddress server, TurnCredentials credentials, UnaryOperator<TurnConfig> tweak)
            throws IOException {
        socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        TurnConfig config = tweak.apply(TurnConfig.defaults(server, socket.getLocalPort(), credentials))
                .withSoftware("sippunch interop test");
        client = new TurnClient(config, new SecureRandom(), System.nanoTime());
    }

    TurnClient client() {
        return client;
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    long now() {
        return System.nanoTime();
    }

    /** Runs the client until an event of {@code kind} comes (earlier events of other kinds are kept). */
    <T extends TurnEvent> T await(Class<T> kind, Duration within) throws IOException {
        long deadline = now() + within.toNanos();
        byte[] buffer = new byte[65536];
        while (true) {
            flush();
            for (Iterator<TurnEvent> it = events.iterator(); it.hasNext(); ) {
                TurnEvent e = it.next();
                if (kind.isInstance(e)) {
                    it.remove();
                    return kind.cast(e);
                }
                if (e instanceof TurnEvent.Failed failed) {
                    fail("waiting for " + kind.getSimpleName() + ", the client failed: " + failed);
                }
            }
            long t = now();
            if (t >= deadline) {
                fail("no " + kind.getSimpleName() + " within " + within + "; events " + events + ", "
                        + client.stats());
            }
            OptionalLong next = client.pollTimeout();
            long wake = Math.min(deadline, next.orElse(deadline));
            socket.setSoTimeout((int) Math.max(1, (wake - t + 999_999) / 1_000_000));
            Optional<DatagramPacket> packet = receive(buffer);
            if (packet.isPresent()) {
                client.handleDatagram(now(), socket.getLocalPort(),
                        (InetSocketAddress) packet.get().getSocketAddress(),
                        Arrays.copyOf(packet.get().getData(), packet.get().getLength()));
            }
            next = client.pollTimeout();
            if (next.isPresent() && next.getAsLong() <= now()) {
                client.handleTimeout(now());
            }
            for (Optional<TurnEvent> e = client.pollEvent(); e.isPresent(); e = client.pollEvent()) {
                events.add(e.get());
            }
        }
    }

    /** Relays {@code data} to {@code peer}; the client must accept it. */
    void send(InetSocketAddress peer, byte[] data) throws IOException {
        assertTrue(client.send(now(), peer, data), "the client refused to send to " + peer);
        flush();
    }

    /** A datagram, or empty when the socket's timeout ran out first. */
    private Optional<DatagramPacket> receive(byte[] buffer) throws IOException {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
            return Optional.of(packet);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
    }

    private void flush() throws IOException {
        for (Optional<Transmit> t = client.pollTransmit(); t.isPresent(); t = client.pollTransmit()) {
            socket.send(new DatagramPacket(t.get().payload(), t.get().payload().length, t.get().destination()));
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
