package net.sippunch.agent.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties over random packets, keys and sequence numbers, for every suite. */
class SrtpPropertiesTest {

    @Property(tries = 300)
    void everyRtpPacketRoundTrips(@ForAll CryptoSuite suite, @ForAll long seed,
                                  @ForAll @IntRange(min = 0, max = 65535) int firstSequence,
                                  @ForAll("payloads") List<byte[]> payloads) {
        MasterKey key = Packets.key(suite, seed);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        int seq = firstSequence;
        for (byte[] payload : payloads) {
            byte[] rtp = Packets.rtp(seed & 0xFFFFFFFFL, seq, 0);
            rtp = java.util.Arrays.copyOf(rtp, 12 + payload.length);
            System.arraycopy(payload, 0, rtp, 12, payload.length);
            assertArrayEquals(rtp, receiver.unprotectRtp(sender.protectRtp(rtp).bytes()).bytes());
            seq = (seq + 1) & 0xFFFF;
        }
    }

    @Property(tries = 200)
    void everyRtcpPacketRoundTrips(@ForAll CryptoSuite suite, @ForAll long seed,
                                   @ForAll @Size(min = 0, max = 200) byte[] body) {
        MasterKey key = Packets.key(suite, seed);
        byte[] rtcp = new byte[8 + body.length];
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 201;
        RtpHeader.putUint32(rtcp, 4, seed & 0xFFFFFFFFL);
        System.arraycopy(body, 0, rtcp, 8, body.length);
        SrtpSender sender = SrtpSender.of(key);
        SrtpReceiver receiver = SrtpReceiver.of(key);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(rtcp, receiver.unprotectRtcp(sender.protectRtcp(rtcp).bytes()).bytes());
        }
    }

    @Property(tries = 2000)
    void randomBytesAreDroppedNeverThrown(@ForAll CryptoSuite suite, @ForAll @Size(max = 300) byte[] junk) {
        SrtpReceiver receiver = SrtpReceiver.of(Packets.key(suite, 1));
        assertFalse(receiver.unprotectRtp(junk).ok());
        assertFalse(receiver.unprotectRtcp(junk).ok());
    }

    @Provide
    Arbitrary<List<byte[]>> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(400).list().ofMinSize(1).ofMaxSize(20);
    }
}
