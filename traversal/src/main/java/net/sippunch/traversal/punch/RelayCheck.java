package net.sippunch.traversal.punch;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.stun.TransactionId;

/**
 * The connectivity checks of a relayed path, sans-IO: after the punch gave up, one side offers a TURN relayed
 * address ({@code a=punch-relay}); the other checks it with the probes of the punch (the call's credentials,
 * RFC 8445 checks) from its media port until one is acknowledged. Only an authenticated acknowledgement from the
 * relayed address to a check sent there proves the path. The side that allocated answers the checks that reach it
 * through its relay with {@link Responder}. Checks leave every {@code interval} until {@code attempts} were sent
 * unanswered: then the check has failed.
 */
public final class RelayCheck {

    /** The outcome of the checks, once there is one. */
    public enum Outcome { ANSWERED, UNANSWERED }

    private final ProbeCodec codec;
    private final int localPort;
    private final InetSocketAddress relayed;
    private final RandomGenerator random;
    private final long intervalNanos;
    private final int attempts;
    private final Set<TransactionId> sent = new HashSet<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private long nextAt;
    private Outcome outcome;
    private Optional<InetSocketAddress> seenAs = Optional.empty();
    private long dropped;

    /**
     * Starts checking: the first check is ready to poll at once.
     *
     * @param own       this side's credentials
     * @param peer      the peer's credentials (the key of the checks)
     * @param role      this side's role in the call
     * @param localPort the media port the checks leave from
     * @param relayed   the peer's relayed address
     * @param random    transaction ids and the tie-breaker ({@code SecureRandom} in production)
     */
    public RelayCheck(IceCredentials own, IceCredentials peer, PunchRole role, int localPort, InetSocketAddress relayed,
                      long intervalNanos, int attempts, RandomGenerator random, long nowNanos) {
        if (intervalNanos <= 0 || attempts < 1) {
            throw new IllegalArgumentException("interval and attempts must be positive");
        }
        this.codec = new ProbeCodec(own, peer, role, random.nextLong(), false);
        this.localPort = localPort;
        this.relayed = Objects.requireNonNull(relayed, "relayed");
        this.random = random;
        this.intervalNanos = intervalNanos;
        this.attempts = attempts;
        check(nowNanos);
    }

    /** The relayed address checked. */
    public InetSocketAddress relayed() {
        return relayed;
    }

    /** Answered, unanswered, or empty while checking. */
    public Optional<Outcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    /** Where the peer's TURN server saw our checks come from, once one was acknowledged. */
    public Optional<InetSocketAddress> seenAs() {
        return seenAs;
    }

    /** Checks sent so far. */
    public int checksSent() {
        return sent.size();
    }

    /** STUN from the relayed address that proved nothing (forged, unmatched). */
    public long dropped() {
        return dropped;
    }

    /**
     * Takes a datagram that arrived on {@code port} from {@code source}: consumes STUN from the relayed address
     * (true), leaves everything else (false).
     */
    public boolean handleDatagram(long nowNanos, int port, InetSocketAddress source, byte[] payload) {
        if (port != localPort || !source.equals(relayed)) {
            return false;
        }
        ProbeCodec.Inbound inbound = codec.read(payload);
        if (inbound instanceof ProbeCodec.Inbound.NotStun) {
            return false;
        }
        if (inbound instanceof ProbeCodec.Inbound.Acknowledgement ack && sent.contains(ack.id())) {
            if (outcome != Outcome.ANSWERED) {
                outcome = Outcome.ANSWERED;
                seenAs = ack.mapped();
            }
        } else if (inbound instanceof ProbeCodec.Inbound.Probe probe) {
            // the allocating side checks back through its relay: answer, as the punch answers every probe
            transmits.add(new Transmit(localPort, source, codec.acknowledgement(probe.id(), source)));
        } else {
            dropped++;
        }
        return true;
    }

    public void handleTimeout(long nowNanos) {
        if (outcome == null && nowNanos >= nextAt) {
            if (sent.size() >= attempts) {
                outcome = Outcome.UNANSWERED;
            } else {
                check(nowNanos);
            }
        }
    }

    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(transmits.poll());
    }

    public OptionalLong pollTimeout() {
        return outcome == null ? OptionalLong.of(nextAt) : OptionalLong.empty();
    }

    private void check(long nowNanos) {
        TransactionId id = TransactionId.random(random);
        sent.add(id);
        transmits.add(new Transmit(localPort, relayed, codec.probe(id, true)));
        nextAt = nowNanos + intervalNanos;
    }

    /**
     * The allocating side's half: answers the authenticated checks that reach it through its relay, and tells
     * whether a datagram was one. Stateless but for the credentials.
     */
    public static final class Responder {
        private final ProbeCodec codec;

        public Responder(IceCredentials own, IceCredentials peer, PunchRole role, RandomGenerator random) {
            this.codec = new ProbeCodec(own, peer, role, random.nextLong(), false);
        }

        /** What a datagram from the relay is. */
        public sealed interface Verdict {
            /** Not STUN: media, judged by its receiver. */
            record Media() implements Verdict {
            }

            /** An authenticated check: send {@code answer} back to its source; the source is proven. */
            record Check(byte[] answer) implements Verdict {
            }

            /** STUN that is not an authenticated check (forged, foreign, an answer): dropped. */
            record Dropped(String reason) implements Verdict {
            }
        }

        public Verdict read(InetSocketAddress source, byte[] datagram) {
            ProbeCodec.Inbound inbound = codec.read(datagram);
            if (inbound instanceof ProbeCodec.Inbound.NotStun) {
                return new Verdict.Media();
            }
            if (inbound instanceof ProbeCodec.Inbound.Probe probe) {
                return new Verdict.Check(codec.acknowledgement(probe.id(), source));
            }
            return new Verdict.Dropped(inbound instanceof ProbeCodec.Inbound.Dropped d ? d.reason()
                    : "not a check");
        }
    }
}
