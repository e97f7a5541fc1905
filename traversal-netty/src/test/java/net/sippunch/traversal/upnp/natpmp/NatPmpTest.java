package net.sippunch.traversal.upnp.natpmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.upnp.IgdStep;
import net.sippunch.traversal.upnp.UpnpEvent;
import org.junit.jupiter.api.Test;

class NatPmpTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final InetSocketAddress GW = new InetSocketAddress("10.0.1.1", 5351);
    private static final InetSocketAddress ME = new InetSocketAddress("10.0.1.2", 40000);

    private static byte[] addressResponse(int result, String address) throws Exception {
        return ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).putShort((short) result).putInt(77)
                .put(InetAddress.getByName(address).getAddress()).array();
    }

    private static byte[] mapResponse(int result, int internal, int external, long lifetime) {
        return ByteBuffer.allocate(16).put((byte) 0).put((byte) 129).putShort((short) result).putInt(78)
                .putShort((short) internal).putShort((short) external).putInt((int) lifetime).array();
    }

    private static NatPmpMapping session() throws Exception {
        return new NatPmpMapping(InetAddress.getByName("10.0.1.1"), ME, 120, 4);
    }

    private static List<Transmit> drain(NatPmpMapping s) {
        List<Transmit> out = new ArrayList<>();
        for (var t = s.pollTransmit(); t.isPresent(); t = s.pollTransmit()) {
            out.add(t.get());
        }
        return out;
    }

    private static List<UpnpEvent> events(NatPmpMapping s) {
        List<UpnpEvent> out = new ArrayList<>();
        for (var e = s.pollEvent(); e.isPresent(); e = s.pollEvent()) {
            out.add(e.get());
        }
        return out;
    }

    @Test
    void requestsAreByteExact() {
        assertArrayEquals(new byte[] {0, 0}, NatPmpCodec.externalAddressRequest());
        assertArrayEquals(new byte[] {0, 1, 0, 0, (byte) 0x9c, 0x40, (byte) 0x9c, 0x41, 0, 0, 0x0e, 0x10},
                NatPmpCodec.mapUdpRequest(40000, 40001, 3600));
    }

    @Test
    void decodesResponsesAndDropsGarbage() throws Exception {
        assertEquals(Optional.of(new NatPmpResponse.ExternalAddress(0, 77, InetAddress.getByName("198.18.1.1"))),
                NatPmpCodec.decode(addressResponse(0, "198.18.1.1")));
        assertEquals(Optional.of(new NatPmpResponse.UdpMapping(0, 78, 40000, 40002, 7200)),
                NatPmpCodec.decode(mapResponse(0, 40000, 40002, 7200)));
        assertEquals(Optional.of(new NatPmpResponse.UdpMapping(2, 9, 0, 0, 0)),
                NatPmpCodec.decode(new byte[] {0, (byte) 129, 0, 2, 0, 0, 0, 9}));
        assertTrue(NatPmpCodec.decode(new byte[] {0, (byte) 128, 0, 0}).isEmpty());
        assertTrue(NatPmpCodec.decode(new byte[] {1, (byte) 128, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}).isEmpty());
        assertTrue(NatPmpCodec.decode(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}).isEmpty(), "a request");
    }

    @Test
    void mapsTheSamePortRenewsAtHalfLifetimeAndDeletes() throws Exception {
        NatPmpMapping s = session();
        s.start(0);
        Transmit first = drain(s).get(0);
        assertEquals(new Transmit(40000, GW, new byte[] {0, 0}).destination(), first.destination());
        assertEquals(40000, first.localPort());
        assertTrue(s.handleDatagram(1 * MS, 40000, GW, addressResponse(0, "198.18.1.1")));
        assertArrayEquals(NatPmpCodec.mapUdpRequest(40000, 40000, 120), drain(s).get(0).payload());
        assertTrue(s.handleDatagram(2 * MS, 40000, GW, mapResponse(0, 40000, 40000, 120)));

        UpnpEvent.Mapped mapped = assertInstanceOf(UpnpEvent.Mapped.class, events(s).get(0));
        assertEquals(new InetSocketAddress("198.18.1.1", 40000), mapped.mapping().external());
        assertEquals(120, mapped.mapping().leaseSeconds());
        assertEquals(2 * MS + 60 * S, s.pollTimeout().getAsLong());

        s.handleTimeout(2 * MS + 60 * S);
        assertArrayEquals(NatPmpCodec.mapUdpRequest(40000, 40000, 120), drain(s).get(0).payload());
        s.handleDatagram(61 * S, 40000, GW, mapResponse(0, 40000, 40000, 120));
        assertInstanceOf(UpnpEvent.Renewed.class, events(s).get(0));

        s.close(70 * S);
        assertArrayEquals(NatPmpCodec.mapUdpRequest(40000, 0, 0), drain(s).get(0).payload());
        assertFalse(s.isClosed());
        s.handleDatagram(70 * S + MS, 40000, GW, mapResponse(0, 40000, 0, 0));
        assertEquals(List.of(new UpnpEvent.Deleted(new InetSocketAddress("198.18.1.1", 40000), true, "deleted")),
                events(s));
        assertTrue(s.isClosed());
        assertTrue(s.mapping().isEmpty());
    }

    @Test
    void silentGatewayIsAbsentAfterTheRetransmissions() throws Exception {
        NatPmpMapping s = session();
        s.start(0);
        List<Long> times = new ArrayList<>();
        times.add(0L);
        drain(s);
        while (s.pollTimeout().isPresent()) {
            long t = s.pollTimeout().getAsLong();
            s.handleTimeout(t);
            if (!drain(s).isEmpty()) {
                times.add(t);
            }
        }
        assertEquals(List.of(0L, 250 * MS, 750 * MS, 1750 * MS), times, "250 ms, doubling");
        assertEquals(List.of(new UpnpEvent.Absent()), events(s));
    }

    @Test
    void refusalIsReportedWithItsCode() throws Exception {
        NatPmpMapping s = session();
        s.start(0);
        s.handleDatagram(MS, 40000, GW, addressResponse(0, "198.18.1.1"));
        s.handleDatagram(2 * MS, 40000, GW, mapResponse(2, 40000, 0, 0));
        assertEquals(List.of(new UpnpEvent.Refused(IgdStep.ADD, 2, "Not Authorized/Refused")), events(s));
        assertTrue(s.mapping().isEmpty());
        s.close(3 * MS);
        assertTrue(s.isClosed());
        assertTrue(drain(s).size() == 2, "no delete request after a refusal");
    }

    @Test
    void privateExternalAddressIsUseless() throws Exception {
        NatPmpMapping s = session();
        s.start(0);
        s.handleDatagram(MS, 40000, GW, addressResponse(0, "192.168.0.2"));
        assertInstanceOf(UpnpEvent.UselessAddress.class, events(s).get(0));
        assertEquals(1, drain(s).size(), "no mapping request");
    }

    @Test
    void ignoresOtherSourcesAndCountsGarbageFromTheGateway() throws Exception {
        NatPmpMapping s = session();
        s.start(0);
        assertFalse(s.handleDatagram(MS, 40000, new InetSocketAddress("198.18.0.41", 5351),
                addressResponse(0, "198.18.1.1")));
        assertFalse(s.handleDatagram(MS, 40000, GW, new byte[] {9, 9, 9}));
        assertEquals(1, s.dropped());
        assertTrue(events(s).isEmpty());
    }

    @Test
    void defaultGatewayFromProcNetRoute() throws Exception {
        String table = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "eth0\t0001000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                + "eth0\t00000000\t0101000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
        assertEquals(Optional.of(InetAddress.getByName("10.0.1.1")), DefaultGateway.parse(table));
        assertEquals(Optional.empty(), DefaultGateway.parse("Iface\tDestination\n"));
    }
}
