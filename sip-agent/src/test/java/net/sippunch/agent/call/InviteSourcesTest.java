package net.sippunch.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import net.sippunch.agent.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * Where a registering agent takes INVITEs from: over UDP the proxy's address and port; over TCP and TLS its
 * address from any port (a connection the proxy opens comes from an ephemeral port), the port defaulting to
 * 5061 over TLS.
 */
class InviteSourcesTest {

    private static final InetAddress PROXY = InetAddress.getLoopbackAddress();

    @Test
    void overUdpTheProxysPortCounts() throws Exception {
        InviteSources udp = InviteSources.of(ConfigLoader.parse(
                "account: {user: bob, domain: example.org, proxy: \"sip:127.0.0.1\"}\n", "test"));
        assertTrue(udp.admits(PROXY, 5060));
        assertFalse(udp.admits(PROXY, 40000));
        assertFalse(udp.admits(InetAddress.getByName("127.0.0.2"), 5060));
        assertEquals("127.0.0.1:5060", udp.server());
    }

    @Test
    void overTcpAndTlsTheProxysAddressCountsFromAnyPort() throws Exception {
        InviteSources tls = InviteSources.of(ConfigLoader.parse(
                "account: {user: bob, domain: example.org, proxy: \"sip:127.0.0.1\"}\nsip: {transport: tls}\n", "test"));
        assertTrue(tls.admits(PROXY, 5061));
        assertTrue(tls.admits(PROXY, 40000));
        assertFalse(tls.admits(InetAddress.getByName("127.0.0.2"), 5061));
        assertEquals("127.0.0.1", tls.server());
        InviteSources tcp = InviteSources.of(ConfigLoader.parse(
                "account: {user: bob, domain: example.org, proxy: \"sip:127.0.0.1\"}\nsip: {transport: tcp}\n", "test"));
        assertTrue(tcp.admits(PROXY, 40000));
    }
}
