package net.sippunch.traversal.sim;

import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.discovery.DiscoveryOutcome;

/** One site: its client host, its NATs (outermost first), its neighbour, its discovery. */
public final class Site {
    private final Scenario.Side side;
    private final Host host;
    private final List<Router> routers;
    private final Neighbour neighbour;
    private final IceCredentials credentials;
    DiscoveryOutcome discovery;

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

    /** The discovery outcome, once {@link Scenario#discover()} has run. */
    public Optional<DiscoveryOutcome> discovery() {
        return Optional.ofNullable(discovery);
    }
}
