package net.sippunch.agent.media.srtp;

import java.util.Objects;

/**
 * The master keys of a call's SRTP once offer and answer agreed on them: ours protects what we send, the
 * peer's unprotects what we receive. Both are of the same suite.
 */
public record SrtpKeys(MasterKey send, MasterKey receive) {

    public SrtpKeys {
        Objects.requireNonNull(send, "send");
        Objects.requireNonNull(receive, "receive");
        if (send.suite() != receive.suite()) {
            throw new IllegalArgumentException("suites differ: " + send.suite() + ", " + receive.suite());
        }
    }

    public CryptoSuite suite() {
        return send.suite();
    }
}
