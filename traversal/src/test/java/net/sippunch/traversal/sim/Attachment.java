package net.sippunch.traversal.sim;

import java.util.Set;
import java.util.TreeSet;
import net.sippunch.traversal.DatagramSession;

/** A session running on a {@link Host}: the ports it owns, and how to stop driving it. */
public final class Attachment {

    private final Host host;
    private final DatagramSession session;
    final Set<Integer> ports = new TreeSet<>();
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
