package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Asserts that a recording holds the tone that was played (G.711 round trip, amplitude 0.3). */
public final class ToneCheck {

    private ToneCheck() {
    }

    public static void assertTone(short[] recording, double expectedHz, double otherHz) {
        assertTrue(recording.length >= 8000, "less than a second recorded: " + recording.length + " samples");
        double expectedRms = 0.3 * 32767 / Math.sqrt(2);
        double rms = Audio.rms(recording);
        assertTrue(Math.abs(rms - expectedRms) < 0.15 * expectedRms,
                "RMS " + rms + " is not the played tone's " + expectedRms);
        double wanted = Audio.power(recording, expectedHz);
        double other = Audio.power(recording, otherHz);
        assertTrue(wanted > 100 * other, "power at " + expectedHz + " Hz " + wanted + " vs " + otherHz + " Hz " + other);
        // a pure tone: most of the energy sits at its frequency (Goertzel power ~ amplitude^2 / 4); a few frames
        // lost or played out late on a busy machine break the phase and spread some of it
        double amplitude = 0.3 * 32767;
        assertTrue(wanted > 0.5 * amplitude * amplitude / 4, "power at " + expectedHz + " Hz only " + wanted);
    }
}
