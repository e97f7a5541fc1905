package net.sippunch.traversal.upnp.natpmp;

import java.net.InetAddress;
import java.util.Objects;

/** A NAT-PMP response (RFC 6886 section 3). */
public sealed interface NatPmpResponse {

    /** 0 success, 1 unsupported version, 2 refused, 3 network failure, 4 out of resources, 5 unsupported opcode. */
    int resultCode();

    /** The gateway's seconds since its mappings were last reset. */
    long epochSeconds();

    /** Answer to the external address request (opcode 128). */
    record ExternalAddress(int resultCode, long epochSeconds, InetAddress address) implements NatPmpResponse {
        public ExternalAddress {
            Objects.requireNonNull(address, "address");
        }
    }

    /** Answer to a UDP mapping request (opcode 129). */
    record UdpMapping(int resultCode, long epochSeconds, int internalPort, int externalPort, long lifetimeSeconds)
            implements NatPmpResponse {
    }

    /** The text of a result code, for reports. */
    static String describe(int resultCode) {
        return switch (resultCode) {
            case 0 -> "Success";
            case 1 -> "Unsupported Version";
            case 2 -> "Not Authorized/Refused";
            case 3 -> "Network Failure";
            case 4 -> "Out of resources";
            case 5 -> "Unsupported opcode";
            default -> "result code " + resultCode;
        };
    }
}
