package net.sippunch.traversal.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads STUN messages; package-private, reached through {@link StunCodec}. Never throws on input. */
final class StunDecoder {

    /** More attributes than any legitimate message carries; beyond it the datagram is refused. */
    static final int MAX_ATTRIBUTES = 64;

    private final byte[] data;

    private StunDecoder(byte[] data) {
        this.data = data;
    }

    static StunDecodeResult decode(byte[] data) {
        try {
            return new StunDecoder(data).decode();
        } catch (MalformedStun e) {
            return new StunDecodeResult.Malformed(e.getMessage());
        }
    }

    /**
     * The offset of the first attribute of {@code type} within a structurally valid message, or -1.
     * Only looks before FINGERPRINT; never throws.
     */
    static int attributeOffset(byte[] data, int type) {
        if (data.length < StunCodec.HEADER_LENGTH || (data[0] & 0xC0) != 0
                || u16(data, 2) + StunCodec.HEADER_LENGTH != data.length) {
            return -1;
        }
        int pos = StunCodec.HEADER_LENGTH;
        while (pos + 4 <= data.length) {
            int t = u16(data, pos);
            int len = u16(data, pos + 2);
            if (pos + 4 + len > data.length) {
                return -1;
            }
            if (t == type) {
                return pos;
            }
            pos += 4 + len + ((4 - (len & 3)) & 3);
        }
        return -1;
    }

    private StunDecodeResult decode() throws MalformedStun {
        if (data.length < StunCodec.HEADER_LENGTH) {
            throw new MalformedStun("shorter than a STUN header: " + data.length + " bytes");
        }
        if ((data[0] & 0xC0) != 0) {
            throw new MalformedStun("first two bits are not zero");
        }
        int typeField = u16(data, 0);
        int length = u16(data, 2);
        if ((length & 3) != 0) {
            throw new MalformedStun("length " + length + " is not a multiple of 4");
        }
        if (length + StunCodec.HEADER_LENGTH != data.length) {
            throw new MalformedStun("length field " + length + " does not match datagram of " + data.length);
        }
        boolean legacy = StunCodec.readInt(data, 4) != StunCodec.MAGIC_COOKIE;
        TransactionId id = new TransactionId(Arrays.copyOfRange(data, legacy ? 4 : 8, 20));
        int method = (typeField & 0x000F) | ((typeField & 0x00E0) >>> 1) | ((typeField & 0x3E00) >>> 2);
        StunClass cls = StunClass.ofBits(((typeField >>> 4) & 0b01) | ((typeField >>> 7) & 0b10));

        List<StunAttribute> attributes = new ArrayList<>();
        boolean integrity = false;
        boolean integritySha256 = false;
        int pos = StunCodec.HEADER_LENGTH;
        while (pos < data.length) {
            if (pos + 4 > data.length) {
                throw new MalformedStun("truncated attribute header at offset " + pos);
            }
            int type = u16(data, pos);
            int len = u16(data, pos + 2);
            int valueStart = pos + 4;
            int next = valueStart + len + ((4 - (len & 3)) & 3);
            if (valueStart + len > data.length || next > data.length) {
                throw new MalformedStun(String.format("attribute 0x%04x overruns the message", type));
            }
            if (attributes.size() >= MAX_ATTRIBUTES) {
                throw new MalformedStun("more than " + MAX_ATTRIBUTES + " attributes");
            }
            if (type == StunAttribute.FINGERPRINT) {
                if (len != 4) {
                    throw new MalformedStun("FINGERPRINT length " + len);
                }
                if (next != data.length) {
                    throw new MalformedStun("FINGERPRINT is not the last attribute");
                }
                int crc = StunCodec.readInt(data, valueStart);
                if (crc != StunCodec.fingerprint(data, pos, length)) {
                    throw new MalformedStun("FINGERPRINT does not match");
                }
                attributes.add(new StunAttribute.Fingerprint(crc));
            } else if (type == StunAttribute.MESSAGE_INTEGRITY_SHA256 && !integritySha256) {
                integritySha256 = true;
                attributes.add(attribute(type, valueStart, len, legacy));
            } else if (type == StunAttribute.MESSAGE_INTEGRITY && !integrity && !integritySha256) {
                integrity = true;
                attributes.add(attribute(type, valueStart, len, legacy));
            } else if (!integrity && !integritySha256) {
                attributes.add(attribute(type, valueStart, len, legacy));
            }
            // RFC 8489 section 14.5: other attributes after MESSAGE-INTEGRITY are ignored
            pos = next;
        }
        return new StunDecodeResult.Decoded(new StunMessage(cls, method, id, attributes));
    }

