package net.sippunch.traversal.punch;

import java.util.Objects;

/**
 * The strategy one side runs and why. Both sides compute their plans from the same two SDP descriptions,
 * so the plans fit together: HOLD with SWEEP, CROSSING with CROSSING, BIRTHDAY_SOCKETS with BIRTHDAY_SPRAY.
 *
 * @param strategy    this side's strategy
 * @param own         this side's mapping class
 * @param peer        the peer's mapping class
 * @param stride      for sweeps: how many of the peer's allocation strides each new target advances (1 or 2)
 * @param explanation one sentence for the call report
 */
public record PunchPlan(Strategy strategy, MappingClass own, MappingClass peer, int stride, String explanation) {

    public PunchPlan {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(own, "own");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(explanation, "explanation");
    }

    /** Local sockets beyond the media port that this plan needs the driver to bind. */
    public int extraSockets(PunchConfig config) {
        return strategy == Strategy.BIRTHDAY_SOCKETS ? config.birthdaySockets() : 0;
    }

    /** Chooses this side's plan from both sides' descriptions. */
    public static PunchPlan decide(PunchEndpoint own, PunchEndpoint peer, PunchRole role, PunchConfig config) {
        MappingClass mine = MappingClass.of(own.profile());
        MappingClass theirs = MappingClass.of(peer.profile());
        if (config.schedule() == PunchConfig.Schedule.METHOD) {
            return new PunchPlan(Strategy.METHOD_WINDOW, mine, theirs, 1,
                    "baseline: probe the reported port + delta, then a window of -" + config.windowBelow()
                            + "..+" + config.windowAbove() + " moved each round");
        }
        if (peer.upnp().isPresent() || own.upnp().isPresent()) {
            return new PunchPlan(Strategy.DIRECT, mine, theirs, 1,
                    "a UPnP/NAT-PMP mapping admits the first probe: probe it, adopt the source of what arrives");
        }
        if (MappingClass.admitsAnyPort(peer.profile()) || MappingClass.admitsAnyPort(own.profile())) {
            return new PunchPlan(Strategy.DIRECT, mine, theirs, 1,
                    "one side admits any port of an address it has sent to: probe the reported tuple, adopt the source");
        }
        return switch (mine) {
            case FIXED -> switch (theirs) {
                case FIXED -> new PunchPlan(Strategy.DIRECT, mine, theirs, 1,
                        "both mappings endpoint-independent: probe the reported tuples");
                case SEQUENTIAL -> new PunchPlan(Strategy.SWEEP, mine, theirs, 1,
                        "peer sequential, this side fixed: the peer holds one flow, this side sweeps its predicted ports");
                case RANDOM -> new PunchPlan(Strategy.BIRTHDAY_SPRAY, mine, theirs, 1,
                        "peer random behind port-restricted filtering: the peer opens " + config.birthdaySockets()
                                + " flows, this side sprays random ports (birthday)");
            };
            case SEQUENTIAL -> switch (theirs) {
                case FIXED -> new PunchPlan(Strategy.HOLD, mine, theirs, 1,
                        "this side sequential, peer fixed: hold one flow to the peer while it sweeps");
                case SEQUENTIAL -> new PunchPlan(Strategy.CROSSING, mine, theirs,
                        role == PunchRole.CONTROLLING ? 1 : 2,
                        "both sequential: sweeps with strides 1 (caller) and 2 (callee) cross whatever the drift");
                case RANDOM -> infeasible(mine, theirs);
            };
            case RANDOM -> switch (theirs) {
                case FIXED -> new PunchPlan(Strategy.BIRTHDAY_SOCKETS, mine, theirs, 1,
                        "this side random, peer fixed behind port-restricted filtering: open "
                                + config.birthdaySockets() + " flows to it while it sprays (birthday)");
                case SEQUENTIAL, RANDOM -> infeasible(mine, theirs);
            };
        };
    }

    private static PunchPlan infeasible(MappingClass mine, MappingClass theirs) {
        String why = mine == MappingClass.RANDOM && theirs == MappingClass.RANDOM
                ? "both NATs allocate ports at random: neither side can predict the other's port"
                : "a random-allocation NAT against a sequential one: every flow of the sequential side takes a new"
                        + " port, so it can make only one guess per port at the random side's ports";
        return new PunchPlan(Strategy.INFEASIBLE, mine, theirs, 1, "infeasible: " + why);
    }
}
