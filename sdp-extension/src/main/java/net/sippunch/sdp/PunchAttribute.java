package net.sippunch.sdp;

/** The SDP attribute names of the extension, with the standard ICE credential attributes it reuses. */
public enum PunchAttribute {
    /** {@code a=punch-version:1}; its presence marks the extension. */
    VERSION("punch-version"),
    /** {@code a=punch-private:IP PORT}: the local (private) transport address of the media port. */
    PRIVATE("punch-private"),
    /** {@code a=punch-mapped:IP PORT SERVER-IP SERVER-PORT OFFSET-MS}: one discovery sample. */
    MAPPED("punch-mapped"),
    /** {@code a=punch-delta:D}: the port differential between the first two mappings. */
    DELTA("punch-delta"),
    /** {@code a=punch-nat:TYPE MAPPING FILTERING ALLOCATION}: the NAT classification. */
    NAT("punch-nat"),
    /** {@code a=punch-upnp:IP PORT}: an external tuple mapped on a UPnP IGD. */
    UPNP("punch-upnp"),
    /** {@code a=punch-peer-correction:IP PORT}: in an answer, the answerer's view of the offerer's tuple. */
    PEER_CORRECTION("punch-peer-correction"),
    /** {@code a=ice-ufrag} (RFC 8839): the probe username fragment. */
    ICE_UFRAG("ice-ufrag"),
    /** {@code a=ice-pwd} (RFC 8839): the probe password. */
    ICE_PWD("ice-pwd");

    /** The prefix every attribute of this extension starts with. */
    public static final String PREFIX = "punch-";

    private final String sdpName;

    PunchAttribute(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The attribute name as it appears after {@code a=}. */
    public String sdpName() {
        return sdpName;
    }

    /** The attribute with this exact (case-sensitive) name, or {@code null}. */
    public static PunchAttribute byName(String name) {
        for (PunchAttribute a : values()) {
            if (a.sdpName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
