package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS sockets of a stack against a TLS server on loopback: TLS 1.3, or 1.2 with a server that speaks no
 * more; the client certificate shown when the server asks; the server's names checked against the host the
 * stack meant (the name it looked up, or the literal).
 */
class TlsNetworkLayerTest {

    @Test
    void negotiatesTls13OrTls12AndShowsItsCertificateWhenAsked(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "test");
        TestCa.Issued server = ca.issue("proxy", "IP:127.0.0.1");
        TestCa.Issued client = ca.issue("alice", "DNS:alice.example.org");
        TlsNetworkLayer layer = new TlsNetworkLayer(
                new TlsSettings(ca.certificate(), client.certificate(), client.key()).context());
        TlsNetworkLayer serverLayer = new TlsNetworkLayer(
                new TlsSettings(ca.certificate(), server.certificate(), server.key()).context());

        assertEquals("TLSv1.3 CN=alice", handshake(layer, serverLayer, InetAddress.getByName("127.0.0.1"), "TLSv1.3"));
        assertEquals("TLSv1.2 CN=alice", handshake(layer, serverLayer, InetAddress.getByName("127.0.0.1"), "TLSv1.2"));
    }

    @Test
    void theServerMustBeNamedAsTheStackMeantIt(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "test");
        TestCa.Issued byName = ca.issue("proxy", "DNS:localhost");
        TestCa.Issued client = ca.issue("alice", "DNS:alice.example.org");
        TlsNetworkLayer layer = new TlsNetworkLayer(new TlsSettings(ca.certificate(), null, null).context());
        TlsNetworkLayer serverLayer = new TlsNetworkLayer(
                new TlsSettings(ca.certificate(), byName.certificate(), byName.key()).context());
        InetAddress named = InetAddress.getByName("localhost");
        assertEquals("localhost", TlsNetworkLayer.hostOf(named));
        assertEquals("127.0.0.1", TlsNetworkLayer.hostOf(InetAddress.getByName("127.0.0.1")));
        assertEquals("TLSv1.3 none", handshake(layer, serverLayer, named, "TLSv1.3"));
        IOException literal = assertThrows(SSLHandshakeException.class,
                () -> handshake(layer, serverLayer, InetAddress.getByName("127.0.0.1"), "TLSv1.3"));
        assertTrue(literal.getMessage().contains("does not match the host: it names localhost, not 127.0.0.1"),
                literal.getMessage());
        // without a CA file the JDK's trust store decides, and it does not know the test's CA
        TlsNetworkLayer jdkTrust = new TlsNetworkLayer(new TlsSettings(null, client.certificate(), client.key())
                .context());
        IOException untrusted = assertThrows(SSLHandshakeException.class,
                () -> handshake(jdkTrust, serverLayer, named, "TLSv1.3"));
        assertTrue(untrusted.getMessage().contains("is not signed by a CA of the JDK's trust store"),
                untrusted.getMessage());
    }

    /** One handshake; "protocol client-subject-CN" as the server saw it ("none" without a client certificate). */
    private static String handshake(TlsNetworkLayer client, TlsNetworkLayer server, InetAddress target,
                                    String serverProtocol) throws Exception {
        try (SSLServerSocket listener = server.createSSLServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setEnabledProtocols(new String[] {serverProtocol});
            listener.setWantClientAuth(true);
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    var session = s.getSession();
                    String who;
                    try {
                        who = ((java.security.cert.X509Certificate) session.getPeerCertificates()[0])
                                .getSubjectX500Principal().getName();
                    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                        who = "none";
                    }
                    s.getInputStream().read(); // until the client closes
                    return session.getProtocol() + " " + who;
                } catch (IOException e) {
                    return "server: " + e.getMessage();
                }
            });
            try (SSLSocket socket = client.createSSLSocket(target, listener.getLocalPort(), null)) {
                socket.setEnabledProtocols(TlsSettings.PROTOCOLS.toArray(String[]::new));
                socket.startHandshake();
            }
            return seen.get(10, TimeUnit.SECONDS);
        }
    }
}
