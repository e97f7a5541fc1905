package net.sippunch.traversal.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** RFC 8656 section 12.4 framing: a four-byte header, the data, padding accepted but not written over UDP. */
class ChannelDataTest {

    @Test
    void writesTheHeaderAndTheDataWithoutPadding() {
        byte[] wire = new ChannelData(0x4001, new byte[] {'a', 'b', 'c'}).encode();
        assertArrayEquals(hex("4001 0003 616263"), wire);
        assertTrue(ChannelData.looksLikeChannelData(wire));
    }

    @Test
    void readsUnpaddedAndPaddedMessages() {
        ChannelData expected = new ChannelData(0x4001, new byte[] {'a', 'b', 'c'});
        assertEquals(Optional.of(expected), ChannelData.decode(hex("4001 0003 616263")));
        assertEquals(Optional.of(expected), ChannelData.decode(hex("4001 0003 616263 00")));
        assertEquals(Optional.of(new ChannelData(0x4FFF, new byte[0])), ChannelData.decode(hex("4fff 0000")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "4001 0004 616263", // length overruns the datagram
        "4001 0001 61 000000 00", // more than the padding after the data
        "3fff 0001 61", // below the channel range (a STUN method would start 0x00..0x3F)
        "5000 0001 61", // above the client range of RFC 8656
        "4001 00", // shorter than a header
    })
    void refusesMalformedMessages(String datagram) {
        assertEquals(Optional.empty(), ChannelData.decode(hex(datagram)));
    }

    @Test
    void tellsChannelDataFromStunAndRtpByTheFirstByte() {
        assertFalse(ChannelData.looksLikeChannelData(hex("0001 0000 2112a442")));
        assertFalse(ChannelData.looksLikeChannelData(hex("8000 0001 00000000")));
        assertTrue(ChannelData.looksLikeChannelData(hex("4000 0000")));
    }

    @Test
    void refusesChannelNumbersOutsideTheClientRange() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelData(0x3FFF, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new ChannelData(0x5000, new byte[0]));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }
}
