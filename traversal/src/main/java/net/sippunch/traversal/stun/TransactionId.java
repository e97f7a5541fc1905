package net.sippunch.traversal.stun;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A STUN transaction ID: 12 bytes after the magic cookie (RFC 8489), or 16 bytes for an RFC 3489 message,
 * which has no magic cookie and uses the cookie's four bytes as part of its ID.
 */
public record TransactionId(byte[] bytes) {

    public TransactionId {
        if (bytes.length != 12 && bytes.length != 16) {
            throw new IllegalArgumentException("transaction ID must be 12 or 16 bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** A fresh RFC 8489 transaction ID. */
    public static TransactionId random(RandomGenerator random) {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return new TransactionId(b);
    }

    /** True for an RFC 3489 (pre-magic-cookie) transaction ID. */
    public boolean legacy() {
        return bytes.length == 16;
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the ID into {@code dst} at {@code offset} without allocating. */
    void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
