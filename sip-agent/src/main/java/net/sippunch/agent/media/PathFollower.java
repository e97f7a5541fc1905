package net.sippunch.agent.media;

import java.net.InetSocketAddress;

/**
 * What moved a call's media path, or lost it, held until a {@link MediaNegotiation.PathWatch} comes and then told to
 * it at once, and everything after as it happens. Only touched on the media port's loop.
 */
final class PathFollower implements MediaNegotiation.PathWatch {

    private MediaNegotiation.PathWatch watch;
    private int movedFrom;
    private InetSocketAddress movedTo;
    private String lostBecause;

    /** From now on {@code next} follows the path; it is told at once where the path moved and why it was lost. */
    void follow(MediaNegotiation.PathWatch next) {
        watch = next;
        if (movedTo != null) {
            next.moved(movedFrom, movedTo);
        }
        if (lostBecause != null) {
            next.lost(lostBecause);
        }
    }

    @Override
    public void moved(int localPort, InetSocketAddress to) {
        movedFrom = localPort;
        movedTo = to;
        if (watch != null) {
            watch.moved(localPort, to);
        }
    }

    @Override
    public void lost(String reason) {
        lostBecause = reason;
        if (watch != null) {
            watch.lost(reason);
        }
    }
}
