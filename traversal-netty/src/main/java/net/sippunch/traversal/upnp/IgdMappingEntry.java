package net.sippunch.traversal.upnp;

import java.util.Objects;

/**
 * A port mapping as the IGD reports it (GetSpecificPortMappingEntry).
 *
 * @param internalClient the internal client address, as text
 * @param internalPort   the internal port
 * @param enabled        whether the mapping is enabled
 * @param leaseSeconds   the remaining lease in seconds, 0 for permanent, -1 when the IGD did not say
 * @param description    the description the mapping was added with
 */
public record IgdMappingEntry(String internalClient, int internalPort, boolean enabled, int leaseSeconds,
                              String description) {
    public IgdMappingEntry {
        Objects.requireNonNull(internalClient, "internalClient");
        Objects.requireNonNull(description, "description");
    }
}
