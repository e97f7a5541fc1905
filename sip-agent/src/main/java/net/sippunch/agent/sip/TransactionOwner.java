package net.sippunch.agent.sip;

import javax.sip.Dialog;
import javax.sip.ResponseEvent;

/** Whoever sent a request and wants its responses: a registration, a call. */
public interface TransactionOwner {

    /** A response to a request this owner sent (provisional or final, or a retransmitted 2xx). */
    void onResponse(ResponseEvent event);

    /** The transaction timed out (no final response) or could not be sent. */
    void onTimeout(String reason);

    /**
     * The stack ended a dialog this owner stored itself on (for instance: no ACK for a 2xx, or the dialog of
     * a request that was challenged and sent again).
     */
    default void onDialogTerminated(Dialog dialog) {
    }
}
