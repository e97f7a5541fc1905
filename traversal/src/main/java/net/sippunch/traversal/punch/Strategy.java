package net.sippunch.traversal.punch;

/** What one side does to punch, chosen per NAT pair; the two sides' strategies are chosen together. */
public enum Strategy {
    /** Probe the peer's known tuple (UPnP, reported or, behind the same NAT, private); the peer does too. */
    DIRECT,
    /** Hold one flow toward the peer's fixed tuple while the peer sweeps this side's predicted ports. */
    HOLD,
    /** From the one fixed port, sweep the peer's predicted ports upward, window by window. */
    SWEEP,
    /** Both sides sequential: sweep the peer's ports with a stride that crosses the peer's sweep (1 and 2). */
    CROSSING,
    /** Fixed side against a random side: spray random ports of the peer's address. */
    BIRTHDAY_SPRAY,
    /** Random side against a fixed side: many local sockets, each opening a flow to the peer's tuple. */
    BIRTHDAY_SOCKETS,
    /** The method as written: the reported port + delta, then a window moved each round. */
    METHOD_WINDOW,
    /** No schedule can meet: both ports unpredictable, or one random against one sequential. */
    INFEASIBLE
}
