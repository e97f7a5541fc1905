package net.sippunch.traversal.punch;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.ice.Candidate;

/**
 * The first moves of a punch session, chosen by its plan's strategy when punching starts: the targets probed
 * at the probe interval from the start (each with the reason it is probed, in probing order: the plan's own,
 * then a standard peer's ICE candidates), the shotgun that follows when nothing arrives, when that shotgun may
 * start, and the peer's first predicted port.
 */
record PunchOpening(Map<PunchPath, String> targets, ProbeSchedule shotgun, long shotgunAt, int firstPrediction) {

    /**
     * @param initialWait T: how long only the targets are probed before the shotgun may start
     * @param mediaPort  the local port probes leave from
     * @param extraPorts the extra local sockets of a birthday plan
     */
    static PunchOpening of(PunchPlan plan, PunchEndpoint own, PunchEndpoint peer, PortPredictor peerPredictor,
                           PunchConfig config, long initialWait, int mediaPort, List<Integer> extraPorts,
                           RandomGenerator random, long nowNanos) {
        Map<PunchPath, String> targets = new LinkedHashMap<>();
        InetSocketAddress reported = peer.reported();
        peer.upnp().ifPresent(t -> targets.putIfAbsent(new PunchPath(mediaPort, t), "probe to the peer's UPnP tuple"));
        ProbeSchedule shotgun = new ProbeSchedule.None();
        long shotgunAt = 0;
        int firstPrediction = reported.getPort();
        switch (plan.strategy()) {
            case SWEEP, CROSSING -> {
                firstPrediction = peerPredictor.portAt(nowNanos, config.driftAim());
                targets.putIfAbsent(toPort(mediaPort, reported, firstPrediction), "probe to the predicted port");
                // aim low: the sweep only moves up. Against a peer that holds one flow, that flow was made
                // right after its discovery, so no drift is applied; against a crossing sweep, part of it.
                shotgunAt = nowNanos + initialWait;
                int direction = Integer.signum(peerPredictor.stride());
                int start;
                if (plan.strategy() == Strategy.SWEEP) {
                    start = PortPredictor.wrap(peerPredictor.portAt(peerPredictor.lastAtNanos(), 0)
                            - (long) config.windowBelow() * direction);
                } else {
                    // two crossing sweeps meet after about (gap below each) / (2 - drift factor squared) targets:
                    // without a measured drift there is nothing for a window below the prediction to cover
                    start = peerPredictor.sweepStart(shotgunAt, config.driftAim(), config.windowBelow());
                }
                // the sweep steps by single ports (times the plan's stride): a stride estimated from samples
                // that other hosts' flows interleave can be a false common factor, a single port never misses
                shotgun = new ProbeSchedule.PortSweep(mediaPort, reported.getAddress(), start, plan.stride(),
                        direction);
            }
            case METHOD_WINDOW -> {
                int delta = peer.profile().delta();
                firstPrediction = PortPredictor.wrap((long) reported.getPort() + delta);
                targets.putIfAbsent(toPort(mediaPort, reported, firstPrediction), "probe to the reported port + delta");
                shotgun = new ProbeSchedule.MethodWindow(mediaPort, reported.getAddress(), reported.getPort(), delta,
                        config.windowBelow(), config.windowAbove());
                shotgunAt = nowNanos + initialWait;
            }
            case BIRTHDAY_SPRAY -> {
                targets.putIfAbsent(new PunchPath(mediaPort, reported), "probe to the reported tuple");
                shotgun = new ProbeSchedule.RandomSpray(mediaPort, reported.getAddress(), config.randomPortLow(),
                        random);
                shotgunAt = nowNanos + initialWait;
            }
            case BIRTHDAY_SOCKETS -> {
                targets.putIfAbsent(new PunchPath(mediaPort, reported), "probe to the reported tuple");
                shotgun = new ProbeSchedule.SocketFan(extraPorts, reported, config.birthdayRefreshNanos());
                shotgunAt = nowNanos;
            }
            case DIRECT, HOLD, INFEASIBLE -> {
                targets.putIfAbsent(new PunchPath(mediaPort, reported), "probe to the reported tuple");
                if (plan.strategy() == Strategy.DIRECT && plan.peer() == MappingClass.SEQUENTIAL) {
                    firstPrediction = peerPredictor.portAt(nowNanos, config.driftAim());
                    targets.putIfAbsent(toPort(mediaPort, reported, firstPrediction), "probe to the predicted port");
                }
            }
        }
        for (Candidate candidate : peer.candidates()) {
            targets.putIfAbsent(new PunchPath(mediaPort, candidate.address()),
                    "probe to the peer's " + candidate.type().token() + " candidate");
        }
        InetSocketAddress peerPrivate = peer.profile().privateTuple();
        boolean sameNat = own.reported().getAddress().equals(reported.getAddress());
        if (sameNat && peerPrivate.getPort() > 0 && !peerPrivate.getAddress().isAnyLocalAddress()) {
            // behind one NAT, the private tuple may work
            targets.putIfAbsent(new PunchPath(mediaPort, peerPrivate),
                    "probe to the peer's private tuple behind the same NAT");
        }
        return new PunchOpening(Collections.unmodifiableMap(targets), shotgun, shotgunAt, firstPrediction);
    }

    private static PunchPath toPort(int mediaPort, InetSocketAddress reported, int port) {
        return new PunchPath(mediaPort, new InetSocketAddress(reported.getAddress(), port));
    }
}
