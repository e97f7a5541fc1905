package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RtpTest {

    @Test
    void rtpRoundTripsAndIsToldApartFromStunAndRtcp() {
        RtpPacket p = new RtpPacket(0, true, 65535, 0xFFFFFFF0L, 0xCAFEBABEL, new byte[160]);
        byte[] wire = p.encode();
        assertEquals(PacketKind.RTP, PacketKind.of(wire));
        assertEquals(p, RtpPacket.decode(wire).orElseThrow());
        RtcpPacket rr = new RtcpPacket.ReceiverReport(1, List.of());
        assertEquals(PacketKind.RTCP, PacketKind.of(rr.encode()));
        assertEquals(PacketKind.STUN, PacketKind.of(new byte[] {0, 1, 0, 0}));
    }

    @Test
    void malformedRtpIsRefusedNeverThrown() {
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(0, 64)];
            r.nextBytes(junk);
            RtpPacket.decode(junk);
            RtcpPacket.decode(junk);
        }
        assertTrue(RtpPacket.decode(new byte[] {(byte) 0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).isEmpty(),
                "15 CSRCs announced, none present");
        assertTrue(RtpPacket.decode(new byte[] {(byte) 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).isEmpty(),
                "padding of zero bytes");
    }

    @Test
    void senderReportRoundTripsWithANegativeLoss() {
        RtcpPacket.SenderReport sr = new RtcpPacket.SenderReport(7, 0x0123456789ABCDEFL, 1600, 10, 1600,
                List.of(new RtcpPacket.ReportBlock(9, 25, -2, 70000, 12, 0x11112222L, 65536)));
        assertEquals(sr, RtcpPacket.decode(sr.encode()).orElseThrow());
    }

    @Test
    void receptionStatsCountLossAndWrap() {
        ReceptionStats stats = new ReceptionStats(8000);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            int seq = (65500 + i) & 0xFFFF;
            if (i % 10 == 3) {
                continue; // lose every tenth
            }
            stats.onPacket(new RtpPacket(0, false, seq, 160L * i, 5, new byte[160]), t + 20_000_000L * i);
        }
        assertEquals(100, stats.expected());
        assertEquals(90, stats.packetsReceived());
        assertEquals(10, stats.cumulativeLost());
        assertEquals(65536 + 63, stats.extendedHighestSequence());
        assertEquals(0, stats.jitter(), "perfectly paced packets have no jitter");
        assertEquals(25, stats.fractionLostSinceLastReport(), "10 % lost is 25/256");
    }

    @Test
    void jitterFollowsIrregularArrivals() {
        ReceptionStats stats = new ReceptionStats(8000);
        for (int i = 0; i < 200; i++) {
            long arrival = 20_000_000L * i + (i % 2 == 0 ? 0 : 5_000_000L); // every other packet 5 ms late
            stats.onPacket(new RtpPacket(0, false, i, 160L * i, 5, new byte[160]), arrival);
        }
        // |D| alternates 40 timestamp units (5 ms at 8 kHz): the estimate converges to 40
        assertEquals(40, stats.jitter(), 2);
    }

    @Test
    void maxGapIsTheLongestSilenceBetweenCountedPackets() {
        ReceptionStats stats = new ReceptionStats(8000);
        assertEquals(0, stats.maxGapMillis(), "no packet, no gap");
        stats.onPacket(new RtpPacket(0, false, 1, 160, 5, new byte[160]), 1_000_000_000L);
        assertEquals(0, stats.maxGapMillis(), "one packet, no gap yet");
        long t = 1_000_000_000L;
        for (int seq = 2; seq <= 10; seq++) {
            t += seq == 6 ? 730_000_000L : 20_000_000L; // packets 2..5 paced, then 730 ms of silence
            stats.onPacket(new RtpPacket(0, false, seq, 160L * seq, 5, new byte[160]), t);
        }
        stats.onPacket(new RtpPacket(0, false, 10, 1600, 5, new byte[160]), t + 2_000_000_000L);
        assertEquals(730, stats.maxGapMillis(), "a duplicate is not counted, so it ends no gap");
    }

    @Test
    void wavRoundTripsAndRejectsOtherFormats(@TempDir Path dir) throws Exception {
        short[] tone = WavFile.tone(440, 0.5, 0.5);
        Path f = dir.resolve("tone.wav");
        WavFile.write(f, tone);
        short[] back = WavFile.read(f);
        assertEquals(tone.length, back.length);
        for (int i = 0; i < tone.length; i++) {
            assertEquals(tone[i], back[i]);
        }
        byte[] bytes = Files.readAllBytes(f);
        bytes[24] = 0x44; // sample rate 8000 -> 8004
        Files.write(f, bytes);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> WavFile.read(f));
        assertTrue(e.getMessage().contains("8000 Hz"), e.getMessage());
    }
}
