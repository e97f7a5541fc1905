package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.Transmit;
import org.junit.jupiter.api.Test;

class RelayCheckTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress RELAYED = new InetSocketAddress("198.18.0.30", 49160);
    /** The checking side as the allocating side's TURN server sees it. */
    private static final InetSocketAddress SEEN = new InetSocketAddress("198.18.0.2", 61001);
    private static final int MEDIA_PORT = 40000;

    private final SplittableRandom random = new SplittableRandom(7);
    private final IceCredentials allocating = IceCredentials.random(random);
    private final IceCredentials checking = IceCredentials.random(random);

    private RelayCheck check(long now) {
        return new RelayCheck(checking, allocating, PunchRole.CONTROLLED, MEDIA_PORT, RELAYED, 200 * MS, 3, random,
                now);
    }

    private RelayCheck.Responder responder() {
        return new RelayCheck.Responder(allocating, checking, PunchRole.CONTROLLING, random);
    }

    @Test
    void anAnsweredCheckProvesThePath() {
        RelayCheck check = check(0);
        Transmit first = check.pollTransmit().orElseThrow();
        assertEquals(MEDIA_PORT, first.localPort());
        assertEquals(RELAYED, first.destination());
        RelayCheck.Responder.Verdict verdict = responder().read(SEEN, first.payload());
        byte[] answer = assertInstanceOf(RelayCheck.Responder.Verdict.Check.class, verdict).answer();
        assertTrue(check.handleDatagram(10 * MS, MEDIA_PORT, RELAYED, answer));
        assertEquals(Optional.of(RelayCheck.Outcome.ANSWERED), check.outcome());
        assertEquals(Optional.of(SEEN), check.seenAs());
        assertEquals(OptionalLong.empty(), check.pollTimeout(), "no more checks once answered");
    }

    @Test
    void checksRepeatAtTheIntervalThenFail() {
        RelayCheck check = check(0);
        check.pollTransmit().orElseThrow();
        assertEquals(OptionalLong.of(200 * MS), check.pollTimeout());
        check.handleTimeout(200 * MS);
        check.pollTransmit().orElseThrow();
        check.handleTimeout(400 * MS);
        check.pollTransmit().orElseThrow();
        assertEquals(3, check.checksSent());
        check.handleTimeout(600 * MS);
        assertEquals(Optional.of(RelayCheck.Outcome.UNANSWERED), check.outcome());
        assertEquals(Optional.empty(), check.pollTransmit());
        assertEquals(OptionalLong.empty(), check.pollTimeout());
    }

    @Test
    void answersFromElsewhereOrForgedOrUnmatchedProveNothing() {
        RelayCheck check = check(0);
        byte[] probe = check.pollTransmit().orElseThrow().payload();
        byte[] answer = ((RelayCheck.Responder.Verdict.Check) responder().read(SEEN, probe)).answer();
        InetSocketAddress other = new InetSocketAddress("198.18.0.31", 49160);
        assertFalse(check.handleDatagram(0, MEDIA_PORT, other, answer), "not from the relayed address: not ours");
        assertFalse(check.handleDatagram(0, MEDIA_PORT + 2, RELAYED, answer), "another local port: not ours");
        byte[] forged = answer.clone();
        forged[forged.length - 30] ^= 1;
        assertTrue(check.handleDatagram(0, MEDIA_PORT, RELAYED, forged));
        // an answer keyed by a third party's password
        IceCredentials stranger = IceCredentials.random(random);
        byte[] foreign = ((RelayCheck.Responder.Verdict.Check) new RelayCheck.Responder(stranger, checking,
                PunchRole.CONTROLLING, random).read(SEEN, probeFor(stranger))).answer();
        assertTrue(check.handleDatagram(0, MEDIA_PORT, RELAYED, foreign));
        assertEquals(Optional.empty(), check.outcome());
        assertEquals(2, check.dropped());
        assertFalse(check.handleDatagram(0, MEDIA_PORT, RELAYED, new byte[] {(byte) 0x80, 0, 0, 1}),
                "RTP is left to media");
        assertTrue(check.handleDatagram(0, MEDIA_PORT, RELAYED, answer));
        assertEquals(Optional.of(RelayCheck.Outcome.ANSWERED), check.outcome());
    }

    /** A check toward {@code peer}'s credentials, as the checking side would send it. */
    private byte[] probeFor(IceCredentials peer) {
        return new RelayCheck(checking, peer, PunchRole.CONTROLLED, MEDIA_PORT, RELAYED, 200 * MS, 1, random, 0)
                .pollTransmit().orElseThrow().payload();
    }

    @Test
    void theResponderAnswersOnlyAuthenticatedChecks() {
        RelayCheck.Responder responder = responder();
        assertInstanceOf(RelayCheck.Responder.Verdict.Media.class, responder.read(SEEN, new byte[] {(byte) 0x80, 0}));
        IceCredentials stranger = IceCredentials.random(random);
        byte[] foreign = new RelayCheck(stranger, allocating, PunchRole.CONTROLLED, MEDIA_PORT, RELAYED, MS, 1,
                random, 0).pollTransmit().orElseThrow().payload();
        assertInstanceOf(RelayCheck.Responder.Verdict.Dropped.class, responder.read(SEEN, foreign));
        byte[] good = check(0).pollTransmit().orElseThrow().payload();
        byte[] tampered = good.clone();
        tampered[24] ^= 1;
        assertInstanceOf(RelayCheck.Responder.Verdict.Dropped.class, responder.read(SEEN, tampered));
        byte[] answer = ((RelayCheck.Responder.Verdict.Check) responder.read(SEEN, good)).answer();
        assertInstanceOf(RelayCheck.Responder.Verdict.Dropped.class, responder.read(SEEN, answer),
                "an answer is no check");
        assertArrayEquals(answer, ((RelayCheck.Responder.Verdict.Check) responder.read(SEEN, good)).answer(),
                "a retransmitted check gets the same answer");
    }
}
