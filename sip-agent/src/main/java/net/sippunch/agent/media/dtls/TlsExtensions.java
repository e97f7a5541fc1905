package net.sippunch.agent.media.dtls;

import java.util.Hashtable;

/** Bouncy Castle's extension tables, which may come back null or shared. */
final class TlsExtensions {

    private TlsExtensions() {
    }

    /** A table of our own to add to: a copy of {@code extensions}, or an empty one. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static Hashtable copy(Hashtable extensions) {
        return extensions == null ? new Hashtable() : new Hashtable(extensions);
    }
}
