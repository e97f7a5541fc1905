package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class G711Test {

    @Test
    void knownCodeWords() {
        assertEquals((byte) 0xFF, G711.linearToMulaw((short) 0));
        assertEquals(0, G711.mulawToLinear((byte) 0xFF));
        assertEquals(-32124, G711.mulawToLinear((byte) 0x00));
        assertEquals(32124, G711.mulawToLinear((byte) 0x80));
        assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
        assertEquals(8, G711.alawToLinear((byte) 0xD5));
        assertEquals(-8, G711.alawToLinear((byte) 0x55));
        assertEquals(32256, G711.alawToLinear((byte) 0xAA));
        assertEquals(-32256, G711.alawToLinear((byte) 0x2A));
    }

    @Test
    void everyCodeWordSurvivesDecodeThenEncode() {
        for (int b = 0; b < 256; b++) {
            byte code = (byte) b;
            short mu = G711.mulawToLinear(code);
            // 0x7F and 0xFF both decode to zero (negative and positive zero)
            if (mu != 0) {
                assertEquals(code, G711.linearToMulaw(mu), "mu-law code " + b);
            }
            assertEquals(code, G711.linearToAlaw(G711.alawToLinear(code)), "A-law code " + b);
        }
    }

    @Test
    void quantisationErrorStaysWithinHalfAStepOfTheSegment() {
        for (int x = -32768; x <= 32767; x++) {
            short s = (short) x;
            int mu = Math.abs(G711.mulawToLinear(G711.linearToMulaw(s)) - x);
            int a = Math.abs(G711.alawToLinear(G711.linearToAlaw(s)) - x);
            // segment steps double from 2 (mu) / 16 (A) up to 1024: the error is below x/16 plus the smallest step
            int bound = Math.abs(x) / 16 + 17;
            if (Math.abs(x) <= 32635) {
                assertTrue(mu <= bound, "mu-law error " + mu + " at " + x);
            }
            assertTrue(a <= bound, "A-law error " + a + " at " + x);
        }
    }
}
