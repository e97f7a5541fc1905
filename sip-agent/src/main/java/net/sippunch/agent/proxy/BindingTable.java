package net.sippunch.agent.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registrar's location service in memory: address-of-record to contacts, each with its expiry.
 * Time is an argument ({@code nowNanos}); lapsed bindings are dropped when they are next looked at.
 */
public final class BindingTable {

    private final Map<String, Map<String, Binding>> byAor = new HashMap<>();

    /** Adds or refreshes a binding for {@code expiresSeconds} (must be positive). */
    public synchronized Binding put(String aor, String contact, int expiresSeconds, long nowNanos) {
        if (expiresSeconds <= 0) {
            throw new IllegalArgumentException("expiresSeconds must be positive, is " + expiresSeconds);
        }
        Binding b = new Binding(aor, contact, nowNanos + expiresSeconds * 1_000_000_000L);
        byAor.computeIfAbsent(aor, k -> new LinkedHashMap<>()).put(contact, b);
        return b;
    }

    /** Removes one contact of an address-of-record; true when it was there. */
    public synchronized boolean remove(String aor, String contact) {
        Map<String, Binding> contacts = byAor.get(aor);
        if (contacts == null || contacts.remove(contact) == null) {
            return false;
        }
        if (contacts.isEmpty()) {
            byAor.remove(aor);
        }
        return true;
    }

    /** Removes every contact of an address-of-record (a {@code Contact: *} with {@code Expires: 0}). */
    public synchronized void removeAll(String aor) {
        byAor.remove(aor);
    }

    /** The live bindings of an address-of-record, oldest first; lapsed ones are dropped. */
    public synchronized List<Binding> lookup(String aor, long nowNanos) {
        Map<String, Binding> contacts = byAor.get(aor);
        if (contacts == null) {
            return List.of();
        }
        contacts.values().removeIf(b -> b.expiresAtNanos() - nowNanos <= 0);
        if (contacts.isEmpty()) {
            byAor.remove(aor);
            return List.of();
        }
        return List.copyOf(new ArrayList<>(contacts.values()));
    }

    /** Live bindings over all addresses-of-record. */
    public synchronized int size(long nowNanos) {
        int n = 0;
        for (String aor : List.copyOf(byAor.keySet())) {
            n += lookup(aor, nowNanos).size();
        }
        return n;
    }
}
