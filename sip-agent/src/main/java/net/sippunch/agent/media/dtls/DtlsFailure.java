package net.sippunch.agent.media.dtls;

/** Why a DTLS-SRTP handshake gave no keys; the message is what the call's report says. */
public final class DtlsFailure extends Exception {

    /** What went wrong, which decides whether a best-effort call may go on without SRTP. */
    public enum Kind {
        /** The peer's certificate is not the one its SDP vouched for (or it showed none): the call ends. */
        CERTIFICATE,
        /** No handshake within the deadline. */
        TIMEOUT,
        /** An alert, a protocol error, no profile in common, or the call stopped the handshake. */
        FAILED
    }

    private final Kind kind;

    public DtlsFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
