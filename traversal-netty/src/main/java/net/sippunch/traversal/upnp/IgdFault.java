package net.sippunch.traversal.upnp;

/**
 * A UPnP error an IGD answered with (a SOAP fault carrying a UPnPError), e.g. 718
 * ConflictInMappingEntry, 725 OnlyPermanentLeasesSupported, 501 ActionFailed.
 */
public final class IgdFault extends Exception {

    /** Another client already holds the external port. */
    public static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    /** The IGD only takes leases of 0 (permanent). */
    public static final int ONLY_PERMANENT_LEASES_SUPPORTED = 725;
    /** The IGD has no such mapping. */
    public static final int NO_SUCH_ENTRY_IN_ARRAY = 714;
    /** The action failed (miniupnpd: e.g. port forwarding disabled, reserved WAN address). */
    public static final int ACTION_FAILED = 501;

    private final int code;
    private final String description;

    /**
     * @param code        the UPnP error code
     * @param description the IGD's error description, or empty
     */
    public IgdFault(int code, String description) {
        super("UPnP error " + code + (description.isEmpty() ? "" : " " + description));
        this.code = code;
        this.description = description;
    }

    /** The UPnP error code. */
    public int code() {
        return code;
    }

    /** The IGD's error description, possibly empty. */
    public String description() {
        return description;
    }
}
