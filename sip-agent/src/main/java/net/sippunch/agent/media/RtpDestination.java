package net.sippunch.agent.media;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Where a peer's SDP may send our RTP: a unicast address of the family our media socket speaks. A multicast
 * or broadcast {@code c=} would turn the agent into an amplifier toward a group of the sender's choosing, the
 * unspecified address would send RTP to this host itself, and an address of the other family cannot be
 * reached from our socket at all; all get 488.
 */
final class RtpDestination {

    private static final byte[] BROADCAST = {(byte) 255, (byte) 255, (byte) 255, (byte) 255};

    private RtpDestination() {
    }

    /**
     * @param target the address from the peer's {@code c=} and the port from its {@code m=}
     * @param local  an address of our media socket's family (its bound or advertised address)
     * @return {@code target}, when RTP may go there
     * @throws SdpProblem naming why not
     */
    static InetSocketAddress check(InetSocketAddress target, InetAddress local) throws SdpProblem {
        InetAddress address = target.getAddress();
        if (address == null) {
            throw new SdpProblem("media address " + target.getHostString() + " does not resolve");
        }
        if (address.isMulticastAddress()) {
            throw new SdpProblem("media address " + address.getHostAddress() + " is multicast; RTP goes to unicast "
                    + "addresses only");
        }
        if (address.isAnyLocalAddress()) {
            // 0.0.0.0 (RFC 2543's hold) reaches this host itself on Linux
            throw new SdpProblem("media address " + address.getHostAddress() + " is unspecified");
        }
        if (Arrays.equals(address.getAddress(), BROADCAST)) {
            throw new SdpProblem("media address " + address.getHostAddress() + " is the broadcast address");
        }
        if ((address instanceof Inet4Address) != (local instanceof Inet4Address)) {
            throw new SdpProblem("media address " + address.getHostAddress() + " is IPv"
                    + (address instanceof Inet4Address ? 4 : 6) + "; this agent's media socket speaks IPv"
                    + (local instanceof Inet4Address ? 4 : 6));
        }
        return target;
    }
}
