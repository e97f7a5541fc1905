package net.sippunch.agent.call;

import java.util.EnumSet;
import java.util.Set;

/** The states of a call, caller and callee side, and the moves allowed between them. */
public enum CallState {
    /** Created, nothing sent or received yet. */
    IDLE,
    /** Caller: INVITE sent, no provisional response yet. */
    CALLING,
    /** Caller: a provisional response (180, 183) arrived. */
    PROCEEDING,
    /** Caller: CANCEL wanted or sent, final response awaited. */
    CANCELLING,
    /** Callee: INVITE received, policy and answer pending. */
    INCOMING,
    /** Callee: 200 OK sent, ACK awaited. */
    ANSWERED,
    /** Both: 2xx and ACK done; media runs. */
    ESTABLISHED,
    /** Both: BYE sent, its response awaited. */
    ENDING,
    /** Both: over; the report is written. */
    ENDED;

    private Set<CallState> next;

    static {
        IDLE.next = EnumSet.of(CALLING, INCOMING, ENDED);
        CALLING.next = EnumSet.of(PROCEEDING, ESTABLISHED, CANCELLING, ENDED);
        PROCEEDING.next = EnumSet.of(PROCEEDING, ESTABLISHED, CANCELLING, ENDED);
        CANCELLING.next = EnumSet.of(ENDING, ENDED);
        INCOMING.next = EnumSet.of(ANSWERED, ENDED);
        ANSWERED.next = EnumSet.of(ESTABLISHED, ENDING, ENDED);
        ESTABLISHED.next = EnumSet.of(ENDING, ENDED);
        ENDING.next = EnumSet.of(ENDED);
        ENDED.next = EnumSet.noneOf(CallState.class);
    }

    /** True when a call in this state may move to {@code target}. */
    public boolean canMoveTo(CallState target) {
        return next.contains(target);
    }

    /**
     * The state after a move to {@code target}.
     *
     * @throws IllegalStateException when the move is not allowed (a programming error)
     */
    public CallState moveTo(CallState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("call cannot move from " + this + " to " + target);
        }
        return target;
    }
}
