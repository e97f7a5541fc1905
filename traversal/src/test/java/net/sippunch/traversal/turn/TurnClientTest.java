package net.sippunch.traversal.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TURN client against a scripted server, on a clock the test moves by hand. */
class TurnClientTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final int LOCAL_PORT = 40000;
    private static final InetSocketAddress SERVER = address("198.18.0.30", 3478);
    private static final InetSocketAddress RELAYED = address("198.18.0.30", 49200);
    private static final InetSocketAddress MAPPED = address("198.18.0.5", 61000);
    private static final InetSocketAddress PEER = address("198.18.0.77", 5004);
    private static final TurnCredentials CREDENTIALS = new TurnCredentials("alice", "wonderland");

    private final SplittableRandom random = new SplittableRandom(17);
    private ScriptedTurnServer server;
    private TurnClient client;
    private long now;

    @BeforeEach
    void start() {
        server = new ScriptedTurnServer(SERVER, "sippunch.test", CREDENTIALS, "nonce-1");
        now = 1_000 * S;
        client = new TurnClient(TurnConfig.defaults(SERVER, LOCAL_PORT, CREDENTIALS), random, now);
    }

    @Test
    void allocatesAfterTheUnauthorizedAnswerWithTheLongTermKey() {
        Transmit first = one();
        assertEquals(LOCAL_PORT, first.localPort());
        StunMessage anonymous = server.request(first, StunMethod.ALLOCATE);
        assertEquals(StunAttribute.TRANSPORT_UDP,
                anonymous.attribute(StunAttribute.RequestedTransport.class).orElseThrow().protocol());
        assertEquals(600, anonymous.attribute(StunAttribute.Lifetime.class).orElseThrow().seconds());
        assertTrue(anonymous.attribute(StunAttribute.MessageIntegrity.class).isEmpty());
        assertTrue(anonymous.attribute(StunAttribute.Username.class).isEmpty());

        assertTrue(deliver(server.unauthorized(anonymous)));
        StunMessage signed = server.authenticatedRequest(one(), StunMethod.ALLOCATE);
        assertEquals("alice", signed.attribute(StunAttribute.Username.class).orElseThrow().value());
        assertEquals(StunAttribute.TRANSPORT_UDP,
                signed.attribute(StunAttribute.RequestedTransport.class).orElseThrow().protocol());

        assertTrue(deliver(server.allocated(signed, RELAYED, MAPPED, 600)));
        assertEquals(List.of(new TurnEvent.Allocated(RELAYED, MAPPED, Duration.ofSeconds(600))), events());
        assertEquals(Optional.of(RELAYED), client.relayedAddress());
        assertEquals(2, client.stats().requests());
    }

    @Test
    void aStaleNonceIsAnsweredWithTheNewNonce() {
        StunMessage anonymous = server.request(one(), StunMethod.ALLOCATE);
        deliver(server.unauthorized(anonymous));
        StunMessage signed = server.authenticatedRequest(one(), StunMethod.ALLOCATE);
        assertTrue(deliver(server.staleNonce(signed, "nonce-2")));
        StunMessage again = server.authenticatedRequest(one(), StunMethod.ALLOCATE);
        assertFalse(again.transactionId().equals(signed.transactionId()), "a new transaction");
        assertEquals("nonce-2", again.attribute(StunAttribute.Nonce.class).orElseThrow().value());
        deliver(server.allocated(again, RELAYED, MAPPED, 600));
        assertInstanceOf(TurnEvent.Allocated.class, events().get(0));

        // the same for any request: a CreatePermission meets a stale nonce, then succeeds
        client.createPermission(now, PEER.getAddress());
        StunMessage permission = server.authenticatedRequest(one(), StunMethod.CREATE_PERMISSION);
        deliver(server.staleNonce(permission, "nonce-3"));
        StunMessage permissionAgain = server.authenticatedRequest(one(), StunMethod.CREATE_PERMISSION);
        deliver(server.success(permissionAgain));
        assertEquals(List.of(new TurnEvent.PermissionCreated(PEER.getAddress())), events());
        assertEquals(2, client.stats().staleNonces());
    }

    @Test
    void nonceAfterNonceGoesStaleEndsInAFailure() {
        StunMessage anonymous = server.request(one(), StunMethod.ALLOCATE);
        deliver(server.unauthorized(anonymous));
        for (int i = 0; i <= TurnClient.MAX_STALE_NONCES; i++) {
            deliver(server.staleNonce(server.authenticatedRequest(one(), StunMethod.ALLOCATE), "n" + i));
        }
        TurnEvent.Failed failed = assertInstanceOf(TurnEvent.Failed.class, events().get(0));
        assertEquals(438, failed.code());
        assertTrue(client.finished());
    }

    @Test
    void wrongCredentialsFailWith401() {
        deliver(server.unauthorized(server.request(one(), StunMethod.ALLOCATE)));
        StunMessage signed = server.authenticatedRequest(one(), StunMethod.ALLOCATE);
        deliver(server.error(signed, 401, "Unauthorized", false, new StunAttribute.Realm("sippunch.test"),
                new StunAttribute.Nonce("nonce-1")));
        TurnEvent.Failed failed = assertInstanceOf(TurnEvent.Failed.class, events().get(0));
        assertEquals(401, failed.code());
        assertTrue(failed.reason().contains("refused the credentials of alice"), failed.reason());
        assertEquals(OptionalLong.empty(), client.pollTimeout());
        assertTrue(drain().isEmpty());
    }

    @Test
    void tryAlternateIsAFailureThatNamesTheAlternateServer() {
        InetSocketAddress alternate = address("198.18.0.31", 3478);
        StunMessage anonymous = server.request(one(), StunMethod.ALLOCATE);
        deliver(server.error(anonymous, 300, "Try Alternate", false, new StunAttribute.AlternateServer(alternate)));
        TurnEvent.Failed failed = assertInstanceOf(TurnEvent.Failed.class, events().get(0));
        assertEquals(300, failed.code());
        assertEquals(Optional.of(alternate), failed.alternateServer());
    }

    @Test
    void allocationMismatchAndInsufficientCapacityAreFailures() {
        allocate();
        client.createPermission(now, PEER.getAddress());
        StunMessage permission = server.authenticatedRequest(one(), StunMethod.CREATE_PERMISSION);
        deliver(server.error(permission, 403, "Forbidden", true));
        assertEquals(List.of(new TurnEvent.PermissionFailed(PEER.getAddress(), 403, "403 Forbidden")), events());
        assertFalse(client.finished(), "a refused permission leaves the allocation");

        now = client.pollTimeout().orElseThrow();
        client.handleTimeout(now);
        StunMessage refresh = server.authenticatedRequest(one(), StunMethod.REFRESH);
        deliver(server.error(refresh, 437, "Allocation Mismatch", true));
        TurnEvent.Failed failed = assertInstanceOf(TurnEvent.Failed.class, events().get(0));
        assertEquals(437, failed.code());
        assertTrue(failed.reason().startsWith("Refresh: 437 Allocation Mismatch"), failed.reason());

        start();
        deliver(server.error(server.request(one(), StunMethod.ALLOCATE), 508, "Insufficient Capacity", false));
        assertEquals(508, assertInstanceOf(TurnEvent.Failed.class, events().get(0)).code());
    }

    @Test
    void requestsAreRetransmittedPerRfc8489ThenGivenUp() {
        long start = now;
        List<Long> sentAt = new ArrayList<>();
        sentAt.add(0L);
        byte[] first = one().payload();
        while (!client.finished()) {
            now = client.pollTimeout().orElseThrow();
            client.handleTimeout(now);
            for (Transmit t : drain()) {
                assertArrayEquals(first, t.payload(), "a retransmission is the same request");
                sentAt.add((now - start) / MS);
            }
        }
        assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L), sentAt);
        assertEquals(39_500 * MS, now - start, "Rm = 16 RTOs after the last request");
        TurnEvent.Failed failed = assertInstanceOf(TurnEvent.Failed.class, events().get(0));
        assertEquals(TurnEvent.NO_RESPONSE, failed.code());
        assertEquals(6, client.stats().retransmissions());
    }

    @Test
    void unauthenticatedMalformedAndStrayAnswersAreDroppedAndCounted() {
        deliver(server.unauthorized(server.request(one(), StunMethod.ALLOCATE)));
        StunMessage signed = server.authenticatedRequest(one(), StunMethod.ALLOCATE);

        ScriptedTurnServer impostor = new ScriptedTurnServer(SERVER, "sippunch.test",
                new TurnCredentials("alice", "guessed"), "nonce-1");
        assertFalse(deliver(impostor.allocated(signed, RELAYED, MAPPED, 600)), "wrong key");
        byte[] unsigned = StunCodec.encode(new StunMessage(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE,
                signed.transactionId(), List.of(new StunAttribute.XorRelayedAddress(RELAYED),
                new StunAttribute.XorMappedAddress(MAPPED), new StunAttribute.Lifetime(600))), null, true);
        assertFalse(deliver(unsigned), "no MESSAGE-INTEGRITY");
        assertFalse(deliver(server.success(signed)), "signed, but without the relayed address");
        assertFalse(deliver(new byte[] {0, 1, 0, 0}), "not STUN");
        StunMessage neverSent = new StunMessage(StunClass.REQUEST, StunMethod.ALLOCATE, TransactionId.random(random),
                List.of());
        assertFalse(deliver(server.allocated(neverSent, RELAYED, MAPPED, 600)), "no such transaction");
        assertFalse(client.handleDatagram(now, LOCAL_PORT, address("198.18.0.99", 3478),
                server.allocated(signed, RELAYED, MAPPED, 600)), "not from the server");

        TurnStats stats = client.stats();
        assertEquals(2, stats.unauthenticated());
        assertEquals(2, stats.malformed());
        assertEquals(1, stats.unmatched());
        assertEquals(1, stats.ignored());
        assertTrue(events().isEmpty());
        // the transaction is still open: it is retransmitted, and the genuine answer completes it
        now += 500 * MS;
        client.handleTimeout(now);
        assertArrayEquals(server.authenticatedRequest(one(), StunMethod.ALLOCATE).transactionId().bytes(),
                signed.transactionId().bytes());
        assertTrue(deliver(server.allocated(signed, RELAYED, MAPPED, 600)));
        assertInstanceOf(TurnEvent.Allocated.class, events().get(0));
    }

    @Test
    void theAllocationIsRefreshedAMinuteBeforeItExpires() {
        allocate();
        long allocatedAt = now;
        assertEquals(allocatedAt + 540 * S, client.pollTimeout().orElseThrow());
        now = allocatedAt + 540 * S;
        client.handleTimeout(now);
        StunMessage refresh = server.authenticatedRequest(one(), StunMethod.REFRESH);
        assertEquals(600, refresh.attribute(StunAttribute.Lifetime.class).orElseThrow().seconds());
        deliver(server.success(refresh, new StunAttribute.Lifetime(100)));
        assertEquals(List.of(new TurnEvent.Refreshed(Duration.ofSeconds(100))), events());
        // a short lifetime is refreshed at half of it
        assertEquals(now + 50 * S, client.pollTimeout().orElseThrow());
    }

    @Test
    void releaseSendsARefreshOfLifetimeZero() {
        allocate();
        client.release(now);
        StunMessage release = server.authenticatedRequest(one(), StunMethod.REFRESH);
        assertEquals(0, release.attribute(StunAttribute.Lifetime.class).orElseThrow().seconds());
        deliver(server.success(release, new StunAttribute.Lifetime(0)));
        assertEquals(List.of(new TurnEvent.Released()), events());
        assertTrue(client.finished());
        assertEquals(OptionalLong.empty(), client.pollTimeout());
    }

    @Test
    void nothingGoesToAPeerBeforeItsPermissionExists() {
        assertFalse(client.send(now, PEER, bytes("too early")), "not even allocated");
        client.createPermission(now, PEER.getAddress());
        allocate();
        // the permission asked for before the allocation is requested once allocated
        StunMessage permission = server.authenticatedRequest(one(), StunMethod.CREATE_PERMISSION);
        assertEquals(PEER.getAddress(),
                permission.attribute(StunAttribute.XorPeerAddress.class).orElseThrow().address().getAddress());
        assertFalse(client.send(now, PEER, bytes("still early")), "requested, not yet installed");
        assertTrue(drain().isEmpty());
        assertEquals(2, client.stats().refusedSends());

        deliver(server.success(permission));
        assertEquals(List.of(new TurnEvent.PermissionCreated(PEER.getAddress())), events());
        assertTrue(client.send(now, PEER, bytes("hello")));
        StunMessage send = indication(one(), StunMethod.SEND);
        assertEquals(PEER, send.attribute(StunAttribute.XorPeerAddress.class).orElseThrow().address());
        assertArrayEquals(bytes("hello"), send.attribute(StunAttribute.Data.class).orElseThrow().value());
        assertFalse(client.send(now, address("198.18.0.78", 5004), bytes("other peer")));
    }

    @Test
    void dataIndicationsFromPermittedPeersComeOutAsData() {
        allocate();
        client.createPermission(now, PEER.getAddress());
        deliver(server.success(server.authenticatedRequest(one(), StunMethod.CREATE_PERMISSION)));
        events();
        assertTrue(deliver(server.dataIndication(PEER, bytes("answer"), random)));
        assertEquals(List.of(new TurnEvent.DataReceived(PEER, bytes("answer"), false)), events());
        assertFalse(deliver(server.dataIndication(address("198.18.0.78", 5004), bytes("stranger"), random)));
        assertEquals(1, client.stats().unpermitted());
        assertTrue(events().isEmpty());
    }

    @Test
    void aBoundChannelCarriesDataBothWaysAsChannelData() {
        allocate();
        int channel = client.bindChannel(now, PEER);
        assertEquals(0x4000, channel);
        assertEquals(channel, client.bindChannel(now, PEER), "one channel per peer");
        StunMessage bind = server.authenticatedRequest(one(), StunMethod.CHANNEL_BIND);
        assertEquals(0x4000, bind.attribute(StunAttribute.ChannelNumber.class).orElseThrow().channel());
        assertEquals(PEER, bind.attribute(StunAttribute.XorPeerAddress.class).orElseThrow().address());
        deliver(server.success(bind));
        assertEquals(List.of(new TurnEvent.PermissionCreated(PEER.getAddress()),
                new TurnEvent.ChannelBound(0x4000, PEER)), events());

        assertTrue(client.send(now, PEER, bytes("abc")));
        Transmit out = one();
        assertEquals(SERVER, out.destination());
        assertArrayEquals(new byte[] {0x40, 0x00, 0x00, 0x03, 'a', 'b', 'c'}, out.payload());

        byte[] padded = {0x40, 0x00, 0x00, 0x03, 'x', 'y', 'z', 0};
        assertTrue(deliver(padded));
        assertEquals(List.of(new TurnEvent.DataReceived(PEER, bytes("xyz"), true)), events());
        assertFalse(deliver(new byte[] {0x40, 0x01, 0x00, 0x01, 'q'}), "an unbound channel");
        assertFalse(deliver(new byte[] {0x40, 0x00, 0x00, 0x09, 'q'}), "length overruns the datagram");
        assertEquals(1, client.stats().unpermitted());
        assertEquals(1, client.stats().malformed());
    }

    @Test
    void permissionsAndChannelsAreRefreshedBeforeTheyLapse() {
        allocate();
        long allocatedAt = now;
        client.createPermission(now, PEER.getAddress());
        deliver(server.success(server.authenticatedRequest(one(), StunMethod.CREATE_PERMISSION)));
        InetSocketAddress channelPeer = address("198.18.0.88", 6000);
        client.bindChannel(now, channelPeer);
        deliver(server.success(server.authenticatedRequest(one(), StunMethod.CHANNEL_BIND)));
        events();

        List<String> schedule = new ArrayList<>();
        while (now < allocatedAt + 600 * S) {
            now = client.pollTimeout().orElseThrow();
            client.handleTimeout(now);
            for (Transmit t : drain()) {
                StunMessage m = server.authenticatedRequest(t, methodOf(t));
                String what = switch (m.method()) {
                    case StunMethod.CREATE_PERMISSION -> "permission "
                            + m.attribute(StunAttribute.XorPeerAddress.class).orElseThrow().address().getAddress()
                            .getHostAddress();
                    case StunMethod.CHANNEL_BIND -> "channel "
                            + Integer.toHexString(m.attribute(StunAttribute.ChannelNumber.class).orElseThrow().channel());
                    case StunMethod.REFRESH -> "refresh";
                    default -> "method " + m.method();
                };
                schedule.add((now - allocatedAt) / S + " s " + what);
                deliver(m.method() == StunMethod.REFRESH ? server.success(m, new StunAttribute.Lifetime(600))
                        : server.success(m));
            }
        }
        assertEquals(List.of(
                "240 s permission 198.18.0.77",
                "240 s permission 198.18.0.88",
                "480 s permission 198.18.0.77",
                "480 s permission 198.18.0.88",
                "540 s refresh",
                "540 s channel 4000",
                "720 s permission 198.18.0.77"), schedule.subList(0, 7));
        // refreshes of permissions and channels are silent; the allocation's is reported
        assertEquals(List.of(new TurnEvent.Refreshed(Duration.ofSeconds(600))), events());
        assertTrue(client.send(now, PEER, bytes("still permitted")));
        assertTrue(client.send(now, channelPeer, bytes("still bound")));
        List<Transmit> out = drain();
        assertEquals(StunMethod.SEND, indication(out.get(0), StunMethod.SEND).method());
        assertEquals(0x40, out.get(1).payload()[0], "ChannelData on channel 0x4000");
    }

    @Test
    void aPermissionWhoseRefreshGoesUnansweredIsDropped() {
        allocate();
        client.createPermission(now, PEER.getAddress());
        deliver(server.success(server.authenticatedRequest(one(), StunMethod.CREATE_PERMISSION)));
        events();
        List<TurnEvent> seen = new ArrayList<>();
        while (seen.isEmpty()) {
            now = client.pollTimeout().orElseThrow();
            client.handleTimeout(now);
            for (Transmit t : drain()) {
                StunMessage m = server.authenticatedRequest(t, methodOf(t));
                if (m.method() == StunMethod.REFRESH) {
                    deliver(server.success(m, new StunAttribute.Lifetime(600)));
                }
            }
            events().stream().filter(e -> !(e instanceof TurnEvent.Refreshed)).forEach(seen::add);
        }
        TurnEvent.PermissionFailed failed = assertInstanceOf(TurnEvent.PermissionFailed.class, seen.get(0));
        assertEquals(TurnEvent.NO_RESPONSE, failed.code());
        assertFalse(client.send(now, PEER, bytes("gone")));
    }

    private void allocate() {
        deliver(server.unauthorized(server.request(one(), StunMethod.ALLOCATE)));
        deliver(server.allocated(server.authenticatedRequest(one(), StunMethod.ALLOCATE), RELAYED, MAPPED, 600));
        assertInstanceOf(TurnEvent.Allocated.class, events().get(0));
    }

    private boolean deliver(byte[] datagram) {
        return client.handleDatagram(now, LOCAL_PORT, SERVER, datagram);
    }

    private Transmit one() {
        List<Transmit> all = drain();
        assertEquals(1, all.size(), "one datagram expected: " + all);
        return all.get(0);
    }

    private List<Transmit> drain() {
        List<Transmit> all = new ArrayList<>();
        for (Optional<Transmit> t = client.pollTransmit(); t.isPresent(); t = client.pollTransmit()) {
            all.add(t.get());
        }
        return all;
    }

    private List<TurnEvent> events() {
        List<TurnEvent> all = new ArrayList<>();
        for (Optional<TurnEvent> e = client.pollEvent(); e.isPresent(); e = client.pollEvent()) {
            all.add(e.get());
        }
        return all;
    }

    private static StunMessage indication(Transmit t, int method) {
        StunDecodeResult r = StunCodec.decode(t.payload());
        StunMessage m = assertInstanceOf(StunDecodeResult.Decoded.class, r).message();
        assertEquals(StunClass.INDICATION, m.type());
        assertEquals(method, m.method());
        return m;
    }

    private static int methodOf(Transmit t) {
        return ((StunDecodeResult.Decoded) StunCodec.decode(t.payload())).message().method();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
