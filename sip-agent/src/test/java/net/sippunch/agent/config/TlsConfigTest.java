package net.sippunch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sippunch.agent.sip.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sip.transport} and {@code sip.tls} keys: values, combinations, and the files they name. */
class TlsConfigTest {

    @Test
    void tlsWithReadableFilesIsBound(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "test");
        TestCa.Issued own = ca.issue("alice", "DNS:alice.example.org");
        AgentConfig c = ConfigLoader.parse("""
                account: {user: alice, domain: example.org, proxy: "sips:127.0.0.1"}
                sip:
                  transport: tls
                  tls: {caFile: %s, certificateFile: %s, keyFile: %s}
                calls: [{target: "sips:bob@example.org"}]
                """.formatted(ca.certificate(), own.certificate(), own.key()), "test");
        assertEquals("tls", c.sip().transport());
        assertEquals(ca.certificate().toString(), c.sip().tls().caFile());
        assertEquals(own.key().toString(), c.sip().tls().keyFile());
        assertEquals("sips:bob@example.org", c.calls().get(0).target());
        AgentConfig plain = ConfigLoader.parse("account: {user: alice, domain: example.org}\n", "test");
        assertEquals("udp", plain.sip().transport());
        assertTrue(!plain.sip().tls().any());
    }

    @Test
    void missingOrWrongFilesAreEachListedWithTheirKey(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "test");
        TestCa.Issued alice = ca.issue("alice", "DNS:alice.example.org");
        TestCa.Issued bob = ca.issue("bob", "DNS:bob.example.org");
        Path notPem = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                sip:
                  transport: tls
                  tls: {caFile: %s, certificateFile: %s, keyFile: %s}
                """.formatted(dir.resolve("no-ca.pem"), notPem, dir.resolve("no-key.pem")), "test"));
        assertEquals(List.of(
                "sip.tls.caFile: " + dir.resolve("no-ca.pem") + ": no such file",
                "sip.tls.certificateFile: " + notPem + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it",
                "sip.tls.keyFile: " + dir.resolve("no-key.pem") + ": no such file"), missing.problems(),
                missing.getMessage());

        ConfigException mismatched = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                sip:
                  transport: tls
                  tls: {certificateFile: %s, keyFile: %s}
                """.formatted(alice.certificate(), bob.key()), "test"));
        assertEquals(List.of("sip.tls.keyFile: " + bob.key() + " is not the key of the certificate in"
                + " sip.tls.certificateFile (" + alice.certificate() + ")"), mismatched.problems());

        Path sec1 = Files.writeString(dir.resolve("sec1.key"),
                "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        ConfigException oldFormat = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                sip: {transport: tls, tls: {certificateFile: %s, keyFile: %s}}
                """.formatted(alice.certificate(), sec1), "test"));
        assertEquals(1, oldFormat.problems().size(), oldFormat.getMessage());
        assertTrue(oldFormat.problems().get(0).startsWith("sip.tls.keyFile: " + sec1 + ": holds an 'EC PRIVATE KEY' block;"
                + " give an unencrypted PKCS#8 key"), oldFormat.getMessage());
    }

    @Test
    void transportAndTlsKeysMustFitTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org, proxy: "sips:proxy.example.org", registrar: "sips:127.0.0.1"}
                sip: {transport: udp, tls: {certificateFile: /etc/hostname}}
                calls: [{target: "sips:bob@example.org"}]
                """, "test"));
        assertEquals(List.of(
                "sip.tls: only used with sip.transport: tls (the transport is udp)",
                "account.proxy: a sips: URI needs sip.transport: tls, the transport is udp",
                "account.registrar: a sips: URI needs sip.transport: tls, the transport is udp",
                "sip.tls.keyFile: missing (sip.tls.certificateFile needs the key of its certificate)",
                "calls[0].target: a sips: URI needs sip.transport: tls, the transport is udp",
                "sip.tls.certificateFile: /etc/hostname: no PEM certificate (-----BEGIN CERTIFICATE-----) in it"),
                e.problems().stream().filter(p -> !p.startsWith("account.proxy: cannot resolve")).toList(),
                e.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                sip: {transport: TLS1, tls: {keyFile: /k.pem, caFile: 7, colour: red}}
                """, "test"));
        assertTrue(unknown.problems().contains("sip.transport: must be one of udp, tcp, tls, is TLS1"),
                unknown.getMessage());
        assertTrue(unknown.problems().contains("sip.tls.certificateFile: missing (sip.tls.keyFile is the key of a"
                + " certificate)"), unknown.getMessage());
        assertTrue(unknown.problems().stream().anyMatch(p -> p.contains("'colour'")), unknown.getMessage());
    }
}
