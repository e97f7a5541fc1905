package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;

/** Asserts that a recording holds the tone that was played (G.711 round trip, amplitude 0.3). */
public final class ToneCheck {

    private ToneCheck() {
    }

    public static void assertTone(short[] recording, double expectedHz, double otherHz) {
        mismatch(recording, expectedHz, otherHz).ifPresent(reason -> fail(reason));
    }

    /**
     * Why the recording does not hold the played tone, or empty when it does: for tests that measure whether
     * media arrived rather than require it.
     */
    public static Optional<String> mismatch(short[] recording, double expectedHz, double otherHz) {
        if (recording.length < 8000) {
            return Optional.of("less than a second recorded: " + recording.length + " samples");
        }
        double expectedRms = 0.3 * 32767 / Math.sqrt(2);
        double rms = Audio.rms(recording);
        if (Math.abs(rms - expectedRms) >= 0.15 * expectedRms) {
            return Optional.of("RMS " + rms + " is not the played tone's " + expectedRms);
        }
        double wanted = Audio.power(recording, expectedHz);
        double other = Audio.power(recording, otherHz);
        if (wanted <= 100 * other) {
            return Optional.of("power at " + expectedHz + " Hz " + wanted + " vs " + otherHz + " Hz " + other);
        }
        // a pure tone: most of the energy sits at its frequency (Goertzel power ~ amplitude^2 / 4); a few frames
        // lost or played out late on a busy machine break the phase and spread some of it
        double amplitude = 0.3 * 32767;
        if (wanted <= 0.5 * amplitude * amplitude / 4) {
            return Optional.of("power at " + expectedHz + " Hz only " + wanted);
        }
        return Optional.empty();
    }
}
