package net.sippunch.traversal.stun;

/** STUN method numbers used here. */
public final class StunMethod {
    /** RFC 8489 Binding. */
    public static final int BINDING = 0x001;

    private StunMethod() {
    }
}
