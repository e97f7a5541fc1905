package net.sippunch.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.ConfigLoader;
import net.sippunch.agent.media.TurnRelay;
import net.sippunch.traversal.turn.TurnCredentials;
import org.junit.jupiter.api.Test;

/** What {@code turn:} becomes for the calls: the server, the credentials of each allocation, the cap. */
class RelaySettingsTest {

    private static final String BASE = "account: {user: alice, domain: example.org}\n"
            + "discovery: {servers: [\"198.18.0.21:3478\"]}\n";

    @Test
    void longTermCredentialsAreTheConfiguredOnes() throws Exception {
        AgentConfig c = ConfigLoader.parse(BASE + "turn: {servers: [\"198.18.0.30:3480\", \"198.18.0.40:3478\"], "
                + "username: relay, password: s3cret, timeoutMillis: 1500, afterMillis: 2500}\n", "test");
        TurnRelay.Settings s = UserAgent.relaySettings(c);
        assertEquals(List.of(new InetSocketAddress("198.18.0.30", 3480), new InetSocketAddress("198.18.0.40", 3478)),
                s.servers(), "every server, in their order");
        assertEquals(new TurnCredentials("relay", "s3cret"), s.credentials().get());
        assertEquals(Duration.ofMillis(1500), s.timeout());
        assertEquals(Duration.ofMillis(2500), s.after());
    }

    @Test
    void aSharedSecretGivesTimeLimitedCredentialsMadeForEachAllocation() throws Exception {
        AgentConfig c = ConfigLoader.parse(BASE + "turn: {servers: [\"198.18.0.30:3480\"], secret: north, "
                + "credentialSeconds: 600}\n", "test");
        long before = System.currentTimeMillis() / 1000;
        TurnCredentials made = UserAgent.relaySettings(c).credentials().get();
        long after = System.currentTimeMillis() / 1000;
        String[] name = made.username().split(":");
        assertEquals("alice", name[1], "the account's user when turn.username is left out");
        long expiry = Long.parseLong(name[0]);
        assertTrue(expiry >= before + 600 && expiry <= after + 600, made.username());
        assertEquals(TurnCredentials.timeLimited("north", "alice", expiry), made);

        AgentConfig named = ConfigLoader.parse(BASE + "turn: {servers: [\"198.18.0.30:3480\"], secret: north, "
                + "username: carol}\n", "test");
        assertTrue(UserAgent.relaySettings(named).credentials().get().username().endsWith(":carol"));
    }
}
