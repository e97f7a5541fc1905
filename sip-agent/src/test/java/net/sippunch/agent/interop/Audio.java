package net.sippunch.agent.interop;

/** Measures a recording: RMS and the power of one frequency (Goertzel). */
final class Audio {

    private Audio() {
    }

    static double rms(short[] s) {
        double sum = 0;
        for (short v : s) {
            sum += (double) v * v;
        }
        return s.length == 0 ? 0 : Math.sqrt(sum / s.length);
    }

    /** The normalised power of {@code hz} in the samples (8 kHz). */
    static double power(short[] s, double hz) {
        double w = 2 * Math.PI * hz / 8000;
        double coeff = 2 * Math.cos(w);
        double q1 = 0;
        double q2 = 0;
        for (short v : s) {
            double q0 = coeff * q1 - q2 + v;
            q2 = q1;
            q1 = q0;
        }
        double p = q1 * q1 + q2 * q2 - coeff * q1 * q2;
        return s.length == 0 ? 0 : p / ((double) s.length * s.length);
    }
}
