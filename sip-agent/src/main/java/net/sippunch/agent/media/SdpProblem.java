package net.sippunch.agent.media;

/** An SDP that cannot be used (malformed, no audio stream, no common codec); the message says why. */
public final class SdpProblem extends Exception {

    public SdpProblem(String message) {
        super(message);
    }
}
