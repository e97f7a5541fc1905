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
    /** RFC 8656 CHANNEL-NUMBER. */
    int CHANNEL_NUMBER = 0x000C;
    /** RFC 8656 LIFETIME. */
    int LIFETIME = 0x000D;
    /** RFC 8656 XOR-PEER-ADDRESS. */
    int XOR_PEER_ADDRESS = 0x0012;
    /** RFC 8656 DATA. */
    int DATA = 0x0013;
    /** RFC 8489 REALM. */
    int REALM = 0x0014;
    /** RFC 8489 NONCE. */
    int NONCE = 0x0015;
    /** RFC 8656 XOR-RELAYED-ADDRESS. */
    int XOR_RELAYED_ADDRESS = 0x0016;
    /** RFC 8656 REQUESTED-TRANSPORT. */
    int REQUESTED_TRANSPORT = 0x0019;
    /** RFC 8656 DONT-FRAGMENT. */
    int DONT_FRAGMENT = 0x001A;
    int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    int XOR_MAPPED_ADDRESS = 0x0020;
    int PRIORITY = 0x0024;
    int USE_CANDIDATE = 0x0025;
    int PADDING = 0x0026;
    int RESPONSE_PORT = 0x0027;
    int SOFTWARE = 0x8022;
    /** RFC 8489 ALTERNATE-SERVER (with 300 Try Alternate). */
    int ALTERNATE_SERVER = 0x8023;
    int FINGERPRINT = 0x8028;
    int ICE_CONTROLLED = 0x8029;
    int ICE_CONTROLLING = 0x802A;
    int RESPONSE_ORIGIN = 0x802B;
    int OTHER_ADDRESS = 0x802C;

    /** RFC 8489 limit for USERNAME, in bytes. */
    int MAX_USERNAME_BYTES = 513;
    /** RFC 8489 limit for reason phrases, SOFTWARE, REALM and NONCE, in characters. */
    int MAX_TEXT_CHARS = 127;
    /** The REQUESTED-TRANSPORT protocol number of UDP (RFC 8656 section 18.7). */
    int TRANSPORT_UDP = 17;

    /** The attributes whose value is a transport address. */
    sealed interface AddressAttribute extends StunAttribute
            permits MappedAddress, XorMappedAddress, SourceAddress, ChangedAddress, ResponseOrigin, OtherAddress,
            XorPeerAddress, XorRelayedAddress, AlternateServer {
        InetSocketAddress address();

        /** True when the address is XORed with the magic cookie and transaction ID on the wire. */
        default boolean xored() {
            return false;
        }
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

        @Override
        public boolean xored() {
            return true;
        }
    }

    /** RFC 8656 XOR-PEER-ADDRESS: a peer of the relay, in CreatePermission, ChannelBind, Send and Data. */
    record XorPeerAddress(InetSocketAddress address) implements AddressAttribute {
        public XorPeerAddress {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return XOR_PEER_ADDRESS;
        }

        @Override
        public boolean xored() {
            return true;
        }
    }

    /** RFC 8656 XOR-RELAYED-ADDRESS: the relayed transport address an Allocate success gives. */
    record XorRelayedAddress(InetSocketAddress address) implements AddressAttribute {
        public XorRelayedAddress {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return XOR_RELAYED_ADDRESS;
        }

        @Override
        public boolean xored() {
            return true;
        }
    }

    /** RFC 8489 ALTERNATE-SERVER: where a 300 Try Alternate sends the client (not XORed). */
    record AlternateServer(InetSocketAddress address) implements AddressAttribute {
        public AlternateServer {
            Objects.requireNonNull(address, "address");
        }

        public int type() {
            return ALTERNATE_SERVER;
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

    /** RFC 8489 REALM (long-term credentials). */
    record Realm(String value) implements StunAttribute {
        public Realm {
            Objects.requireNonNull(value, "value");
        }

        public int type() {
            return REALM;
        }
    }

    /** RFC 8489 NONCE (long-term credentials). */
    record Nonce(String value) implements StunAttribute {
        public Nonce {
            Objects.requireNonNull(value, "value");
        }

        public int type() {
            return NONCE;
        }
    }

    /** RFC 8656 CHANNEL-NUMBER: the channel (0x4000..0x4FFF when valid) and two reserved bytes. */
    record ChannelNumber(int channel) implements StunAttribute {
        public ChannelNumber {
            if (channel < 0 || channel > 0xFFFF) {
                throw new IllegalArgumentException("channel number out of range: " + channel);
            }
        }

        public int type() {
            return CHANNEL_NUMBER;
        }
    }

    /** RFC 8656 LIFETIME, in seconds (an unsigned 32-bit number). */
    record Lifetime(long seconds) implements StunAttribute {
        public Lifetime {
            if (seconds < 0 || seconds > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("lifetime out of range: " + seconds);
            }
        }

        public int type() {
            return LIFETIME;
        }
    }

    /** RFC 8656 REQUESTED-TRANSPORT: an IP protocol number ({@link #TRANSPORT_UDP}) and three reserved bytes. */
    record RequestedTransport(int protocol) implements StunAttribute {
        public RequestedTransport {
            if (protocol < 0 || protocol > 0xFF) {
                throw new IllegalArgumentException("protocol out of range: " + protocol);
            }
        }

        public int type() {
            return REQUESTED_TRANSPORT;
        }
    }

    /** RFC 8656 DONT-FRAGMENT: no value. */
    record DontFragment() implements StunAttribute {
        public int type() {
            return DONT_FRAGMENT;
        }
    }

    /** RFC 8656 DATA: the application bytes of a Send or Data indication. */
    record Data(byte[] value) implements StunAttribute {
        public Data {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        public int type() {
            return DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Data[" + value.length + " bytes]";
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
