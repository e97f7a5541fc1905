package net.sippunch.traversal.stun;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes STUN messages (RFC 8489, RFC 5780 attributes, RFC 3489 messages without magic cookie).
 * Stateless and thread-safe. Decoding never throws on any input.
 */
public final class StunCodec {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    static final int FINGERPRINT_XOR = 0x5354554E;

    private StunCodec() {
    }

    /** Encodes the message with its attributes as given (no integrity, no fingerprint added). */
    public static byte[] encode(StunMessage message) {
        return StunEncoder.encode(message, null, false, (byte) 0);
    }

    /**
     * Encodes the message and appends MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 (per the key's
     * algorithm; none when {@code key} is null) and, when asked, FINGERPRINT.
     */
    public static byte[] encode(StunMessage message, MessageIntegrityKey key, boolean fingerprint) {
        return StunEncoder.encode(message, key, fingerprint, (byte) 0);
    }

    /** Decodes one datagram; a malformed one gives {@link StunDecodeResult.Malformed} with the reason. */
    public static StunDecodeResult decode(byte[] datagram) {
        return StunDecoder.decode(datagram);
    }

    /**
     * The RFC 7983 demultiplexing test plus the magic cookie: true when the datagram can only be STUN
     * (first byte 0..3, cookie at bytes 4..7, length consistent). RFC 3489 messages fail this test.
     */
    public static boolean looksLikeStun(byte[] datagram) {
        if (datagram.length < HEADER_LENGTH || (datagram[0] & 0xC0) != 0) {
            return false;
        }
        int length = ((datagram[2] & 0xFF) << 8) | (datagram[3] & 0xFF);
        return readInt(datagram, 4) == MAGIC_COOKIE && length + HEADER_LENGTH == datagram.length;
    }

    /**
     * True when the datagram carries the integrity attribute of the key's algorithm and its HMAC is right.
     * Any malformation gives false.
     */
    public static boolean verifyIntegrity(byte[] datagram, MessageIntegrityKey key) {
        int offset = StunDecoder.attributeOffset(datagram, key.algorithm().attributeType);
        if (offset < 0) {
            return false;
        }
        int macLength = ((datagram[offset + 2] & 0xFF) << 8) | (datagram[offset + 3] & 0xFF);
        boolean sha1 = key.algorithm() == MessageIntegrityKey.Algorithm.SHA1;
        if (sha1 ? macLength != 20 : (macLength < 16 || macLength > 32 || macLength % 4 != 0)) {
            return false;
        }
        byte[] expected = hmac(key, datagram, offset, offset + 4 + macLength - HEADER_LENGTH);
        byte[] actual = Arrays.copyOfRange(datagram, offset + 4, offset + 4 + macLength);
        return MessageDigest.isEqual(Arrays.copyOf(expected, macLength), actual);
    }

    /**
     * HMAC over {@code data[0..end)} with the header's length field replaced by {@code lengthField},
     * as RFC 8489 sections 14.5 and 14.6 prescribe.
     */
    static byte[] hmac(MessageIntegrityKey key, byte[] data, int end, int lengthField) {
        try {
            Mac mac = Mac.getInstance(key.algorithm().jcaName);
            // HMAC pads its key with zeros, so an empty key (legal, but refused by SecretKeySpec) equals one zero byte
            byte[] k = key.keyNoCopy().length == 0 ? new byte[1] : key.keyNoCopy();
            mac.init(new SecretKeySpec(k, key.algorithm().jcaName));
            mac.update(data, 0, 2);
            mac.update((byte) (lengthField >>> 8));
            mac.update((byte) lengthField);
            mac.update(data, 4, end - 4);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + key.algorithm().jcaName, e);
        }
    }

    /** The FINGERPRINT value over {@code data[0..end)} with the header's length field replaced. */
    static int fingerprint(byte[] data, int end, int lengthField) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, 2);
        crc.update(lengthField >>> 8);
        crc.update(lengthField & 0xFF);
        crc.update(data, 4, end - 4);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    static int readInt(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16)
                | ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
    }
}
