package net.sippunch.agent.media.srtp;

/** Why a packet was not protected or not accepted. */
public enum DropReason {
    /** Shorter than a header and a tag. */
    TOO_SHORT,
    /** Not version 2, or a header longer than the packet. */
    MALFORMED,
    /** An SSRC this receiver does not take (not in its list, or its table of streams is full). */
    UNKNOWN_SSRC,
    /** An index seen before, or too old for the replay list. */
    REPLAYED,
    /** The tag does not match: altered, truncated, or under another key. */
    AUTH_FAILED,
    /** The master key protected its lifetime of packets, or the index ran out: a new key is needed. */
    KEY_EXHAUSTED
}