    private StunAttribute attribute(int type, int start, int len, boolean legacy) throws MalformedStun {
        switch (type) {
            case StunAttribute.MAPPED_ADDRESS:
                return new StunAttribute.MappedAddress(address(type, start, len, false));
            case StunAttribute.XOR_MAPPED_ADDRESS:
                return new StunAttribute.XorMappedAddress(address(type, start, len, true));
            case StunAttribute.SOURCE_ADDRESS:
                return new StunAttribute.SourceAddress(address(type, start, len, false));
            case StunAttribute.CHANGED_ADDRESS:
                return new StunAttribute.ChangedAddress(address(type, start, len, false));
            case StunAttribute.RESPONSE_ORIGIN:
                return new StunAttribute.ResponseOrigin(address(type, start, len, false));
            case StunAttribute.OTHER_ADDRESS:
                return new StunAttribute.OtherAddress(address(type, start, len, false));
            case StunAttribute.XOR_PEER_ADDRESS:
                return new StunAttribute.XorPeerAddress(address(type, start, len, true));
            case StunAttribute.XOR_RELAYED_ADDRESS:
                return new StunAttribute.XorRelayedAddress(address(type, start, len, true));
            case StunAttribute.ALTERNATE_SERVER:
                return new StunAttribute.AlternateServer(address(type, start, len, false));
            case StunAttribute.REALM:
                return new StunAttribute.Realm(text(type, start, len, "REALM"));
            case StunAttribute.NONCE:
                return new StunAttribute.Nonce(text(type, start, len, "NONCE"));
            case StunAttribute.CHANNEL_NUMBER:
                expectLength(type, len, 4);
                return new StunAttribute.ChannelNumber(u16(data, start));
            case StunAttribute.LIFETIME:
                expectLength(type, len, 4);
                return new StunAttribute.Lifetime(StunCodec.readInt(data, start) & 0xFFFFFFFFL);
            case StunAttribute.REQUESTED_TRANSPORT:
                expectLength(type, len, 4);
                return new StunAttribute.RequestedTransport(data[start] & 0xFF);
            case StunAttribute.DONT_FRAGMENT:
                expectLength(type, len, 0);
                return new StunAttribute.DontFragment();
            case StunAttribute.DATA:
                return new StunAttribute.Data(Arrays.copyOfRange(data, start, start + len));
            case StunAttribute.CHANGE_REQUEST: {
                expectLength(type, len, 4);
                int flags = StunCodec.readInt(data, start);
                return new StunAttribute.ChangeRequest((flags & 0x4) != 0, (flags & 0x2) != 0);
            }
            case StunAttribute.RESPONSE_PORT:
                // RFC 5780: a port followed by two bytes of padding; some agents count them in the length
                if (len != 2 && len != 4) {
                    throw new MalformedStun("RESPONSE-PORT length " + len);
                }
                return new StunAttribute.ResponsePort(u16(data, start));
            case StunAttribute.USERNAME:
                if (len > StunAttribute.MAX_USERNAME_BYTES) {
                    throw new MalformedStun("USERNAME longer than 513 bytes: " + len);
                }
                return new StunAttribute.Username(utf8(type, start, len));
            case StunAttribute.SOFTWARE:
                if (len > 4 * StunAttribute.MAX_TEXT_CHARS) {
                    throw new MalformedStun("SOFTWARE longer than 763 bytes: " + len);
                }
                return new StunAttribute.Software(utf8(type, start, len));
            case StunAttribute.ERROR_CODE: {
                if (len < 4 || len > 4 + 4 * StunAttribute.MAX_TEXT_CHARS) {
                    throw new MalformedStun("ERROR-CODE length " + len);
                }
                int cls = data[start + 2] & 0x07;
                int number = data[start + 3] & 0xFF;
                if (cls < 3 || cls > 6 || number > 99) {
                    throw new MalformedStun("ERROR-CODE class " + cls + " number " + number);
                }
                return new StunAttribute.ErrorCode(cls * 100 + number, utf8(type, start + 4, len - 4));
            }
            case StunAttribute.UNKNOWN_ATTRIBUTES: {
                if ((len & 1) != 0) {
                    throw new MalformedStun("UNKNOWN-ATTRIBUTES length " + len + " is odd");
                }
                int[] types = new int[len / 2];
                for (int i = 0; i < types.length; i++) {
                    types[i] = u16(data, start + 2 * i);
                }
                return new StunAttribute.UnknownAttributes(types);
            }
            case StunAttribute.MESSAGE_INTEGRITY:
                expectLength(type, len, 20);
                return new StunAttribute.MessageIntegrity(Arrays.copyOfRange(data, start, start + len));
            case StunAttribute.MESSAGE_INTEGRITY_SHA256:
                if (len < 16 || len > 32 || (len & 3) != 0) {
                    throw new MalformedStun("MESSAGE-INTEGRITY-SHA256 length " + len);
                }
                return new StunAttribute.MessageIntegritySha256(Arrays.copyOfRange(data, start, start + len));
            case StunAttribute.PRIORITY:
                expectLength(type, len, 4);
                return new StunAttribute.Priority(StunCodec.readInt(data, start));
            case StunAttribute.USE_CANDIDATE:
                expectLength(type, len, 0);
                return new StunAttribute.UseCandidate();
            case StunAttribute.ICE_CONTROLLING:
                expectLength(type, len, 8);
                return new StunAttribute.IceControlling(u64(start));
            case StunAttribute.ICE_CONTROLLED:
                expectLength(type, len, 8);
                return new StunAttribute.IceControlled(u64(start));
            case StunAttribute.PADDING:
                return new StunAttribute.Padding(len);
            default:
                return new StunAttribute.UnknownAttribute(type, Arrays.copyOfRange(data, start, start + len));
        }
    }

