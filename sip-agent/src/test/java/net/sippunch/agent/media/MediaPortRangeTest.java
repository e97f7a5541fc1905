package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;

/** Which ports a media range hands out: even ones whose RTCP neighbour is in the range too. */
class MediaPortRangeTest {

    @Test
    void theHighestEvenPortOfTheRangeIsNotHandedOutWithoutItsNeighbour() throws Exception {
        EventLoopGroup group = NettyTransport.newGroup(1, "test-media");
        List<NettyMediaPort> bound = new ArrayList<>();
        try {
            MediaPortRange range = new MediaPortRange(group, InetAddress.getLoopbackAddress(), 26901, 26906);
            for (int i = 0; i < 2; i++) {
                bound.add(range.bind());
            }
            assertEquals(List.of(26902, 26904), bound.stream().map(p -> p.localAddress().getPort()).toList());
            // 26906 is even, but its neighbour 26907 is outside the range
            assertThrows(IOException.class, range::bind);
        } finally {
            bound.forEach(NettyMediaPort::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRangeEndingOnAnEvenPortKeepsItForTheNeighbourOfThePortBelow() {
        assertEquals(40998, MediaPortRange.lastEvenWithNeighbour(40000, 41000));
        assertEquals(40998, MediaPortRange.lastEvenWithNeighbour(40000, 40999));
        assertEquals(40000, MediaPortRange.lastEvenWithNeighbour(40000, 40001));
        assertEquals(40000, MediaPortRange.lastEvenWithNeighbour(40000, 40000));
    }
}
