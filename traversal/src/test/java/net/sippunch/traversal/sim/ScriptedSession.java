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

/**
 * A session for tests that sends what it is told at the times it is told, and records every datagram it
 * receives: a peer, an attacker from its own address, or a sink. Script it before or while it runs.
 */
public final class ScriptedSession implements DatagramSession {

    /** One received datagram. */
    public record Received(long atNanos, int localPort, InetSocketAddress source, byte[] payload) {
    }

    private final TreeMap<Long, List<Transmit>> script = new TreeMap<>();
    private final ArrayDeque<Transmit> outbox = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();

    /** Sends {@code payload} from {@code localPort} to {@code to} at {@code atNanos}. */
    public ScriptedSession at(long atNanos, int localPort, InetSocketAddress to, byte[] payload) {
        script.computeIfAbsent(atNanos, t -> new ArrayList<>()).add(new Transmit(localPort, to, payload));
        return this;
    }

    /** What arrived so far, in order. */
    public List<Received> received() {
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
