package net.sippunch.traversal.nat.emulated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class TunnelFrameTest {

    @Test
    void anIpv4FrameIsSevenBytesOfPrefixThenThePayload() {
        TunnelFrame frame = new TunnelFrame(new InetSocketAddress("127.0.0.12", 40001), new byte[] {9, 8});
        byte[] wire = frame.encode();
        assertArrayEquals(new byte[] {4, 127, 0, 0, 12, (byte) 0x9c, 0x41, 9, 8}, wire);
        TunnelFrame back = TunnelFrame.decode(wire).orElseThrow();
        assertEquals(frame.peer(), back.peer());
        assertArrayEquals(frame.payload(), back.payload());
    }

    @Test
    void anIpv6FrameRoundTrips() {
        TunnelFrame frame = new TunnelFrame(new InetSocketAddress("::1", 65535), new byte[0]);
        byte[] wire = frame.encode();
        assertEquals(TunnelFrame.MAX_HEADER, wire.length);
        assertEquals(frame.peer(), TunnelFrame.decode(wire).orElseThrow().peer());
    }

    @Test
    void aMalformedPrefixIsRefused() {
        assertTrue(TunnelFrame.decode(new byte[0]).isEmpty());
        assertTrue(TunnelFrame.decode(new byte[] {5, 1, 2, 3, 4, 5, 0, 1}).isEmpty());
        assertTrue(TunnelFrame.decode(new byte[] {4, 127, 0, 0, 1, 0}).isEmpty());
    }
}
