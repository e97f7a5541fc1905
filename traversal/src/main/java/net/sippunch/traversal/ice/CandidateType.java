package net.sippunch.traversal.ice;

/** The kinds of ICE candidate (RFC 8445 section 5.1.1), with the type preferences section 5.1.2.2 recommends. */
public enum CandidateType {
    /** An address of the host's own interface. */
    HOST("host", 126),
    /** The address a STUN server saw the host's packets come from. */
    SERVER_REFLEXIVE("srflx", 100),
    /** The address the peer saw a connectivity check come from, learned during the checks. */
    PEER_REFLEXIVE("prflx", 110),
    /** An address on a TURN relay. */
    RELAYED("relay", 0);

    private final String token;
    private final int typePreference;

    CandidateType(String token, int typePreference) {
        this.token = token;
        this.typePreference = typePreference;
    }

    /** The {@code typ} token of {@code a=candidate}. */
    public String token() {
        return token;
    }

    /** The recommended type preference, 0..126. */
    public int typePreference() {
        return typePreference;
    }

    /** The type a {@code typ} token names (case-insensitive, RFC 8839 tokens are), or {@code null}. */
    public static CandidateType ofToken(String token) {
        for (CandidateType t : values()) {
            if (t.token.equalsIgnoreCase(token)) {
                return t;
            }
        }
        return null;
    }
}
