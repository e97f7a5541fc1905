package net.sippunch.traversal.sim;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;

/** A test session that sends what it is told at the times it is told, and records what it receives. */
final class ScriptedSession implements DatagramSession {

    /** One received datagram. */
    record Received(long atNanos, int localPort, InetSocketAddress source, byte[] payload) {
    }

    private final TreeMap<Long, List<Transmit>> script = new TreeMap<>();
    private final ArrayDeque<Transmit> outbox = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();

    /** Sends {@code payload} from {@code localPort} to {@code to} at {@code atNanos}. */
    ScriptedSession at(long atNanos, int localPort, InetSocketAddress to, byte[] payload) {
        script.computeIfAbsent(atNanos, t -> new ArrayList<>()).add(new Transmit(localPort, to, payload));
        return this;
    }

    List<Received> received() {
        return received;
    }

    @Override
    public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
        received.add(new Received(nowNanos, localPort, source, payload.clone()));
        return true;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        while (!script.isEmpty() && script.firstKey() <= nowNanos) {
            outbox.addAll(script.pollFirstEntry().getValue());
        }
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(outbox.poll());
    }

    @Override
    public OptionalLong pollTimeout() {
        return script.isEmpty() ? OptionalLong.empty() : OptionalLong.of(script.firstKey());
    }
}
