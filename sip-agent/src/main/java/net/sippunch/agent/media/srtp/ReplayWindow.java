package net.sippunch.agent.media.srtp;

/**
 * The replay list of RFC 3711 section 3.3.2: the highest index accepted and which of the {@link #SIZE}
 * indices at or below it were accepted. Indices further back are too old and refused. A bit per index in a
 * ring: bit {@code i % SIZE} stands for index {@code i} while {@code i} is in the window.
 */
final class ReplayWindow {

    /** Packets remembered: twice RFC 3711's minimum of 64. */
    static final int SIZE = 128;

    private final long[] bits = new long[SIZE / 64];
    private long highest = -1;

    /** True when {@code index} was not accepted before and is not too old to tell. */
    boolean fresh(long index) {
        if (index > highest) {
            return true;
        }
        if (highest - index >= SIZE) {
            return false;
        }
        return !test(index);
    }

    /** Records {@code index} as accepted (after its packet authenticated). */
    void accept(long index) {
        if (index > highest) {
            long advance = highest < 0 ? SIZE : index - highest;
            if (advance >= SIZE) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long i = highest + 1; i < index; i++) {
                    clear(i);
                }
            }
            highest = index;
        }
        set(index);
    }

    /** The highest index accepted, -1 before the first. */
    long highest() {
        return highest;
    }

    private boolean test(long index) {
        int bit = (int) (index % SIZE);
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(long index) {
        int bit = (int) (index % SIZE);
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long index) {
        int bit = (int) (index % SIZE);
        bits[bit >>> 6] &= ~(1L << (bit & 63));
    }
}
