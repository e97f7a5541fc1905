package net.sippunch.agent.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 7714 sections 16.1 and 17 (AEAD_AES_128_GCM, SRTP and SRTCP), byte for byte. The RFC gives session
 * keys, so the transform is built from them; the receiver then runs the packets through its index, E flag and
 * replay handling.
 */
class Rfc7714VectorsTest {

    private static final byte[] KEY = Hex.bytes("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
    private static final byte[] SALT = Hex.bytes("51 75 69 64 20 70 72 6f 20 71 75 6f");

    // 16.1.1
    private static final byte[] RTP = Hex.bytes("""
            8040f17b 8041f8d3 5501a0b2 47616c6c
            69612065 7374206f 6d6e6973 20646976
            69736120 696e2070 61727465 73207472
            6573""");
    private static final byte[] SRTP = Hex.bytes("""
            8040f17b 8041f8d3 5501a0b2 f24de3a3
            fb34de6c acba861c 9d7e4bca be633bd5
            0d294e6f 42a5f47a 51c7d19b 36de3adf
            8833899d 7f27beb1 6a9152cf 765ee439
            0cce""");

    // 17.1
    private static final byte[] RTCP = Hex.bytes("""
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef""");
    private static final byte[] SRTCP = Hex.bytes("""
            81c8000d 4d617273 63e94885 dcdab67c
            a727d766 2f6b7e99 7ff5c0f7 6c06f32d
            c676a5f1 730d6fda 4ce09b46 86303ded
            0bb9275b c84aa458 96cf4d2f c5abf872
            45d9eade 800005d4""");

    // 17.3: tagged, not encrypted (E flag clear)
    private static final byte[] SRTCP_TAGGED = Hex.bytes("""
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef 841dd968 3dd78ec9 2ae58790
            125f62b3 000005d4""");

    private static GcmTransform transform() {
        KeyDerivation.SessionKeys keys = new KeyDerivation.SessionKeys(KEY, SALT, new byte[0]);
        return new GcmTransform(keys, keys);
    }

    private static SrtpReceiver receiver() {
        return new SrtpReceiver(transform(), MasterKey.NO_LIFETIME, null, SrtpReceiver.DEFAULT_MAX_STREAMS);
    }

    @Test
    void section16Iv() {
        byte[] iv = new byte[12];
        GcmTransform.rtpIv(SALT, 0x5501a0b2L, 0xf17b, iv);
        assertArrayEquals(Hex.bytes("51 75 3c 65 80 c2 72 6f 20 71 84 14"), iv);
    }

    @Test
    void section16_1_1Encryption() {
        assertArrayEquals(SRTP, transform().protectRtp(RTP, 12, 0x5501a0b2L, 0xf17b));
        // the same through a sender: the first packet of the stream, ROC 0
        SrtpSender sender = new SrtpSender(transform(), MasterKey.NO_LIFETIME);
        assertArrayEquals(SRTP, sender.protectRtp(RTP).bytes());
    }

    @Test
    void section16_1_2Decryption() {
        byte[] rtp = receiver().unprotectRtp(SRTP).bytes();
        assertArrayEquals(RTP, rtp);
        assertArrayEquals(Hex.bytes("""
                47616c6c 69612065 7374206f 6d6e6973
                20646976 69736120 696e2070 61727465
                73207472 6573"""), Arrays.copyOfRange(rtp, 12, rtp.length));
    }

    @Test
    void section16_1_2AlteredPacketDoesNotVerify() {
        for (int i : new int[] {3, 12, 30, SRTP.length - 1}) {
            byte[] altered = SRTP.clone();
            altered[i] ^= 1;
            assertEquals(new SrtpResult.Dropped(DropReason.AUTH_FAILED), receiver().unprotectRtp(altered),
                    "bit flipped at " + i);
        }
    }

    @Test
    void section17Iv() {
        byte[] iv = new byte[12];
        GcmTransform.rtcpIv(SALT, 0x4d617273L, 0x5d4, iv);
        assertArrayEquals(Hex.bytes("51 75 24 05 52 03 72 6f 20 71 70 bb"), iv);
    }

    @Test
    void section17_1EncryptionAndTagging() {
        assertArrayEquals(SRTCP, transform().protectRtcp(RTCP, 0x4d617273L, 0x5d4));
    }

    @Test
    void section17_1ReversedThroughTheReceiver() {
        SrtpReceiver receiver = receiver();
        assertArrayEquals(RTCP, receiver.unprotectRtcp(SRTCP).bytes());
        assertEquals(new SrtpResult.Dropped(DropReason.REPLAYED), receiver.unprotectRtcp(SRTCP));
    }

    @Test
    void section17_3TaggingOnlyIsAcceptedAsIs() {
        assertArrayEquals(RTCP, receiver().unprotectRtcp(SRTCP_TAGGED).bytes());
        byte[] altered = SRTCP_TAGGED.clone();
        altered[20] ^= 1; // a bit of the report, which the tag covers though it is not encrypted
        assertEquals(new SrtpResult.Dropped(DropReason.AUTH_FAILED), receiver().unprotectRtcp(altered));
        byte[] encryptedFlag = SRTCP_TAGGED.clone();
        encryptedFlag[encryptedFlag.length - 4] ^= (byte) 0x80; // the E flag is in the associated data
        assertEquals(new SrtpResult.Dropped(DropReason.AUTH_FAILED), receiver().unprotectRtcp(encryptedFlag));
    }
}
