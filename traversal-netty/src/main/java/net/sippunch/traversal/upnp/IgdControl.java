package net.sippunch.traversal.upnp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The blocking UPnP IGD operations, UDP mappings only. Implementations may block for as long as the
 * network makes them: callers run them on an {@link IgdExecutor}, never on an event loop. Operations
 * after {@link #discover} act on the gateway it found; they are called one at a time.
 */
public interface IgdControl {

    /**
     * Searches the LAN (SSDP) for an IGD with a WANIPConnection or WANPPPConnection service.
     *
     * @param timeoutMillis how long to wait for answers
     * @return the first connected gateway, or empty when none answered
     * @throws IOException on a socket or description failure
     */
    Optional<IgdGateway> discover(int timeoutMillis) throws IOException;

    /** GetExternalIPAddress: the address as text, exactly as the IGD reported it. */
    String externalAddress() throws IOException, IgdFault;

    /**
     * AddPortMapping for UDP, any remote host.
     *
     * @param externalPort the external port asked for
     * @param internal     the internal client address and port
     * @param leaseSeconds the lease, 0 for permanent
     * @param description  what the router shows for the mapping
     */
    void addMapping(int externalPort, InetSocketAddress internal, int leaseSeconds, String description)
            throws IOException, IgdFault;

    /** GetSpecificPortMappingEntry for UDP; empty when the IGD has none on that port (error 714). */
    Optional<IgdMappingEntry> readMapping(int externalPort) throws IOException, IgdFault;

    /** DeletePortMapping for UDP. */
    void deleteMapping(int externalPort) throws IOException, IgdFault;
}