    private InetSocketAddress address(int type, int start, int len, boolean xor) throws MalformedStun {
        if (len < 4) {
            throw new MalformedStun(String.format("address attribute 0x%04x too short: %d", type, len));
        }
        int family = data[start + 1] & 0xFF;
        int ipLength = family == 0x01 ? 4 : family == 0x02 ? 16 : -1;
        if (ipLength < 0) {
            throw new MalformedStun(String.format("address attribute 0x%04x has family %d", type, family));
        }
        if (len != 4 + ipLength) {
            throw new MalformedStun(String.format("address attribute 0x%04x length %d for family %d",
                    type, len, family));
        }
        int port = u16(data, start + 2);
        byte[] ip = Arrays.copyOfRange(data, start + 4, start + 4 + ipLength);
        if (xor) {
            port ^= StunCodec.MAGIC_COOKIE >>> 16;
            for (int i = 0; i < ip.length; i++) {
                ip[i] ^= data[4 + i]; // magic cookie, then transaction ID
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new MalformedStun("address of illegal length"); // unreachable: lengths checked above
        }
    }

    /** REALM and NONCE: UTF-8 text of fewer than 128 characters (at most 763 bytes). */
    private String text(int type, int start, int len, String name) throws MalformedStun {
        if (len > 4 * StunAttribute.MAX_TEXT_CHARS) {
            throw new MalformedStun(name + " longer than 763 bytes: " + len);
        }
        return utf8(type, start, len);
    }

    private String utf8(int type, int start, int len) throws MalformedStun {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, start, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedStun(String.format("attribute 0x%04x is not valid UTF-8", type));
        }
    }

    private static void expectLength(int type, int len, int expected) throws MalformedStun {
        if (len != expected) {
            throw new MalformedStun(String.format("attribute 0x%04x length %d, expected %d", type, len, expected));
        }
    }

    private long u64(int offset) {
        return ((long) StunCodec.readInt(data, offset) << 32) | (StunCodec.readInt(data, offset + 4) & 0xFFFFFFFFL);
    }

    static int u16(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
    }

    /** Internal signal for a malformed message; never leaves the decoder. */
    private static final class MalformedStun extends Exception {
        MalformedStun(String reason) {
            super(reason, null, false, false);
        }
    }
}
