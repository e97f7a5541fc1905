package net.sippunch.traversal.upnp;

/** The steps of the mapping procedure, as named in events and reports. */
public enum IgdStep {
    /** SSDP search for the IGD. */
    DISCOVER,
    /** GetExternalIPAddress. */
    EXTERNAL_ADDRESS,
    /** The first AddPortMapping (and its retries on other ports). */
    ADD,
    /** GetSpecificPortMappingEntry after the add. */
    READ_BACK,
    /** AddPortMapping again to refresh the lease. */
    RENEW,
    /** DeletePortMapping. */
    DELETE
}
