package net.sippunch.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.interop.ToneCheck;
import net.sippunch.agent.media.TraversalSummary;
import net.sippunch.agent.media.WavFile;
import net.sippunch.traversal.turn.Coturn;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two agents behind emulated NAT boxes on loopback (the demo's composition), alice (the caller) with a TURN relay:
 * a real coturn. Between two symmetric-random NATs no direct path exists: the punch gives up, alice allocates,
 * offers the relayed address in a re-INVITE, bob's authenticated check reaches her through the relay, and the
 * tones go both ways through it. Between two port-restricted cones the punch settles directly and coturn sees no
 * allocation at all.
 */
class RelayedCallTest {

    private static final String USER = "alice-relay";
    private static final String PASSWORD = "through-the-looking-glass";

    @TempDir
    Path dir;

    @BeforeEach
    void requireCoturn() {
        Coturn.require();
    }

    private static AgentConfig.Turn turn(Coturn server) {
        return new AgentConfig.Turn(List.of(hostPort(server)), null, USER, PASSWORD, null, null, null);
    }

    /** The server as the agent's config names it. */
    private static String hostPort(Coturn server) {
        return "127.0.0.1:" + server.address().getPort();
    }

    @Test
    void noDirectPathBetweenTwoSymmetricRandomNatsSoTheTonesGoThroughTheRelay() throws Exception {
        Path recordings = Files.createDirectories(dir.resolve("rec"));
        StringWriter progress = new StringWriter();
        try (Coturn coturn = Coturn.withUser(dir.resolve("turn"), USER, PASSWORD, "verbose")) {
            LoopbackDemo.Result r = LoopbackDemo.run(Duration.ofSeconds(5), NatPreset.SYMMETRIC_RANDOM,
                    NatPreset.SYMMETRIC_RANDOM, new PrintWriter(progress, true), turn(coturn), recordings, null);
            String why = progress + "\n" + r.caller() + "\n" + r.callee() + "\n" + coturn.log();
            assertNotNull(r.callee(), why);
            assertEquals("completed", r.caller().outcome(), why);
            assertTrue(r.mediaBothWays(), why);
            assertFalse(r.directThroughBothNats(), why);
            assertNull(r.caller().traversal().settledMillis(), "no direct path: " + why);

            TraversalSummary.Relay allocated = r.caller().traversal().relay();
            assertNotNull(allocated, why);
            assertEquals("allocated", allocated.role(), why);
            assertTrue(allocated.relayed(), why);
            assertNull(allocated.failure(), why);
            assertEquals(hostPort(coturn), allocated.server(), why);
            assertTrue(allocated.relayedAddress().startsWith("127.0.0.1:"), why);
            // the peer as coturn saw it: bob's NAT's public address, a port it picked at random
            assertTrue(allocated.peer().startsWith("127.0.0.12:"), why);
            // media went there (the report's remoteMedia is the path as it started: the peer's reported tuple)
            assertEquals(allocated.peer(), r.caller().media().remote(), why);
            assertNotNull(allocated.readyMillis(), why);
            assertNotNull(allocated.sinceMillis(), why);
            assertTrue(allocated.packetsSent() >= r.caller().media().rtpSent(), why);
            assertTrue(allocated.packetsReceived() >= r.caller().media().rtpReceived(), why);

            TraversalSummary.Relay checked = r.callee().traversal().relay();
            assertNotNull(checked, why);
            assertEquals("checked", checked.role(), why);
            assertTrue(checked.relayed(), why);
            assertEquals(allocated.relayedAddress(), checked.relayedAddress(), why);
            assertEquals(allocated.relayedAddress(), r.callee().media().remote(), why);
            assertTrue(coturn.log().contains("ALLOCATE"), coturn.log());

            // alice (440 Hz) hears bob's 1000 Hz and bob hers, all of it through the relay
            ToneCheck.assertTone(WavFile.read(only(recordings, "out-")), 1000, 440);
            ToneCheck.assertTone(WavFile.read(only(recordings, "in-")), 440, 1000);
        }
    }

    @Test
    void aCallThatPunchesDirectlyLeavesTheRelayAlone() throws Exception {
        StringWriter progress = new StringWriter();
        try (Coturn coturn = Coturn.withUser(dir.resolve("turn"), USER, PASSWORD, "verbose")) {
            LoopbackDemo.Result r = LoopbackDemo.run(Duration.ofSeconds(2), NatPreset.PORT_RESTRICTED_CONE,
                    NatPreset.PORT_RESTRICTED_CONE, new PrintWriter(progress, true), turn(coturn), null, null);
            String why = progress + "\n" + r.caller() + "\n" + r.callee() + "\n" + coturn.log();
            assertTrue(r.mediaBothWays(), why);
            assertTrue(r.directThroughBothNats(), why);
            assertNull(r.caller().traversal().relay(), why);
            assertNull(r.callee().traversal().relay(), why);
            // not a single TURN request reached coturn: no allocation, so no byte relayed
            assertFalse(coturn.log().contains("ALLOCATE"), coturn.log());
        }
    }

    /** SDES keys travel in the re-offer's SDP; a DTLS-SRTP handshake crosses the relay itself. */
    @ParameterizedTest
    @ValueSource(strings = {"sdes", "dtls-srtp"})
    void srtpStaysEndToEndThroughTheRelay(String keying) throws Exception {
        Path recordings = Files.createDirectories(dir.resolve("rec"));
        StringWriter progress = new StringWriter();
        try (Coturn coturn = Coturn.withUser(dir.resolve("turn"), USER, PASSWORD, "verbose")) {
            LoopbackDemo.Result r = LoopbackDemo.run(Duration.ofSeconds(4), NatPreset.SYMMETRIC_RANDOM,
                    NatPreset.SYMMETRIC_RANDOM, new PrintWriter(progress, true), turn(coturn), recordings, keying);
            String why = progress + "\n" + r.caller() + "\n" + r.callee() + "\n" + coturn.log();
            assertNotNull(r.callee(), why);
            assertTrue(r.mediaBothWays(), why);
            assertTrue(r.caller().traversal().relay().relayed(), why);
            assertTrue(r.callee().traversal().relay().relayed(), why);
            for (CallReport side : List.of(r.caller(), r.callee())) {
                // both ends keyed, as agreed, and nothing dropped as undecryptable
                assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (" + keying + ")", side.encryption(), why);
                assertTrue(side.media().srtpDropped().values().stream().allMatch(n -> n == 0), why);
            }
            // what each side decrypted is the other's tone
            ToneCheck.assertTone(WavFile.read(only(recordings, "out-")), 1000, 440);
            ToneCheck.assertTone(WavFile.read(only(recordings, "in-")), 440, 1000);
        }
    }

    @Test
    void aRefusedAllocationIsReportedWithItsReason() throws Exception {
        StringWriter progress = new StringWriter();
        try (Coturn coturn = Coturn.withUser(dir.resolve("turn"), USER, PASSWORD, "verbose")) {
            AgentConfig.Turn wrong = new AgentConfig.Turn(List.of(hostPort(coturn)), null, USER, "guessed", null,
                    null, null);
            LoopbackDemo.Result r = LoopbackDemo.run(Duration.ofSeconds(2), NatPreset.SYMMETRIC_RANDOM,
                    NatPreset.SYMMETRIC_RANDOM, new PrintWriter(progress, true), wrong, null, null);
            String why = progress + "\n" + r.caller() + "\n" + r.callee() + "\n" + coturn.log();
            TraversalSummary.Relay relay = r.caller().traversal().relay();
            assertNotNull(relay, why);
            assertFalse(relay.relayed(), why);
            assertNull(relay.relayedAddress(), why);
            assertTrue(relay.failure().startsWith("relay: TURN: ") && relay.failure().contains("401"), why);
            assertNull(r.callee().traversal().relay(), "nothing was offered: " + why);
            assertFalse(r.mediaBothWays(), why);
        }
    }

    /**
     * A random NAT behind one side and a port-restricted cone behind the other: the punch is a birthday one (the
     * random side's extra sockets, the cone side's spray), which may settle after the relay carries media
     * ({@code afterMillis} 0: the relay at once). Either way media must flow both ways for the whole call, on
     * one path both sides agree on, whichever side allocates (the random side, or the cone side), SRTP or not.
     */
    @ParameterizedTest
    @CsvSource({"SYMMETRIC_RANDOM, none", "PORT_RESTRICTED_CONE, dtls-srtp"})
    void aBirthdayPathSettledAfterTheRelayKeepsMediaFlowing(String callerNat, String keying) throws Exception {
        NatPreset caller = NatPreset.valueOf(callerNat);
        NatPreset callee = caller == NatPreset.SYMMETRIC_RANDOM ? NatPreset.PORT_RESTRICTED_CONE
                : NatPreset.SYMMETRIC_RANDOM;
        StringWriter progress = new StringWriter();
        try (Coturn coturn = Coturn.withUser(dir.resolve("turn"), USER, PASSWORD, "verbose")) {
            AgentConfig.Turn atOnce = new AgentConfig.Turn(List.of(hostPort(coturn)), null, USER, PASSWORD, null,
                    null, null, 0);
            LoopbackDemo.Result r = LoopbackDemo.run(Duration.ofSeconds(5), caller, callee,
                    new PrintWriter(progress, true), atOnce, null, "none".equals(keying) ? null : keying);
            String why = progress + "\n" + r.caller() + "\n" + r.callee() + "\n" + coturn.log();
            assertNotNull(r.callee(), why);
            assertTrue(r.mediaBothWays(), why);
            // what each side sent reached the other for the whole call, not only until a move: all of it but what
            // the caller's relay held back before the callee's check proved where to send it
            for (CallReport[] pair : new CallReport[][] {{r.caller(), r.callee()}, {r.callee(), r.caller()}}) {
                TraversalSummary.Relay relay = pair[0].traversal().relay();
                long heldBack = relay != null && "allocated".equals(relay.role()) ? relay.packetsDropped() : 0;
                long sent = pair[0].media().rtpSent() - heldBack;
                long received = pair[1].media().rtpReceived();
                assertTrue(received >= sent * 9 / 10, pair[0].role() + " sent " + sent + " (and " + heldBack
                        + " held back), " + pair[1].role() + " received " + received + ": " + why);
            }
            if (!"none".equals(keying)) {
                for (CallReport side : List.of(r.caller(), r.callee())) {
                    assertEquals("srtp AES_CM_128_HMAC_SHA1_80 (" + keying + ")", side.encryption(), why);
                }
            }
        }
    }

    /**
     * {@code turn.servers} is a list in order of preference: a first server that does not answer is passed over
     * after {@code turn.timeoutMillis}, the next one carries the call, and the report names the one passed over.
     */
    @Test
    void aServerThatDoesNotAnswerIsPassedOverForTheNextOne() throws Exception {
        StringWriter progress = new StringWriter();
        try (Coturn coturn = Coturn.withUser(dir.resolve("turn"), USER, PASSWORD, "verbose");
             DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String dead = "127.0.0.1:" + silent.getLocalPort();
            AgentConfig.Turn two = new AgentConfig.Turn(List.of(dead, hostPort(coturn)), null, USER, PASSWORD, null,
                    null, 1500);
            LoopbackDemo.Result r = LoopbackDemo.run(Duration.ofSeconds(3), NatPreset.SYMMETRIC_RANDOM,
                    NatPreset.SYMMETRIC_RANDOM, new PrintWriter(progress, true), two, null, null);
            String why = progress + "\n" + r.caller() + "\n" + r.callee() + "\n" + coturn.log();
            assertNotNull(r.callee(), why);
            assertTrue(r.mediaBothWays(), why);
            TraversalSummary.Relay relay = r.caller().traversal().relay();
            assertTrue(relay.relayed(), why);
            assertNull(relay.failure(), why);
            assertEquals(hostPort(coturn), relay.server(), why);
            assertEquals(List.of(dead + ": no relayed address within 1500 ms"), relay.passedOver(), why);
            assertTrue(relay.readyMillis() >= 1500, "the first server had its time: " + why);
            assertTrue(r.callee().traversal().relay().relayed(), why);
            // the first server was asked: an Allocate request (a STUN message, type 0x0003) reached it
            DatagramPacket request = new DatagramPacket(new byte[1500], 1500);
            silent.setSoTimeout(1);
            silent.receive(request);
            assertEquals(0x0003, ((request.getData()[0] & 0xff) << 8) | (request.getData()[1] & 0xff), why);
        }
    }

    private static Path only(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            assertEquals(1, found.size(), "recordings " + found);
            return found.get(0);
        }
    }
}
