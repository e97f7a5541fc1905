package net.sippunch.traversal.ice;

import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * One ICE candidate of the media stream (RFC 8445 section 5.1), as carried in {@code a=candidate} (RFC 8839
 * section 5.1). Only UDP candidates are modelled; with rtcp-mux only component 1 is used.
 *
 * @param foundation 1..32 ice-chars; candidates of the same type, base IP and server share it
 * @param component  1 (RTP) or 2 (RTCP), 1..256 on the wire
 * @param priority   1..2^31-1 (RFC 8445 section 5.1.2)
 * @param address    the transport address
 * @param type       host, server-reflexive, peer-reflexive or relayed
 * @param related    {@code raddr}/{@code rport}: the base of a reflexive candidate, the mapped address of a
 *                   relayed one; empty for a host candidate (and where the peer hides it)
 */
public record Candidate(String foundation, int component, long priority, InetSocketAddress address,
                        CandidateType type, Optional<InetSocketAddress> related) {

    /** RTP's component id. */
    public static final int RTP = 1;
    /** RTCP's component id, for a stream that does not multiplex RTCP on the RTP port. */
    public static final int RTCP = 2;
    /** Highest priority first, the order of a check list and of {@code a=candidate} lines. */
    public static final Comparator<Candidate> HIGHEST_PRIORITY_FIRST =
            Comparator.comparingLong((Candidate c) -> c.priority()).reversed();

    public Candidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(related, "related");
        if (foundation.isEmpty() || foundation.length() > 32) {
            throw new IllegalArgumentException("foundation must be 1 to 32 characters, got " + foundation.length());
        }
        if (component < 1 || component > 256) {
            throw new IllegalArgumentException("component must be 1..256, got " + component);
        }
        if (priority < 1 || priority > 0x7FFF_FFFFL) {
            throw new IllegalArgumentException("priority must be 1..2^31-1, got " + priority);
        }
    }

    /**
     * The RFC 8445 section 5.1.2.1 priority: {@code 2^24 * type preference + 2^8 * local preference + (256 -
     * component)}.
     *
     * @param localPreference 0..65535, higher for the interface (or prediction) preferred
     */
    public static long priority(CandidateType type, int localPreference, int component) {
        if (localPreference < 0 || localPreference > 0xFFFF) {
            throw new IllegalArgumentException("local preference must be 0..65535, got " + localPreference);
        }
        return ((long) type.typePreference() << 24) + ((long) localPreference << 8) + (256 - component);
    }
}
