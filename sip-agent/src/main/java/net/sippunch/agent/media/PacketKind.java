package net.sippunch.agent.media;

/**
 * What arrived on the media port, told apart by the first byte (RFC 7983) and, for RTP and RTCP
 * sharing the port (RFC 5761), by the packet type.
 */
public enum PacketKind {
    STUN, DTLS, RTP, RTCP, OTHER;

    public static PacketKind of(byte[] datagram) {
        if (datagram.length == 0) {
            return OTHER;
        }
        int b = datagram[0] & 0xFF;
        if (b <= 3) {
            return STUN;
        }
        if (b >= 20 && b <= 63) {
            return DTLS;
        }
        if (b >= 128 && b <= 191) {
            if (datagram.length >= 2) {
                int pt = datagram[1] & 0xFF;
                if (pt >= 192 && pt <= 223) { // RFC 5761 section 4: RTCP packet types 192..223
                    return RTCP;
                }
            }
            return RTP;
        }
        return OTHER;
    }
}
