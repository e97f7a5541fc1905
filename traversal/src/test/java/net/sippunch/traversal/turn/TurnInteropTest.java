package net.sippunch.traversal.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our TURN client against a real coturn on loopback: allocation, a permission, data to a peer through the
 * relay by Send indication and back by Data indication, then by ChannelData both ways after ChannelBind,
 * a refresh and the release; with long-term and with time-limited (TURN REST API) credentials.
 */
class TurnInteropTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @BeforeEach
    void requireCoturn() {
        Coturn.require();
    }

    @Test
    void relaysThroughCoturnWithLongTermCredentials() throws Exception {
        try (Coturn coturn = Coturn.withUser(dir, "alice", "wonderland")) {
            relayBothWays(coturn, new TurnCredentials("alice", "wonderland"), UnaryOperator.identity());
        }
    }

    @Test
    void relaysThroughCoturnWithTimeLimitedCredentials() throws Exception {
        try (Coturn coturn = Coturn.withAuthSecret(dir, "north-secret")) {
            long inAnHour = System.currentTimeMillis() / 1000 + 3600;
            relayBothWays(coturn, TurnCredentials.timeLimited("north-secret", "alice", inAnHour),
                    UnaryOperator.identity());
        }
    }

    @Test
    void coturnRefusesAWrongPassword() throws Exception {
        try (Coturn coturn = Coturn.withUser(dir, "alice", "wonderland");
             SocketDriver driver = new SocketDriver(coturn.address(), new TurnCredentials("alice", "guessed"),
                     UnaryOperator.identity())) {
            TurnEvent.Failed failed = driver.await(TurnEvent.Failed.class, WITHIN);
            assertEquals(401, failed.code(), failed.toString());
            assertTrue(failed.reason().contains("refused the credentials"), failed.reason());
        }
    }

    @Test
    void coturnRefusesExpiredTimeLimitedCredentials() throws Exception {
        long aMinuteAgo = System.currentTimeMillis() / 1000 - 60;
        try (Coturn coturn = Coturn.withAuthSecret(dir, "north-secret");
             SocketDriver driver = new SocketDriver(coturn.address(),
                     TurnCredentials.timeLimited("north-secret", "alice", aMinuteAgo), UnaryOperator.identity())) {
            TurnEvent.Failed failed = driver.await(TurnEvent.Failed.class, WITHIN);
            assertEquals(401, failed.code(), failed.toString());
        }
    }

    @Test
    void refreshesWhatCoturnGrantsForAShortTimeThroughAStaleNonce() throws Exception {
        try (Coturn coturn = Coturn.withUser(dir, "alice", "wonderland", "max-allocate-lifetime=4",
                "stale-nonce=1");
             SocketDriver driver = new SocketDriver(coturn.address(), new TurnCredentials("alice", "wonderland"),
                     UnaryOperator.identity())) {
            TurnEvent.Allocated allocated = driver.await(TurnEvent.Allocated.class, WITHIN);
            assertEquals(Duration.ofSeconds(4), allocated.lifetime(), "coturn caps the 600 s asked for");
            // refreshed at half the lifetime, about 2 s from now, when the nonce of 1 s has gone stale: 438 first
            assertEquals(Duration.ofSeconds(4), driver.await(TurnEvent.Refreshed.class, WITHIN).lifetime());
            driver.client().release(driver.now());
            driver.await(TurnEvent.Released.class, WITHIN);
            TurnStats stats = driver.client().stats();
            assertTrue(stats.staleNonces() >= 1, "coturn answered 438 (stale nonce): " + stats);
        }
    }

    private void relayBothWays(Coturn coturn, TurnCredentials credentials, UnaryOperator<TurnConfig> tweak)
            throws IOException {
        try (SocketDriver driver = new SocketDriver(coturn.address(), credentials, tweak);
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            peer.setSoTimeout((int) WITHIN.toMillis());
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

            TurnEvent.Allocated allocated = driver.await(TurnEvent.Allocated.class, WITHIN);
            InetSocketAddress relayed = allocated.relayed();
            assertTrue(coturn.relayPort(relayed.getPort()), "relayed port in coturn's range: " + relayed);
            assertEquals(driver.localAddress(), allocated.mapped(), "no NAT on loopback");
            assertTrue(allocated.lifetime().toSeconds() > 0);

            // nothing goes to the peer before coturn confirmed its permission
            assertFalse(driver.client().send(driver.now(), peerAddress, bytes("too early")));
            driver.client().createPermission(driver.now(), peerAddress.getAddress());
            driver.await(TurnEvent.PermissionCreated.class, WITHIN);

            driver.send(peerAddress, bytes("hello by Send indication"));
            assertReceived(peer, relayed, "hello by Send indication");
            answer(peer, relayed, "answer by Data indication");
            TurnEvent.DataReceived data = driver.await(TurnEvent.DataReceived.class, WITHIN);
            assertEquals(peerAddress, data.peer());
            assertFalse(data.viaChannel());
            assertArrayEquals(bytes("answer by Data indication"), data.data());

            int channel = driver.client().bindChannel(driver.now(), peerAddress);
            TurnEvent.ChannelBound bound = driver.await(TurnEvent.ChannelBound.class, WITHIN);
            assertEquals(channel, bound.channel());
            driver.send(peerAddress, bytes("hello by ChannelData"));
            assertReceived(peer, relayed, "hello by ChannelData");
            answer(peer, relayed, "answer by ChannelData");
            data = driver.await(TurnEvent.DataReceived.class, WITHIN);
            assertTrue(data.viaChannel());
            assertEquals(peerAddress, data.peer());
            assertArrayEquals(bytes("answer by ChannelData"), data.data());

            driver.client().release(driver.now());
            driver.await(TurnEvent.Released.class, WITHIN);
            TurnStats stats = driver.client().stats();
            assertEquals(0, stats.unauthenticated(), stats.toString());
            assertEquals(0, stats.malformed(), stats.toString());
            assertEquals(2, stats.dataReceived(), stats.toString());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ncoturn's log:\n" + coturn.log(), e);
        }
    }

    private static void assertReceived(DatagramSocket peer, InetSocketAddress relayed, String text)
            throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        peer.receive(packet);
        assertEquals(relayed, packet.getSocketAddress(), "the peer hears from the relayed address");
        assertArrayEquals(bytes(text), Arrays.copyOf(packet.getData(), packet.getLength()));
    }

    private static void answer(DatagramSocket peer, InetSocketAddress relayed, String text) throws IOException {
        byte[] b = bytes(text);
        peer.send(new DatagramPacket(b, b.length, relayed));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
