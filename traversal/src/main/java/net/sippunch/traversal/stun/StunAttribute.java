package net.sippunch.traversal.stun;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** The STUN attributes this project reads and writes; anything else decodes as {@link UnknownAttribute}. */
public sealed interface StunAttribute {

    /** The attribute's type number on the wire. */
    int type();

    int MAPPED_ADDRESS = 0x0001;
    int CHANGE_REQUEST = 0x0003;
    int SOURCE_ADDRESS = 0x0004;
    int CHANGED_ADDRESS = 0x0005;
    int USERNAME = 0x0006;
    int MESSAGE_INTEGRITY = 0x0008;
    int ERROR_CODE = 0x0009;
    int UNKNOWN_ATTRIBUTES = 0x000A;
    int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    int XOR_MAPPED_ADDRESS = 0x0020;
    int PRIORITY = 0x0024;
    int USE_CANDIDATE = 0x0025;
    int PADDING = 0x0026;
    int RESPONSE_PORT = 0x0027;
    int SOFTWARE = 0x8022;
    int FINGERPRINT = 0x8028;
    int ICE_CONTROLLED = 0x8029;
    int ICE_CONTROLLING = 0x802A;
    int RESPONSE_ORIGIN = 0x802B;
    int OTHER_ADDRESS = 0x802C;

    /** RFC 8489 limit for USERNAME, in bytes. */
    int MAX_USERNAME_BYTES = 513;
    /** RFC 8489 limit for reason phrases and SOFTWARE, in characters. */
    int MAX_TEXT_CHARS = 127;

    /** The attributes whose value is a transport address. */
    sealed interface AddressAttribute extends StunAttribute
            permits MappedAddress, XorMappedAddress, SourceAddress, ChangedAddress, ResponseOrigin, OtherAddress {
        InetSocketAddress address();
    }

    /** True when an agent that does not understand the attribute must reject the message. */
    static boolean comprehensionRequired(int type) {
        return type < 0x8000;
    }

    record MappedAddress(InetSocketAddress address) implements AddressAttribute {
        public MappedAddress {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return MAPPED_ADDRESS;
        }
    }

    record XorMappedAddress(InetSocketAddress address) implements AddressAttribute {
        public XorMappedAddress {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return XOR_MAPPED_ADDRESS;
        }
    }

    /** RFC 3489 SOURCE-ADDRESS: where a response was sent from (RFC 5780 calls it RESPONSE-ORIGIN). */
    record SourceAddress(InetSocketAddress address) implements AddressAttribute {
        public SourceAddress {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return SOURCE_ADDRESS;
        }
    }

    /** RFC 3489 CHANGED-ADDRESS: the server's alternate address (RFC 5780 calls it OTHER-ADDRESS). */
    record ChangedAddress(InetSocketAddress address) implements AddressAttribute {
        public ChangedAddress {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return CHANGED_ADDRESS;
        }
    }

    record ResponseOrigin(InetSocketAddress address) implements AddressAttribute {
        public ResponseOrigin {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return RESPONSE_ORIGIN;
        }
    }

    record OtherAddress(InetSocketAddress address) implements AddressAttribute {
        public OtherAddress {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return OTHER_ADDRESS;
        }
    }

    record ChangeRequest(boolean changeIp, boolean changePort) implements StunAttribute {
        public int type() {
            return CHANGE_REQUEST;
        }
    }

    record ResponsePort(int port) implements StunAttribute {
        public ResponsePort {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        public int type() {
            return RESPONSE_PORT;
        }
    }

    record Username(String value) implements StunAttribute {
        public Username {
            Objects.requireNonNull(value, "value");
        }

        public int type() {
            return USERNAME;
        }
    }

    record Software(String value) implements StunAttribute {
        public Software {
            Objects.requireNonNull(value, "value");
        }

        public int type() {
            return SOFTWARE;
        }
    }

    record ErrorCode(int code, String reason) implements StunAttribute {
        public ErrorCode {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("error code must be 300..699, got " + code);
            }
            Objects.requireNonNull(reason, "reason");
        }

        public int type() {
            return ERROR_CODE;
        }
    }

    /** UNKNOWN-ATTRIBUTES: the comprehension-required types a server did not understand (420 answers). */
    record UnknownAttributes(int[] types) implements StunAttribute {
        public UnknownAttributes {
            types = types.clone();
        }

        @Override
        public int[] types() {
            return types.clone();
        }

        public int type() {
            return UNKNOWN_ATTRIBUTES;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UnknownAttributes other && Arrays.equals(types, other.types);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(types);
        }

        @Override
        public String toString() {
            return "UnknownAttributes" + Arrays.toString(types);
        }
    }

    /** The HMAC-SHA1 as found on the wire; encoding computes it, so it is never written from this record. */
    record MessageIntegrity(byte[] hmac) implements StunAttribute {
        public MessageIntegrity {
            hmac = hmac.clone();
        }

        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        public int type() {
            return MESSAGE_INTEGRITY;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegrity other && Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegrity[" + HexFormat.of().formatHex(hmac) + "]";
        }
    }

    /** The HMAC-SHA256 (possibly truncated to 16..32 bytes) as found on the wire. */
    record MessageIntegritySha256(byte[] hmac) implements StunAttribute {
        public MessageIntegritySha256 {
            hmac = hmac.clone();
        }

        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        public int type() {
            return MESSAGE_INTEGRITY_SHA256;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegritySha256 other && Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegritySha256[" + HexFormat.of().formatHex(hmac) + "]";
        }
    }

    /** The CRC value as found on the wire; encoding computes it. */
    record Fingerprint(int crc) implements StunAttribute {
        public int type() {
            return FINGERPRINT;
        }
    }

    record Priority(int priority) implements StunAttribute {
        public int type() {
            return PRIORITY;
        }
    }

    record UseCandidate() implements StunAttribute {
        public int type() {
            return USE_CANDIDATE;
        }
    }

    record IceControlling(long tieBreaker) implements StunAttribute {
        public int type() {
            return ICE_CONTROLLING;
        }
    }

    record IceControlled(long tieBreaker) implements StunAttribute {
        public int type() {
            return ICE_CONTROLLED;
        }
    }

    /** PADDING (RFC 5780): its length is all that matters. */
    record Padding(int length) implements StunAttribute {
        public Padding {
            if (length < 0 || length > 65535) {
                throw new IllegalArgumentException("padding length out of range: " + length);
            }
        }

        public int type() {
            return PADDING;
        }
    }

    /** Any attribute this codec does not model, kept byte for byte. */
    record UnknownAttribute(int type, byte[] value) implements StunAttribute {
        public UnknownAttribute {
            if (type < 0 || type > 0xFFFF) {
                throw new IllegalArgumentException("attribute type out of range: " + type);
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UnknownAttribute other && type == other.type && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return String.format("UnknownAttribute[0x%04x, %s]", type, HexFormat.of().formatHex(value));
        }
    }
}
