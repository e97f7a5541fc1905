package net.sippunch.traversal.stun;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes STUN messages; package-private, reached through {@link StunCodec}. */
final class StunEncoder {

    private byte[] buf = new byte[256];
    private int pos;
    private final byte paddingByte;

    private StunEncoder(byte paddingByte) {
        this.paddingByte = paddingByte;
    }

    /**
     * @param paddingByte the value of padding bytes; RFC 8489 says zero, RFC 5769's vectors (written under
     *                    RFC 5389) use spaces, so tests reproduce them byte for byte with 0x20
     */
    static byte[] encode(StunMessage m, MessageIntegrityKey key, boolean fingerprint, byte paddingByte) {
        StunEncoder w = new StunEncoder(paddingByte);
        int typeField = messageType(m.method(), m.type());
        w.u16(typeField);
        w.u16(0); // length, set below
        TransactionId id = m.transactionId();
        if (!id.legacy()) {
            w.u32(StunCodec.MAGIC_COOKIE);
        }
        w.ensure(id.legacy() ? 16 : 12);
        id.copyTo(w.buf, w.pos);
        w.pos += id.legacy() ? 16 : 12;
        for (StunAttribute a : m.attributes()) {
            w.attribute(a);
        }
        if (key != null) {
            int len = key.algorithm().length;
            int start = w.pos;
            byte[] mac = StunCodec.hmac(key, w.buf, start, start + 4 + len - StunCodec.HEADER_LENGTH);
            w.u16(key.algorithm().attributeType);
            w.u16(len);
            w.bytes(mac);
        }
        if (fingerprint) {
            int start = w.pos;
            int crc = StunCodec.fingerprint(w.buf, start, start + 8 - StunCodec.HEADER_LENGTH);
            w.u16(StunAttribute.FINGERPRINT);
            w.u16(4);
            w.u32(crc);
        }
        int length = w.pos - StunCodec.HEADER_LENGTH;
        w.buf[2] = (byte) (length >>> 8);
        w.buf[3] = (byte) length;
        return Arrays.copyOf(w.buf, w.pos);
    }

    /** RFC 8489 section 5: the method's 12 bits interleaved with the class's two bits. */
    static int messageType(int method, StunClass cls) {
        int c = cls.bits();
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((c & 0b01) << 4) | ((c & 0b10) << 7);
    }

    private void attribute(StunAttribute a) {
        if (a instanceof StunAttribute.AddressAttribute x) {
            address(a.type(), x.address(), x.xored());
        } else if (a instanceof StunAttribute.ChangeRequest x) {
            header(a.type(), 4);
            u32((x.changeIp() ? 0x4 : 0) | (x.changePort() ? 0x2 : 0));
        } else if (a instanceof StunAttribute.ResponsePort x) {
            header(a.type(), 4); // the port and its two bytes of padding, as coturn writes it
            u16(x.port());
            u16(0);
        } else if (a instanceof StunAttribute.Username x) {
            text(a.type(), x.value());
        } else if (a instanceof StunAttribute.Software x) {
            text(a.type(), x.value());
        } else if (a instanceof StunAttribute.Realm x) {
            text(a.type(), x.value());
        } else if (a instanceof StunAttribute.Nonce x) {
            text(a.type(), x.value());
        } else if (a instanceof StunAttribute.ChannelNumber x) {
            header(a.type(), 4);
            u16(x.channel());
            u16(0);
        } else if (a instanceof StunAttribute.Lifetime x) {
            header(a.type(), 4);
            u32((int) x.seconds());
        } else if (a instanceof StunAttribute.RequestedTransport x) {
            header(a.type(), 4);
            u8(x.protocol());
            u8(0);
            u16(0);
        } else if (a instanceof StunAttribute.DontFragment) {
            header(a.type(), 0);
        } else if (a instanceof StunAttribute.Data x) {
            raw(a.type(), x.value());
        } else if (a instanceof StunAttribute.ErrorCode x) {
            byte[] reason = x.reason().getBytes(StandardCharsets.UTF_8);
            header(a.type(), 4 + reason.length);
            u16(0);
            u8(x.code() / 100);
            u8(x.code() % 100);
            bytes(reason);
            pad(padding(reason.length));
        } else if (a instanceof StunAttribute.UnknownAttributes x) {
            int[] types = x.types();
            header(a.type(), 2 * types.length);
            for (int t : types) {
                u16(t);
            }
            pad(padding(2 * types.length));
        } else if (a instanceof StunAttribute.MessageIntegrity x) {
            raw(a.type(), x.hmac());
        } else if (a instanceof StunAttribute.MessageIntegritySha256 x) {
            raw(a.type(), x.hmac());
        } else if (a instanceof StunAttribute.Fingerprint x) {
            header(a.type(), 4);
            u32(x.crc());
        } else if (a instanceof StunAttribute.Priority x) {
            header(a.type(), 4);
            u32(x.priority());
        } else if (a instanceof StunAttribute.UseCandidate) {
            header(a.type(), 0);
        } else if (a instanceof StunAttribute.IceControlling x) {
            u64Attribute(a.type(), x.tieBreaker());
        } else if (a instanceof StunAttribute.IceControlled x) {
            u64Attribute(a.type(), x.tieBreaker());
        } else if (a instanceof StunAttribute.Padding x) {
            header(a.type(), x.length());
            ensure(x.length() + padding(x.length()));
            pos += x.length(); // zero bytes
            pad(padding(x.length()));
        } else if (a instanceof StunAttribute.UnknownAttribute x) {
            raw(a.type(), x.value());
        } else {
            throw new IllegalStateException("unhandled attribute " + a);
        }
    }

    private void address(int type, InetSocketAddress address, boolean xor) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address in STUN attribute: " + address);
        }
        byte[] ip = address.getAddress().getAddress();
        boolean v4 = address.getAddress() instanceof Inet4Address;
        header(type, 4 + ip.length);
        u8(0);
        u8(v4 ? 0x01 : 0x02);
        int port = address.getPort();
        if (xor) {
            port ^= StunCodec.MAGIC_COOKIE >>> 16;
            for (int i = 0; i < ip.length; i++) {
                ip[i] ^= buf[4 + i]; // magic cookie, then transaction ID
            }
        }
        u16(port);
        bytes(ip);
    }

    private void text(int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        raw(type, b);
    }

    private void raw(int type, byte[] value) {
        header(type, value.length);
        bytes(value);
        pad(padding(value.length));
    }

    private void u64Attribute(int type, long value) {
        header(type, 8);
        u32((int) (value >>> 32));
        u32((int) value);
    }

    private void header(int type, int length) {
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value too long: " + length);
        }
        u16(type);
        u16(length);
    }

    private static int padding(int length) {
        return (4 - (length & 3)) & 3;
    }

    private void pad(int n) {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = paddingByte;
        }
    }

    private void u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    private void u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void u32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
