package net.sippunch.traversal.stun;

/** What decoding a datagram gives: a message, or the reason it is not a well-formed one. */
public sealed interface StunDecodeResult {

    record Decoded(StunMessage message) implements StunDecodeResult {
    }

    record Malformed(String reason) implements StunDecodeResult {
    }
}
