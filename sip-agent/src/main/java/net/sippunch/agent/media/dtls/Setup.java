package net.sippunch.agent.media.dtls;

import java.util.Locale;
import net.sippunch.agent.media.SdpProblem;

/**
 * The SDP {@code a=setup} attribute (RFC 4145 section 4, RFC 5763 section 5): which end opens the DTLS
 * association. The offerer writes {@link #ACTPASS}; the answerer picks {@link #ACTIVE} (it sends the
 * ClientHello, the usual choice) or {@link #PASSIVE}.
 */
public enum Setup {
    ACTIVE, PASSIVE, ACTPASS, HOLDCONN;

    /**
     * Reads the attribute's value; a missing attribute means {@link #ACTIVE} (RFC 4145 section 4).
     *
     * @throws SdpProblem for any other word
     */
    public static Setup parse(String value) throws SdpProblem {
        if (value == null) {
            return ACTIVE;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (Setup s : values()) {
            if (s.value().equals(v)) {
                return s;
            }
        }
        throw new SdpProblem("a=setup: unknown value \"" + value + "\" (known: active, passive, actpass, holdconn)");
    }

    /** The attribute's value, as written in SDP. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The whole SDP line. */
    public String line() {
        return "a=setup:" + value();
    }

    /**
     * What the answerer writes to an offer's attribute: active to actpass (RFC 5763 section 5) and to passive,
     * passive to active.
     *
     * @throws SdpProblem for holdconn, and for a value no offer may carry
     */
    public Setup answer() throws SdpProblem {
        return switch (this) {
            case ACTPASS, PASSIVE -> ACTIVE;
            case ACTIVE -> PASSIVE;
            case HOLDCONN -> throw new SdpProblem("a=setup:holdconn: the offer holds the DTLS connection back");
        };
    }

    /**
     * Whether the offerer (which wrote actpass) is the DTLS client, given the answer's attribute: it is when the
     * answer is passive.
     *
     * @throws SdpProblem for actpass or holdconn in an answer
     */
    public boolean offererIsClient() throws SdpProblem {
        return switch (this) {
            case PASSIVE -> true;
            case ACTIVE -> false;
            case ACTPASS, HOLDCONN -> throw new SdpProblem("a=setup:" + value() + " in an answer (active or passive "
                    + "expected)");
        };
    }
}
