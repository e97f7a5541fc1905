package net.sippunch.agent.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The location service on a virtual clock: expiry, refresh, removal, several contacts per address-of-record. */
class BindingTableTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void bindingLapsesAtItsExpiryAndARefreshMovesIt() {
        BindingTable t = new BindingTable();
        t.put("bob@d", "sip:bob@127.0.0.1:5070", 60, 0);
        assertEquals(60, t.lookup("bob@d", 0).get(0).remainingSeconds(0));
        assertEquals(1, t.lookup("bob@d", 59 * SECOND).size());
        assertEquals(List.of(), t.lookup("bob@d", 60 * SECOND), "lapsed at exactly its expiry");

        t.put("bob@d", "sip:bob@127.0.0.1:5070", 60, 0);
        t.put("bob@d", "sip:bob@127.0.0.1:5070", 60, 50 * SECOND);
        assertEquals(1, t.lookup("bob@d", 100 * SECOND).size(), "refreshed at 50 s");
        assertEquals(10, t.lookup("bob@d", 100 * SECOND).get(0).remainingSeconds(100 * SECOND));
    }

    @Test
    void contactsOfOneAorAreKeptApartAndRemovedOneByOneOrAll() {
        BindingTable t = new BindingTable();
        t.put("bob@d", "sip:bob@a", 60, 0);
        t.put("bob@d", "sip:bob@b", 30, 0);
        t.put("alice@d", "sip:alice@c", 60, 0);
        assertEquals(3, t.size(0));
        assertEquals(List.of("sip:bob@a", "sip:bob@b"), t.lookup("bob@d", 0).stream().map(Binding::contact).toList());
        assertEquals(List.of("sip:bob@a"), t.lookup("bob@d", 40 * SECOND).stream().map(Binding::contact).toList());

        assertTrue(t.remove("bob@d", "sip:bob@a"));
        assertFalse(t.remove("bob@d", "sip:bob@a"));
        assertEquals(List.of(), t.lookup("bob@d", 0));
        t.removeAll("alice@d");
        assertEquals(0, t.size(0));
    }

    @Test
    void nonPositiveExpiryIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> new BindingTable().put("a@d", "sip:a@h", 0, 0));
    }
}
