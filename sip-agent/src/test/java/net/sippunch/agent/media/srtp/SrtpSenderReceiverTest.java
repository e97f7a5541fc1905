package net.sippunch.agent.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Round trips, the rollover counter, the replay list and bad input, for every suite. */
class SrtpSenderReceiverTest {

    private static final long SSRC = 0x1234ABCDL;

    private static SrtpResult dropped(DropReason reason) {
        return new SrtpResult.Dropped(reason);
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void rtpAndRtcpRoundTrip(CryptoSuite suite) {
        MasterKey key = Packets.freshKey(suite);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        for (byte[] rtp : List.of(Packets.rtp(SSRC, 1, 160), Packets.rtp(SSRC, 2, 0),
                Packets.rtpWithCsrcsAndExtension(SSRC, 3))) {
            byte[] srtp = sender.protectRtp(rtp).bytes();
            assertEquals(rtp.length + suite.srtpTagLength(), srtp.length);
            int header = RtpHeader.length(rtp, rtp.length);
            assertArrayEquals(Arrays.copyOf(rtp, header), Arrays.copyOf(srtp, header), "header in the clear");
            if (rtp.length > header) {
                assertFalse(Arrays.equals(Arrays.copyOfRange(rtp, header, rtp.length),
                        Arrays.copyOfRange(srtp, header, rtp.length)), "payload encrypted");
            }
            assertArrayEquals(rtp, receiver.unprotectRtp(srtp).bytes());
        }
        byte[] rtcp = Packets.rtcp(SSRC);
        byte[] srtcp = sender.protectRtcp(rtcp).bytes();
        assertEquals(rtcp.length + 4 + suite.srtcpTagLength(), srtcp.length);
        assertArrayEquals(rtcp, receiver.unprotectRtcp(srtcp).bytes());
        assertEquals(new SrtpCounters(3, 1, java.util.Map.of()), receiver.counters());
        assertEquals(new SrtpCounters(3, 1, java.util.Map.of()), sender.counters());
    }

    @Test
    void theShortTagIsForSrtpOnly() {
        CryptoSuite s = CryptoSuite.AES_CM_128_HMAC_SHA1_32;
        SrtpSender sender = SrtpSender.of(Packets.freshKey(s));
        assertEquals(12 + 160 + 4, sender.protectRtp(Packets.rtp(SSRC, 0, 160)).bytes().length);
        assertEquals(32 + 4 + 10, sender.protectRtcp(Packets.rtcp(SSRC)).bytes().length);
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void srtcpIndexCountsFromZeroWithTheEncryptedFlag(CryptoSuite suite) {
        SrtpSender sender = SrtpSender.of(Packets.freshKey(suite));
        for (int i = 0; i < 3; i++) {
            byte[] srtcp = sender.protectRtcp(Packets.rtcp(SSRC)).bytes();
            int at = suite.aead() ? srtcp.length - 4 : srtcp.length - 4 - suite.srtcpTagLength();
            assertEquals(0x80000000L | i, RtpHeader.uint32(srtcp, at));
        }
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void rolloverCounterWrapsFrom65535To0(CryptoSuite suite) {
        MasterKey key = Packets.key(suite, 7);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        List<byte[]> late = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int seq = (65530 + i) & 0xFFFF;
            byte[] srtp = sender.protectRtp(Packets.rtp(SSRC, seq, 20)).bytes();
            if (seq == 65534) {
                late.add(srtp); // arrives after the wrap
                continue;
            }
            assertArrayEquals(Packets.rtp(SSRC, seq, 20), receiver.unprotectRtp(srtp).bytes(), "seq " + seq);
        }
        assertEquals(1, sender.rolloverCounter(SSRC));
        assertEquals(1, receiver.rolloverCounter(SSRC));
        // a packet from before the wrap, late: the estimate takes ROC - 1 and it authenticates
        assertArrayEquals(Packets.rtp(SSRC, 65534, 20), receiver.unprotectRtp(late.get(0)).bytes());
        assertEquals(1, receiver.rolloverCounter(SSRC), "a late packet does not move the ROC back");
        assertEquals(dropped(DropReason.REPLAYED), receiver.unprotectRtp(late.get(0)));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void theRolloverCounterIsAuthenticated(CryptoSuite suite) {
        // a receiver that missed a whole cycle of sequence numbers guesses ROC 0 for a packet sent under ROC 1
        MasterKey key = Packets.key(suite, 8);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        assertTrue(receiver.unprotectRtp(sender.protectRtp(Packets.rtp(SSRC, 0, 20)).bytes()).ok());
        byte[] underRoc1 = null;
        for (int i = 1; i <= 65536 + 10; i++) {
            byte[] srtp = sender.protectRtp(Packets.rtp(SSRC, i & 0xFFFF, 20)).bytes();
            if (i == 65536 + 10) {
                underRoc1 = srtp;
            }
        }
        assertEquals(1, sender.rolloverCounter(SSRC));
        assertEquals(dropped(DropReason.AUTH_FAILED), receiver.unprotectRtp(underRoc1));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void outOfOrderWithinTheWindowIsTakenAndEveryReplayRefused(CryptoSuite suite) {
        MasterKey key = Packets.key(suite, 9);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        List<byte[]> sent = new ArrayList<>();
        for (int seq = 100; seq < 300; seq++) {
            sent.add(sender.protectRtp(Packets.rtp(SSRC, seq, 40)).bytes());
        }
        // blocks of 50 delivered back to front: up to 49 behind the newest, inside the 128-packet window
        for (int block = 0; block < 200; block += 50) {
            for (int i = block + 49; i >= block; i--) {
                assertTrue(receiver.unprotectRtp(sent.get(i)).ok(), "packet " + i);
            }
        }
        for (byte[] srtp : sent) {
            assertEquals(dropped(DropReason.REPLAYED), receiver.unprotectRtp(srtp));
        }
        assertEquals(200, receiver.counters().srtp());
        assertEquals(200, receiver.counters().dropped(DropReason.REPLAYED));
    }

    @Test
    void aPacketOlderThanTheWindowIsRefusedEvenWhenNeverSeen() {
        MasterKey key = Packets.key(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 10);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        List<byte[]> sent = new ArrayList<>();
        for (int seq = 0; seq < 200; seq++) {
            sent.add(sender.protectRtp(Packets.rtp(SSRC, seq, 10)).bytes());
        }
        assertTrue(receiver.unprotectRtp(sent.get(199)).ok());
        assertTrue(receiver.unprotectRtp(sent.get(199 - 127)).ok(), "127 behind: the oldest in the window");
        assertEquals(dropped(DropReason.REPLAYED), receiver.unprotectRtp(sent.get(199 - 128)), "128 behind");
        assertEquals(dropped(DropReason.REPLAYED), receiver.unprotectRtp(sent.get(0)));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void srtcpReplayAndOrder(CryptoSuite suite) {
        MasterKey key = Packets.key(suite, 11);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        byte[] first = sender.protectRtcp(Packets.rtcp(SSRC)).bytes();
        byte[] second = sender.protectRtcp(Packets.rtcp(SSRC)).bytes();
        assertTrue(receiver.unprotectRtcp(second).ok());
        assertTrue(receiver.unprotectRtcp(first).ok(), "one behind, in the window");
        assertEquals(dropped(DropReason.REPLAYED), receiver.unprotectRtcp(first));
        assertEquals(dropped(DropReason.REPLAYED), receiver.unprotectRtcp(second));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void anAlteredPacketIsRefusedAndDoesNotSpoilTheGenuineOne(CryptoSuite suite) {
        MasterKey key = Packets.key(suite, 12);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        byte[] srtp = sender.protectRtp(Packets.rtp(SSRC, 5, 160)).bytes();
        for (int at : new int[] {1, 4, 12, 100, srtp.length - 1}) { // header, payload, tag
            byte[] altered = srtp.clone();
            altered[at] ^= 0x40;
            assertEquals(dropped(DropReason.AUTH_FAILED), receiver.unprotectRtp(altered), "byte " + at);
        }
        assertTrue(receiver.unprotectRtp(srtp).ok(), "failed attempts leave the replay list alone");

        byte[] srtcp = sender.protectRtcp(Packets.rtcp(SSRC)).bytes();
        for (int at : new int[] {1, 9, srtcp.length - 1}) {
            byte[] altered = srtcp.clone();
            altered[at] ^= 0x01;
            assertEquals(dropped(DropReason.AUTH_FAILED), receiver.unprotectRtcp(altered), "byte " + at);
        }
        byte[] clearedFlag = srtcp.clone(); // claims "not encrypted": the flag is authenticated
        int flag = suite.aead() ? srtcp.length - 4 : srtcp.length - 4 - suite.srtcpTagLength();
        clearedFlag[flag] &= 0x7F;
        assertEquals(dropped(DropReason.AUTH_FAILED), receiver.unprotectRtcp(clearedFlag));
        assertTrue(receiver.unprotectRtcp(srtcp).ok());
        assertEquals(5 + 3 + 1, receiver.counters().dropped(DropReason.AUTH_FAILED));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void anotherKeyDoesNotAuthenticate(CryptoSuite suite) {
        SrtpSender sender = SrtpSender.of(Packets.key(suite, 1));
        SrtpReceiver receiver = SrtpReceiver.of(Packets.key(suite, 2));
        assertEquals(dropped(DropReason.AUTH_FAILED),
                receiver.unprotectRtp(sender.protectRtp(Packets.rtp(SSRC, 0, 160)).bytes()));
        assertEquals(dropped(DropReason.AUTH_FAILED),
                receiver.unprotectRtcp(sender.protectRtcp(Packets.rtcp(SSRC)).bytes()));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void everyTruncationIsDroppedNeverThrown(CryptoSuite suite) {
        MasterKey key = Packets.key(suite, 13);
        SrtpSender sender = SrtpSender.of(key);
        byte[] srtp = sender.protectRtp(Packets.rtpWithCsrcsAndExtension(SSRC, 1)).bytes();
        byte[] srtcp = sender.protectRtcp(Packets.rtcp(SSRC)).bytes();
        for (int length = 0; length < srtp.length; length++) {
            SrtpResult r = SrtpReceiver.of(key).unprotectRtp(Arrays.copyOf(srtp, length));
            assertFalse(r.ok(), "length " + length);
            if (length < 12 + suite.srtpTagLength()) {
                assertEquals(dropped(DropReason.TOO_SHORT), r, "length " + length);
            }
        }
        for (int length = 0; length < srtcp.length; length++) {
            SrtpResult r = SrtpReceiver.of(key).unprotectRtcp(Arrays.copyOf(srtcp, length));
            assertFalse(r.ok(), "length " + length);
            if (length < 8 + 4 + suite.srtcpTagLength()) {
                assertEquals(dropped(DropReason.TOO_SHORT), r, "length " + length);
            }
        }
    }

    @Test
    void notVersion2OrAHeaderPastTheEndIsMalformed() {
        MasterKey key = Packets.key(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 14);
        byte[] srtp = SrtpSender.of(key).protectRtp(Packets.rtp(SSRC, 1, 20)).bytes();
        byte[] v1 = srtp.clone();
        v1[0] = 0x40;
        assertEquals(dropped(DropReason.MALFORMED), SrtpReceiver.of(key).unprotectRtp(v1));
        byte[] csrcs = srtp.clone();
        csrcs[0] = (byte) 0x8F; // 15 CSRCs: 72 bytes of header in a packet of 42
        assertEquals(dropped(DropReason.MALFORMED), SrtpReceiver.of(key).unprotectRtp(csrcs));
    }

    @Test
    void onlyTheGivenSsrcsAreTaken() {
        MasterKey key = Packets.key(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 15);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key, Set.of(SSRC));
        assertTrue(receiver.unprotectRtp(sender.protectRtp(Packets.rtp(SSRC, 1, 20)).bytes()).ok());
        assertEquals(dropped(DropReason.UNKNOWN_SSRC),
                receiver.unprotectRtp(sender.protectRtp(Packets.rtp(99, 1, 20)).bytes()));
        assertEquals(dropped(DropReason.UNKNOWN_SSRC),
                receiver.unprotectRtcp(sender.protectRtcp(Packets.rtcp(99)).bytes()));
        assertEquals(2, receiver.counters().dropped(DropReason.UNKNOWN_SSRC));
    }

    @Test
    void anySsrcReceiverHoldsABoundedNumberOfStreamsAndForgeriesTakeNone() {
        MasterKey key = Packets.key(CryptoSuite.AEAD_AES_128_GCM, 16);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        SrtpSender forger = SrtpSender.of(Packets.key(CryptoSuite.AEAD_AES_128_GCM, 17));
        for (long ssrc = 1000; ssrc < 1100; ssrc++) { // forgeries under many SSRCs first
            assertEquals(dropped(DropReason.AUTH_FAILED),
                    receiver.unprotectRtp(forger.protectRtp(Packets.rtp(ssrc, 1, 20)).bytes()));
        }
        for (long ssrc = 1; ssrc <= SrtpReceiver.DEFAULT_MAX_STREAMS; ssrc++) {
            assertTrue(receiver.unprotectRtp(sender.protectRtp(Packets.rtp(ssrc, 1, 20)).bytes()).ok());
        }
        assertEquals(dropped(DropReason.UNKNOWN_SSRC),
                receiver.unprotectRtp(sender.protectRtp(Packets.rtp(5000, 1, 20)).bytes()));
        assertTrue(receiver.unprotectRtp(sender.protectRtp(Packets.rtp(1, 2, 20)).bytes()).ok(), "known SSRC");
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void theLifetimeCapsSrtpAndSrtcpEachOnBothSides(CryptoSuite suite) {
        MasterKey key = Packets.key(suite, 18).withLifetime(3);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        for (int seq = 0; seq < 3; seq++) {
            assertTrue(receiver.unprotectRtp(sender.protectRtp(Packets.rtp(SSRC, seq, 20)).bytes()).ok());
        }
        assertEquals(dropped(DropReason.KEY_EXHAUSTED), sender.protectRtp(Packets.rtp(SSRC, 3, 20)));
        // the same key's fourth packet, from a sender that ignores the lifetime
        byte[] fourth = SrtpSender.of(Packets.key(suite, 18)).protectRtp(Packets.rtp(SSRC, 3, 20)).bytes();
        assertEquals(dropped(DropReason.KEY_EXHAUSTED), receiver.unprotectRtp(fourth));
        for (int i = 0; i < 3; i++) {
            assertTrue(receiver.unprotectRtcp(sender.protectRtcp(Packets.rtcp(SSRC)).bytes()).ok(), "SRTCP " + i);
        }
        assertEquals(dropped(DropReason.KEY_EXHAUSTED), sender.protectRtcp(Packets.rtcp(SSRC)));
        assertEquals(2, sender.counters().dropped(DropReason.KEY_EXHAUSTED));
        assertEquals(1, receiver.counters().dropped(DropReason.KEY_EXHAUSTED));
    }

    @Test
    void theSenderNeverUsesAnIndexTwice() {
        SrtpSender sender = SrtpSender.of(Packets.freshKey(CryptoSuite.AEAD_AES_128_GCM));
        byte[] rtp = Packets.rtp(SSRC, 42, 160);
        byte[] once = sender.protectRtp(rtp).bytes();
        assertEquals(dropped(DropReason.REPLAYED), sender.protectRtp(rtp));
        assertNotEquals(0, once.length);
    }

    @Test
    void aPacketThatIsNotRtpIsAProgrammingError() {
        SrtpSender sender = SrtpSender.of(Packets.freshKey(CryptoSuite.AES_CM_128_HMAC_SHA1_80));
        assertThrows(IllegalArgumentException.class, () -> sender.protectRtp(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> sender.protectRtcp(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}));
        assertThrows(IllegalStateException.class, () -> new SrtpResult.Dropped(DropReason.REPLAYED).bytes());
    }

    @Test
    void keysNeverShowInToString() {
        MasterKey key = Packets.key(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 19);
        assertFalse(key.toString().contains(Hex.of(key.key()).substring(0, 8)));
        assertEquals("MasterKey[AES_CM_128_HMAC_SHA1_80]", key.toString());
    }
}
