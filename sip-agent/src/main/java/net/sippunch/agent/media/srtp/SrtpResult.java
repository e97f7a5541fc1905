package net.sippunch.agent.media.srtp;

/** What protecting or unprotecting a packet gave: the packet, or why there is none. */
public sealed interface SrtpResult {

    /** The protected or plain packet. */
    record Packet(byte[] bytes) implements SrtpResult {
    }

    /** No packet, and why. */
    record Dropped(DropReason reason) implements SrtpResult {
    }

    /** The packet's bytes; throws when it was dropped (for callers that checked {@link #ok()}). */
    default byte[] bytes() {
        if (this instanceof Packet p) {
            return p.bytes;
        }
        throw new IllegalStateException("dropped: " + ((Dropped) this).reason());
    }

    default boolean ok() {
        return this instanceof Packet;
    }
}
