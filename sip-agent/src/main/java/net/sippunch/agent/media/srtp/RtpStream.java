package net.sippunch.agent.media.srtp;

/**
 * The per-SSRC state of SRTP in one direction: the rollover counter, the highest sequence number s_l and the
 * replay list, with the index estimate of RFC 3711 section 3.3.1 and appendix A. The sender and the receiver
 * keep the same state; the sender's replay check keeps a keystream from being used twice.
 */
final class RtpStream {

    /** The highest SRTP index: 2^48 packets per master key (RFC 3711 section 9.2). */
    static final long MAX_INDEX = (1L << 48) - 1;

    private long roc;
    private int highestSequence = -1;
    private final ReplayWindow window = new ReplayWindow();

    /**
     * The packet index of {@code seq} as RFC 3711 appendix A guesses it: the ROC one up when seq is far below
     * s_l (a wrap), one down when far above (a late packet from before the wrap). -1 for a packet from before
     * the stream's first index.
     */
    long estimate(int seq) {
        if (highestSequence < 0) {
            return seq; // the first packet: ROC 0 (RFC 3711 section 3.3.1)
        }
        long v;
        if (highestSequence < 32768) {
            v = seq - highestSequence > 32768 ? roc - 1 : roc;
        } else {
            v = highestSequence - 32768 > seq ? roc + 1 : roc;
        }
        return v < 0 ? -1 : (v << 16) | seq;
    }

    /** True when {@code index} was not accepted before and is not too old for the replay list. */
    boolean fresh(long index) {
        return index >= 0 && window.fresh(index);
    }

    /** Records an authenticated packet: advances ROC and s_l when it is the newest, marks the replay list. */
    void accept(long index) {
        long v = index >>> 16;
        int seq = (int) (index & 0xFFFF);
        if (highestSequence < 0 || v > roc || (v == roc && seq > highestSequence)) {
            roc = v;
            highestSequence = seq;
        }
        window.accept(index);
    }

    long rolloverCounter() {
        return roc;
    }
}
