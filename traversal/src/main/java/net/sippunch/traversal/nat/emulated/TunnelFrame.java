package net.sippunch.traversal.nat.emulated;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * How a host behind an emulated NAT box and the box exchange datagrams on loopback: the datagram's payload
 * prefixed with the address it is really for (outbound) or really from (inbound). The prefix is the address
 * length (4 or 16), the address and the port in network order; an IPv4 prefix takes 7 bytes.
 *
 * @param peer    the real destination (host to box) or the real source (box to host)
 * @param payload the datagram as the application sent it or will read it
 */
public record TunnelFrame(InetSocketAddress peer, byte[] payload) {

    /** The longest prefix (an IPv6 address). */
    public static final int MAX_HEADER = 1 + 16 + 2;

    public TunnelFrame {
        if (peer.getAddress() == null) {
            throw new IllegalArgumentException("unresolved address " + peer);
        }
    }

    /** The prefix for {@code peer}, to put before a payload. */
    public static byte[] header(InetSocketAddress peer) {
        byte[] ip = peer.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(1 + ip.length + 2);
        b.put((byte) ip.length).put(ip).putShort((short) peer.getPort());
        return b.array();
    }

    /** The prefix and the payload in one datagram. */
    public byte[] encode() {
        byte[] header = header(peer);
        byte[] out = new byte[header.length + payload.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(payload, 0, out, header.length, payload.length);
        return out;
    }

    /**
     * Reads the prefix at the buffer's position and leaves the position after it.
     *
     * @return the address of the prefix, or empty when the datagram is too short or the length byte is
     *         neither 4 nor 16 (the position is then unspecified)
     */
    public static Optional<InetSocketAddress> readHeader(ByteBuffer datagram) {
        if (!datagram.hasRemaining()) {
            return Optional.empty();
        }
        int length = datagram.get() & 0xff;
        if ((length != 4 && length != 16) || datagram.remaining() < length + 2) {
            return Optional.empty();
        }
        byte[] ip = new byte[length];
        datagram.get(ip);
        int port = datagram.getShort() & 0xffff;
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(ip), port));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes was refused", e);
        }
    }

    /** Decodes a whole datagram; empty when its prefix is malformed. */
    public static Optional<TunnelFrame> decode(byte[] datagram) {
        ByteBuffer b = ByteBuffer.wrap(datagram);
        return readHeader(b).map(peer -> {
            byte[] payload = new byte[b.remaining()];
            b.get(payload);
            return new TunnelFrame(peer, payload);
        });
    }
}
