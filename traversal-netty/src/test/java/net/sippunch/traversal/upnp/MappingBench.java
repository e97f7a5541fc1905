package net.sippunch.traversal.upnp;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Runs a {@link UpnpPortMapping} against a {@link FakeIgd} on a virtual clock: every command is answered
 * after {@code latencyNanos} unless the fake is silent for its step; time jumps to the next reply or
 * deadline.
 */
final class MappingBench {

    private record Pending(long at, long seq, IgdReply reply) {
    }

    final UpnpPortMapping mapping;
    final FakeIgd igd;
    final List<UpnpEvent> events = new ArrayList<>();
    final List<IgdCommand> commands = new ArrayList<>();
    final List<IgdCommand> unanswered = new ArrayList<>();
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(
            (a, b) -> a.at() != b.at() ? Long.compare(a.at(), b.at()) : Long.compare(a.seq(), b.seq()));
    private final long latencyNanos;
    private long seq;
    long now;

    MappingBench(UpnpConfig config, FakeIgd igd, long latencyNanos) {
        this.mapping = new UpnpPortMapping(config);
        this.igd = igd;
        this.latencyNanos = latencyNanos;
    }

    MappingBench start() {
        mapping.start(now);
        drain();
        return this;
    }

    /** Runs until {@code end} (virtual), or until nothing is left to happen. */
    MappingBench runUntil(long end) {
        drain();
        while (now < end && (!pending.isEmpty() || mapping.pollTimeout().isPresent())) {
            runStep(end);
        }
        drain();
        return this;
    }

    /** Runs until an event matching {@code until} was reported, at most {@code maxNanos} of virtual time. */
    MappingBench runUntilEvent(Predicate<UpnpEvent> until, long maxNanos) {
        long end = now + maxNanos;
        while (events.stream().noneMatch(until) && now < end) {
            long before = now;
            int size = events.size();
            runStep(end);
            if (now == before && events.size() == size && pending.isEmpty() && mapping.pollTimeout().isEmpty()) {
                break;
            }
        }
        return this;
    }

    private void runStep(long end) {
        drain();
        OptionalLong timeout = mapping.pollTimeout();
        long next = pending.isEmpty() ? Long.MAX_VALUE : pending.peek().at();
        if (timeout.isPresent()) {
            next = Math.min(next, timeout.getAsLong());
        }
        if (next == Long.MAX_VALUE || next > end) {
            now = end;
            return;
        }
        now = Math.max(now, next);
        if (!pending.isEmpty() && pending.peek().at() <= now) {
            mapping.handleReply(now, pending.poll().reply());
        } else {
            mapping.handleTimeout(now);
        }
        drain();
    }

    MappingBench close() {
        mapping.close(now);
        return runUntil(now + 3_600_000_000_000L);
    }

    <T extends UpnpEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    long commandsOf(IgdStep step) {
        return commands.stream().filter(c -> c.step() == step).count();
    }

    private void drain() {
        for (var c = mapping.pollCommand(); c.isPresent(); c = mapping.pollCommand()) {
            commands.add(c.get());
            if (igd.silent.contains(c.get().step())) {
                unanswered.add(c.get());
            } else {
                pending.add(new Pending(now + latencyNanos, seq++, IgdExecutor.run(igd, c.get())));
            }
        }
        for (var e = mapping.pollEvent(); e.isPresent(); e = mapping.pollEvent()) {
            events.add(e.get());
        }
    }
}
