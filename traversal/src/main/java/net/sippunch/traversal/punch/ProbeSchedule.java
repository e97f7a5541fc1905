package net.sippunch.traversal.punch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The order in which new probe targets are tried during the shotgun. Each call of {@link #next} gives one
 * new (local port, target) pair; the session paces the calls and caps their number.
 */
sealed interface ProbeSchedule {

    /** The next target, or empty when the schedule has nothing to send at {@code nowNanos}. */
    Optional<PunchPath> next(long nowNanos);

    /** A schedule that never sends: the plan has no shotgun. */
    record None() implements ProbeSchedule {
        @Override
        public Optional<PunchPath> next(long nowNanos) {
            return Optional.empty();
        }
    }

    /**
     * Sweeps the peer's sequential ports in the direction of allocation, {@code step} ports per target,
     * starting {@code below} strides under the prediction. Every {@code round} targets the window moves: when
     * the drift-aware prediction has run ahead of the sweep, the sweep jumps to just below it again.
     */
    final class PortSweep implements ProbeSchedule {
        private final int localPort;
        private final InetAddress peer;
        private final PortPredictor predictor;
        private final int step;
        private final int below;
        private final int round;
        private final double aim;
        private long position;
        private long sent;

        PortSweep(int localPort, InetAddress peer, PortPredictor predictor, int strides, int below, int round,
                  double aim, long nowNanos) {
            this.localPort = localPort;
            this.peer = peer;
            this.predictor = predictor;
            this.step = strides * predictor.stride();
            this.below = below;
            this.round = Math.max(1, round);
            this.aim = aim;
            this.position = floor(nowNanos);
        }

        private long floor(long nowNanos) {
            return unwrapNear(predictor.portAt(nowNanos, aim)) - (long) below * predictor.stride();
        }

        /** The prediction as a position on the same unbounded line as {@link #position}. */
        private long unwrapNear(int port) {
            long base = predictor.lastPort();
            long p = port;
            while (predictor.stride() > 0 && p < base) {
                p += 65535;
            }
            while (predictor.stride() < 0 && p > base) {
                p -= 65535;
            }
            return p;
        }

        @Override
        public Optional<PunchPath> next(long nowNanos) {
            if (sent > 0 && sent % round == 0) {
                long floor = floor(nowNanos);
                position = step > 0 ? Math.max(position, floor) : Math.min(position, floor);
            }
            int port = PortPredictor.wrap(position);
            position += step;
            sent++;
            return Optional.of(new PunchPath(localPort, new InetSocketAddress(peer, port)));
        }
    }

    /** Sprays ports of the peer's address drawn at random without repetition (birthday mode, fixed side). */
    final class RandomSpray implements ProbeSchedule {
        private final int localPort;
        private final InetAddress peer;
        private final RandomGenerator random;
        private final int[] ports;
        private int drawn;

        RandomSpray(int localPort, InetAddress peer, int low, RandomGenerator random) {
            this.localPort = localPort;
            this.peer = peer;
            this.random = random;
            this.ports = new int[65536 - low];
            for (int i = 0; i < ports.length; i++) {
                ports[i] = low + i;
            }
        }

        @Override
        public Optional<PunchPath> next(long nowNanos) {
            if (drawn == ports.length) {
                return Optional.empty();
            }
            int pick = drawn + random.nextInt(ports.length - drawn);
            int port = ports[pick];
            ports[pick] = ports[drawn];
            ports[drawn++] = port;
            return Optional.of(new PunchPath(localPort, new InetSocketAddress(peer, port)));
        }
    }

    /**
     * Sends once from each of many local sockets to the peer's tuple (birthday mode, random side): each
     * socket's flow gets its own random external port. Every {@code refreshNanos} the fan goes out again.
     */
    final class SocketFan implements ProbeSchedule {
        private final List<Integer> localPorts;
        private final InetSocketAddress target;
        private final long refreshNanos;
        private int index;
        private long passStart = Long.MIN_VALUE;

        SocketFan(List<Integer> localPorts, InetSocketAddress target, long refreshNanos) {
            this.localPorts = List.copyOf(localPorts);
            this.target = target;
            this.refreshNanos = refreshNanos;
        }

        @Override
        public Optional<PunchPath> next(long nowNanos) {
            if (localPorts.isEmpty()) {
                return Optional.empty();
            }
            if (index == localPorts.size()) {
                if (nowNanos - passStart < refreshNanos) {
                    return Optional.empty();
                }
                index = 0;
            }
            if (index == 0) {
                passStart = nowNanos;
            }
            return Optional.of(new PunchPath(localPorts.get(index++), target));
        }
    }

    /**
     * The method as written: a window of ports from {@code below} to {@code above} deltas around the reported
     * port + delta, probed port by port; each round the window moves up by its own width.
     */
    final class MethodWindow implements ProbeSchedule {
        private final int localPort;
        private final InetAddress peer;
        private final int center;
        private final int delta;
        private final int below;
        private final int width;
        private long sent;

        MethodWindow(int localPort, InetAddress peer, int reportedPort, int delta, int below, int above) {
            this.localPort = localPort;
            this.peer = peer;
            this.delta = delta == 0 ? 1 : delta;
            this.center = reportedPort + this.delta;
            this.below = below;
            this.width = below + above + 1;
        }

        @Override
        public Optional<PunchPath> next(long nowNanos) {
            long roundIndex = sent / width;
            long offset = sent % width - below + roundIndex * width;
            sent++;
            int port = PortPredictor.wrap(center + offset * Math.abs(delta));
            return Optional.of(new PunchPath(localPort, new InetSocketAddress(peer, port)));
        }
    }
}
