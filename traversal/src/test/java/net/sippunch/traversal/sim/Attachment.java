package net.sippunch.traversal.sim;

import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import net.sippunch.traversal.DatagramSession;

/** A session running on a {@link Host}: the ports it owns, and how to stop driving it. */
public final class Attachment {

    private final Host host;
    private final DatagramSession session;
    final NavigableSet<Integer> ports = new TreeSet<>();
    private boolean detached;

    Attachment(Host host, DatagramSession session) {
        this.host = host;
        this.session = session;
    }

    public Host host() {
        return host;
    }

    public DatagramSession session() {
        return session;
    }

    /** The local ports the session owns, ascending. */
    public Set<Integer> ports() {
        return Set.copyOf(ports);
    }

    /**
     * Binds {@code count} more ports for the session (birthday sockets): the lowest free ones above the ports
     * it owns, in order.
     */
    public List<Integer> bindMore(int count) {
        return host.bindFree(this, count);
    }

    public boolean detached() {
        return detached;
    }

    /** Stops driving the session and frees its ports (like closing its sockets); pending transmits are discarded. */
    public void detach() {
        if (!detached) {
            detached = true;
            host.release(this);
            host.network.detached(this);
        }
    }
}
