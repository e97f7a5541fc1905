package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import net.sippunch.agent.pki.PemFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server certificate's names against the host the agent meant (RFC 5922 section 7.1). */
class ServerIdentityTest {

    @Test
    void namesAndAddressesMatchAsTheirKindSays(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "test");
        X509Certificate sans = cert(ca.issue("proxy", "DNS:Sip.Example.org", "DNS:*.edge.example.org",
                "IP:192.0.2.7", "IP:2001:db8::7", "URI:sip:registrar.example.org"));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(sans, "sip.example.ORG"));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(sans, "sip.example.org."));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(sans, "a.edge.example.org"));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(sans, "192.0.2.7"));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(sans, "2001:db8:0:0:0:0:0:7"));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(sans, "[2001:db8::7]"));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(sans, "registrar.example.org"));
        // a wildcard stands for exactly one label
        assertTrue(ServerIdentity.mismatch(sans, "a.b.edge.example.org").isPresent());
        assertTrue(ServerIdentity.mismatch(sans, "edge.example.org").isPresent());
        // an address is never matched by a name, nor a name by the address it resolves to
        assertTrue(ServerIdentity.mismatch(sans, "192.0.2.8").isPresent());
        assertEquals("it names Sip.Example.org, *.edge.example.org, 192.0.2.7, 2001:db8:0:0:0:0:0:7,"
                        + " sip:registrar.example.org, not 192.0.2.8",
                ServerIdentity.mismatch(sans, "192.0.2.8").orElseThrow());
        assertTrue(ServerIdentity.mismatch(sans, "proxy").isPresent()); // the CN does not count beside SANs
    }

    @Test
    void theCommonNameCountsOnlyWithoutSubjectAltNames(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "test");
        X509Certificate cnOnly = cert(ca.issue("sip.example.org"));
        assertEquals(Optional.empty(), ServerIdentity.mismatch(cnOnly, "sip.example.org"));
        String why = ServerIdentity.mismatch(cnOnly, "127.0.0.1").orElseThrow();
        assertEquals("it names sip.example.org, not 127.0.0.1 (an IP address must be an IP subjectAltName)", why);
        assertFalse(ServerIdentity.dnsMatches("*", "localhost"));
        assertFalse(ServerIdentity.dnsMatches("*.org", "example.org"));
    }

    private static X509Certificate cert(TestCa.Issued issued) throws Exception {
        return PemFiles.certificates(issued.certificate()).get(0);
    }
}
