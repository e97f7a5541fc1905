package net.sippunch.traversal.stun;

/** STUN method numbers used here. */
public final class StunMethod {
    /** RFC 8489 Binding. */
    public static final int BINDING = 0x001;
    /** RFC 8656 Allocate (requests and responses). */
    public static final int ALLOCATE = 0x003;
    /** RFC 8656 Refresh (requests and responses). */
    public static final int REFRESH = 0x004;
    /** RFC 8656 Send (indications only). */
    public static final int SEND = 0x006;
    /** RFC 8656 Data (indications only). */
    public static final int DATA = 0x007;
    /** RFC 8656 CreatePermission (requests and responses). */
    public static final int CREATE_PERMISSION = 0x008;
    /** RFC 8656 ChannelBind (requests and responses). */
    public static final int CHANNEL_BIND = 0x009;

    private StunMethod() {
    }
}
