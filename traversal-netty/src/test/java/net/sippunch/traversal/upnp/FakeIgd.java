package net.sippunch.traversal.upnp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An IGD in memory: mappings per external port, and switches for the ways real routers misbehave. */
final class FakeIgd implements IgdControl {

    record Held(String client, int internalPort, int leaseSeconds) {
    }

    final Map<Integer, Held> mappings = new LinkedHashMap<>();
    final List<Integer> deleted = new ArrayList<>();
    final List<Integer> leasesAsked = new ArrayList<>();
    final Set<IgdStep> silent = EnumSet.noneOf(IgdStep.class);
    boolean present = true;
    String external = "203.0.113.7";
    boolean onlyPermanentLeases;
    int refuseAddsWith;
    boolean cannotReadBack;
    String readBackClient;
    InetAddress local;

    FakeIgd() throws IOException {
        local = InetAddress.getByName("10.0.1.2");
    }

    @Override
    public Optional<IgdGateway> discover(int timeoutMillis) {
        return present ? Optional.of(new IgdGateway(local, "http://10.0.1.1:5000/rootDesc.xml", "fake IGD"))
                : Optional.empty();
    }

    @Override
    public String externalAddress() {
        return external;
    }

    @Override
    public void addMapping(int externalPort, InetSocketAddress internal, int leaseSeconds, String description)
            throws IgdFault {
        leasesAsked.add(leaseSeconds);
        if (refuseAddsWith != 0) {
            throw new IgdFault(refuseAddsWith, "ActionFailed");
        }
        if (onlyPermanentLeases && leaseSeconds != 0) {
            throw new IgdFault(IgdFault.ONLY_PERMANENT_LEASES_SUPPORTED, "OnlyPermanentLeasesSupported");
        }
        String client = internal.getAddress().getHostAddress();
        Held held = mappings.get(externalPort);
        if (held != null && !held.client().equals(client)) {
            throw new IgdFault(IgdFault.CONFLICT_IN_MAPPING_ENTRY, "ConflictInMappingEntry");
        }
        mappings.put(externalPort, new Held(client, internal.getPort(), leaseSeconds));
    }

    @Override
    public Optional<IgdMappingEntry> readMapping(int externalPort) throws IgdFault {
        if (cannotReadBack) {
            throw new IgdFault(401, "Invalid Action");
        }
        Held held = mappings.get(externalPort);
        if (held == null) {
            return Optional.empty();
        }
        String client = readBackClient != null ? readBackClient : held.client();
        return Optional.of(new IgdMappingEntry(client, held.internalPort(), true, held.leaseSeconds(), "x"));
    }

    @Override
    public void deleteMapping(int externalPort) throws IgdFault {
        deleted.add(externalPort);
        if (mappings.remove(externalPort) == null) {
            throw new IgdFault(IgdFault.NO_SUCH_ENTRY_IN_ARRAY, "NoSuchEntryInArray");
        }
    }
}
