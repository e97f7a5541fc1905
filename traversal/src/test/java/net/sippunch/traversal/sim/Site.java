package net.sippunch.traversal.sim;

import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.IceCredentials;

/** One site: its client host, its NATs (outermost first), its neighbour, its media port. */
public final class Site {
    private final Scenario.Side side;
    private final Host host;
    private final List<Router> routers;
    private final Neighbour neighbour;
    private final IceCredentials credentials;
    SimulatedMediaPort mediaPort;

    Site(Scenario.Side side, Host host, List<Router> routers, Neighbour neighbour, IceCredentials credentials) {
        this.side = side;
        this.host = host;
        this.routers = List.copyOf(routers);
        this.neighbour = neighbour;
        this.credentials = credentials;
    }

    public Scenario.Side side() {
        return side;
    }

    /** The client host, where discovery and the punch session run. */
    public Host host() {
        return host;
    }

    /** The NATs between the client and the internet, outermost first; empty for an OPEN site. */
    public List<Router> routers() {
        return routers;
    }

    public Optional<Neighbour> neighbour() {
        return Optional.ofNullable(neighbour);
    }

    public IceCredentials credentials() {
        return credentials;
    }

    /** The client's media port and its traversal, from the start of its discovery ({@link Scenario#discover()}). */
    public Optional<SimulatedMediaPort> mediaPort() {
        return Optional.ofNullable(mediaPort);
    }
}
