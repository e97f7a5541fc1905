package net.sippunch.traversal.upnp.natpmp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/** NAT-PMP messages (RFC 6886): the two requests this project sends and their responses. */
public final class NatPmpCodec {

    /** The gateway's NAT-PMP port. */
    public static final int PORT = 5351;
    private static final int OP_EXTERNAL_ADDRESS = 0;
    private static final int OP_MAP_UDP = 1;
    private static final int RESPONSE = 128;

    private NatPmpCodec() {
    }

    /** Request for the gateway's external address (2 bytes). */
    public static byte[] externalAddressRequest() {
        return new byte[] {0, OP_EXTERNAL_ADDRESS};
    }

    /**
     * Request to map (or, with lifetime 0 and external port 0, delete) a UDP port (12 bytes).
     *
     * @param internalPort          the internal port
     * @param suggestedExternalPort the external port asked for (0: let the gateway choose)
     * @param lifetimeSeconds       the lifetime asked for; 0 deletes
     */
    public static byte[] mapUdpRequest(int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
        if (internalPort < 1 || internalPort > 65535 || suggestedExternalPort < 0 || suggestedExternalPort > 65535
                || lifetimeSeconds < 0 || lifetimeSeconds > 0xffffffffL) {
            throw new IllegalArgumentException("bad mapping request " + internalPort + "/" + suggestedExternalPort
                    + "/" + lifetimeSeconds);
        }
        return ByteBuffer.allocate(12).put((byte) 0).put((byte) OP_MAP_UDP).putShort((short) 0)
                .putShort((short) internalPort).putShort((short) suggestedExternalPort)
                .putInt((int) lifetimeSeconds).array();
    }

    /** Decodes a response; empty for anything that is not a well-formed version-0 response this project asks for. */
    public static Optional<NatPmpResponse> decode(byte[] payload) {
        if (payload.length < 8 || payload[0] != 0) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.get();
        int opcode = b.get() & 0xff;
        int result = b.getShort() & 0xffff;
        long epoch = b.getInt() & 0xffffffffL;
        if (opcode == RESPONSE + OP_EXTERNAL_ADDRESS && payload.length >= 12) {
            try {
                return Optional.of(new NatPmpResponse.ExternalAddress(result, epoch,
                        InetAddress.getByAddress(Arrays.copyOfRange(payload, 8, 12))));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an address", e);
            }
        }
        if (opcode == RESPONSE + OP_MAP_UDP && payload.length >= 16) {
            return Optional.of(new NatPmpResponse.UdpMapping(result, epoch, b.getShort() & 0xffff,
                    b.getShort() & 0xffff, b.getInt() & 0xffffffffL));
        }
        if (opcode == RESPONSE + OP_MAP_UDP && result != 0) {
            // an error may come cut to the common header; its other fields mean nothing anyway (RFC 6886 3.5)
            return Optional.of(new NatPmpResponse.UdpMapping(result, epoch, 0, 0, 0));
        }
        return Optional.empty();
    }
}
