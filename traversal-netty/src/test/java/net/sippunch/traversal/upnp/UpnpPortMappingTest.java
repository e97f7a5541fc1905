package net.sippunch.traversal.upnp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpnpPortMappingTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final int PORT = 40000;

    private static UpnpConfig config() {
        return new UpnpConfig(PORT, 60, 4, Duration.ofSeconds(2), Duration.ofSeconds(3), "test", Optional.empty());
    }

    private static MappingBench bench(FakeIgd igd) {
        return new MappingBench(config(), igd, 5 * MS);
    }

    @Test
    void mapsTheSamePortReadsItBackAndAdvertisesIt() throws IOException {
        MappingBench b = bench(new FakeIgd()).start().runUntil(10 * S);

        UpnpEvent.Mapped mapped = assertInstanceOf(UpnpEvent.Mapped.class, b.events.get(0));
        assertEquals(new InetSocketAddress("203.0.113.7", PORT), mapped.mapping().external());
        assertEquals(new InetSocketAddress("10.0.1.2", PORT), mapped.mapping().internal());
        assertTrue(mapped.mapping().verified());
        assertEquals(1, mapped.portsTried());
        assertEquals(60, mapped.mapping().leaseSeconds());
        assertEquals(Optional.of(mapped.mapping()), b.mapping.mapping());
        assertEquals(new FakeIgd.Held("10.0.1.2", PORT, 60), b.igd.mappings.get(PORT));
        assertEquals(1, b.commandsOf(IgdStep.READ_BACK));
    }

    @Test
    void noIgdIsAbsentAndNothingIsDeletedAtTheEnd() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.present = false;
        MappingBench b = bench(igd).start().runUntil(10 * S).close();

        assertEquals(List.of(new UpnpEvent.Absent()), b.events);
        assertTrue(b.mapping.isClosed());
        assertEquals(0, b.commandsOf(IgdStep.ADD));
        assertEquals(0, b.commandsOf(IgdStep.DELETE));
        assertTrue(b.mapping.mapping().isEmpty());
    }

    @Test
    void silentSearchTimesOutAtItsDeadlineAndALateReplyIsDropped() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.silent.add(IgdStep.DISCOVER);
        MappingBench b = bench(igd).start().runUntil(60 * S);

        assertEquals(List.of(new UpnpEvent.TimedOut(IgdStep.DISCOVER)), b.events);
        IgdCommand search = b.unanswered.get(0);
        assertFalse(b.mapping.handleReply(b.now, IgdExecutor.run(igd, search)));
        assertEquals(1, b.mapping.staleReplies());
        assertTrue(b.mapping.pollCommand().isEmpty());
        b.close();
        assertTrue(b.mapping.isClosed());
    }

    @Test
    void searchDeadlineIsSearchTimePlusCommandTimeout() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.silent.add(IgdStep.DISCOVER);
        MappingBench b = bench(igd).start();
        assertEquals(5 * S, b.mapping.pollTimeout().getAsLong());
    }

    @Test
    void conflictTriesTheNextPorts() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.mappings.put(PORT, new FakeIgd.Held("10.0.1.9", PORT, 0));
        igd.mappings.put(PORT + 1, new FakeIgd.Held("10.0.1.9", PORT, 0));
        MappingBench b = bench(igd).start().runUntil(10 * S);

        UpnpEvent.Mapped mapped = assertInstanceOf(UpnpEvent.Mapped.class, b.events.get(0));
        assertEquals(PORT + 2, mapped.mapping().external().getPort());
        assertEquals(PORT, mapped.mapping().internal().getPort());
        assertEquals(3, mapped.portsTried());
    }

    @Test
    void conflictOnEveryPortTriedIsARefusalAndOthersMappingsStay() throws IOException {
        FakeIgd igd = new FakeIgd();
        for (int p = PORT; p < PORT + 10; p++) {
            igd.mappings.put(p, new FakeIgd.Held("10.0.1.9", p, 0));
        }
        MappingBench b = bench(igd).start().runUntil(10 * S).close();

        assertEquals(new UpnpEvent.Refused(IgdStep.ADD, 718, "ConflictInMappingEntry"), b.events.get(0));
        assertEquals(4, b.commandsOf(IgdStep.ADD), "bounded by maxPorts");
        assertEquals(0, b.commandsOf(IgdStep.DELETE));
        assertEquals(10, igd.mappings.size());
        assertTrue(b.mapping.isClosed());
    }

    @Test
    void onlyPermanentLeasesRetriesWithLeaseZeroNeverRenewsAndDeletesAtTheEnd() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.onlyPermanentLeases = true;
        MappingBench b = bench(igd).start().runUntil(3600 * S);

        UpnpEvent.Mapped mapped = assertInstanceOf(UpnpEvent.Mapped.class, b.events.get(0));
        assertTrue(mapped.mapping().permanent());
        assertEquals(Long.MAX_VALUE, mapped.mapping().expiresAtNanos());
        assertEquals(PORT, mapped.mapping().external().getPort());
        assertEquals(List.of(60, 0), igd.leasesAsked);
        assertEquals(1, b.events.size(), "no renewal of a permanent mapping");
        assertTrue(b.mapping.pollTimeout().isEmpty());

        b.close();
        assertEquals(new UpnpEvent.Deleted(new InetSocketAddress("203.0.113.7", PORT), true, "deleted"),
                b.events.get(b.events.size() - 1));
        assertTrue(igd.mappings.isEmpty());
    }

    @Test
    void actionFailedIsARefusalWithItsCode() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.refuseAddsWith = IgdFault.ACTION_FAILED;
        MappingBench b = bench(igd).start().runUntil(10 * S).close();

        assertEquals(List.of(new UpnpEvent.Refused(IgdStep.ADD, 501, "ActionFailed")), b.events);
        assertEquals(1, b.commandsOf(IgdStep.ADD));
        assertTrue(b.mapping.mapping().isEmpty());
        assertTrue(b.mapping.isClosed());
    }

    @Test
    void privateOrSharedExternalAddressIsUselessAndNothingIsMapped() throws IOException {
        for (String address : List.of("192.168.1.1", "10.2.3.4", "172.20.0.1", "100.64.7.1", "0.0.0.0", "", "x")) {
            FakeIgd igd = new FakeIgd();
            igd.external = address;
            MappingBench b = bench(igd).start().runUntil(10 * S);

            UpnpEvent.UselessAddress useless = assertInstanceOf(UpnpEvent.UselessAddress.class, b.events.get(0),
                    address);
            assertEquals(address, useless.reported());
            assertEquals(0, b.commandsOf(IgdStep.ADD), address);
            assertTrue(b.mapping.mapping().isEmpty(), address);
        }
    }

    @Test
    void externalAddressDifferentFromDiscoveryIsUseless() throws IOException {
        FakeIgd igd = new FakeIgd();
        UpnpConfig config = config().withDiscoveredAddress(InetAddress.getByName("198.51.100.1"));
        MappingBench b = new MappingBench(config, igd, 5 * MS).start().runUntil(10 * S);

        UpnpEvent.UselessAddress useless = assertInstanceOf(UpnpEvent.UselessAddress.class, b.events.get(0));
        assertTrue(useless.reason().contains("198.51.100.1"), useless.reason());
        assertEquals(0, b.commandsOf(IgdStep.ADD));
    }

    @Test
    void discoveryLaterDisagreeingDeletesTheMapping() throws IOException {
        FakeIgd igd = new FakeIgd();
        MappingBench b = bench(igd).start().runUntil(10 * S);
        assertInstanceOf(UpnpEvent.Mapped.class, b.events.get(0));

        b.mapping.checkDiscoveredAddress(b.now, InetAddress.getByName("198.51.100.1"));
        b.runUntil(b.now + 10 * S);

        assertInstanceOf(UpnpEvent.UselessAddress.class, b.events.get(1));
        assertEquals(new UpnpEvent.Deleted(new InetSocketAddress("203.0.113.7", PORT), true, "deleted"),
                b.events.get(2));
        assertTrue(b.mapping.mapping().isEmpty());
        assertTrue(igd.mappings.isEmpty());
        assertEquals(0, b.commandsOf(IgdStep.RENEW), "no renewal after it became useless");
    }

    @Test
    void discoveryAgreeingChangesNothing() throws IOException {
        MappingBench b = bench(new FakeIgd()).start().runUntil(10 * S);
        b.mapping.checkDiscoveredAddress(b.now, InetAddress.getByName("203.0.113.7"));
        b.runUntil(b.now + S);
        assertEquals(1, b.events.size());
        assertTrue(b.mapping.mapping().isPresent());
    }

    @Test
    void renewsAtHalfLeaseWhileTheCallLasts() throws IOException {
        FakeIgd igd = new FakeIgd();
        MappingBench b = bench(igd).start().runUntil(10 * S);
        long mappedAt = b.now;
        UpnpEvent.Mapped mapped = assertInstanceOf(UpnpEvent.Mapped.class, b.events.get(0));

        b.runUntil(mappedAt + 181 * S);

        List<UpnpEvent.Renewed> renewed = b.events(UpnpEvent.Renewed.class);
        assertEquals(6, renewed.size(), "every 30 s of a 60 s lease over 3 minutes");
        assertTrue(renewed.get(5).mapping().expiresAtNanos() > mapped.mapping().expiresAtNanos() + 150 * S);
        assertEquals(mapped.mapping().external(), renewed.get(5).mapping().external());
        assertEquals(List.of(60, 60, 60, 60, 60, 60, 60), igd.leasesAsked);
    }

    @Test
    void failedRenewalIsReportedAndRetriedBeforeTheLeaseRunsOut() throws IOException {
        FakeIgd igd = new FakeIgd();
        MappingBench b = bench(igd).start().runUntil(10 * S);
        igd.refuseAddsWith = IgdFault.ACTION_FAILED;
        b.runUntil(b.now + 30 * S + 100 * MS);
        assertEquals(new UpnpEvent.Refused(IgdStep.RENEW, 501, "ActionFailed"), b.events.get(1));
        igd.refuseAddsWith = 0;
        b.runUntil(b.now + 20 * S);
        assertInstanceOf(UpnpEvent.Renewed.class, b.events.get(2));
    }

    @Test
    void closeDeletesTheMappingAndReportsIt() throws IOException {
        FakeIgd igd = new FakeIgd();
        MappingBench b = bench(igd).start().runUntil(10 * S).close();

        assertEquals(new UpnpEvent.Deleted(new InetSocketAddress("203.0.113.7", PORT), true, "deleted"),
                b.events.get(1));
        assertEquals(List.of(PORT), igd.deleted);
        assertTrue(igd.mappings.isEmpty());
        assertTrue(b.mapping.isClosed());
        assertTrue(b.mapping.mapping().isEmpty());
        assertTrue(b.mapping.pollTimeout().isEmpty());
    }

    @Test
    void closeDuringTheAddWaitsForItThenDeletesWithoutReadingBack() throws IOException {
        FakeIgd igd = new FakeIgd();
        MappingBench b = bench(igd).start();
        b.runUntilEvent(e -> false, 12 * MS); // search and external address answered, add in flight
        assertEquals(IgdStep.ADD, b.commands.get(b.commands.size() - 1).step());
        b.close();

        assertEquals(0, b.commandsOf(IgdStep.READ_BACK));
        assertEquals(List.of(PORT), igd.deleted);
        assertTrue(igd.mappings.isEmpty());
        assertInstanceOf(UpnpEvent.Deleted.class, b.events.get(b.events.size() - 1));
        assertTrue(b.mapping.isClosed());
    }

    @Test
    void addThatTimedOutIsDeletedAtTheEndJustInCase() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.silent.add(IgdStep.ADD);
        MappingBench b = bench(igd).start().runUntil(60 * S);
        assertEquals(List.of(new UpnpEvent.TimedOut(IgdStep.ADD)), b.events);
        b.close();
        assertEquals(1, b.commandsOf(IgdStep.DELETE));
        assertEquals(new UpnpEvent.Deleted(new InetSocketAddress("203.0.113.7", PORT), false,
                "IGD answered UPnP error 714 NoSuchEntryInArray"), b.events.get(1));
    }

    @Test
    void silentDeleteStillEndsWithAReport() throws IOException {
        FakeIgd igd = new FakeIgd();
        MappingBench b = bench(igd).start().runUntil(10 * S);
        igd.silent.add(IgdStep.DELETE);
        b.close();
        assertTrue(b.mapping.isClosed());
        assertEquals(new UpnpEvent.TimedOut(IgdStep.DELETE), b.events.get(1));
        assertEquals(new UpnpEvent.Deleted(new InetSocketAddress("203.0.113.7", PORT), false,
                "no answer before the deadline"), b.events.get(2));
    }

    @Test
    void readBackPointingElsewhereIsRefusedAndNotDeleted() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.readBackClient = "10.0.1.77";
        MappingBench b = bench(igd).start().runUntil(10 * S).close();
        UpnpEvent.Refused refused = assertInstanceOf(UpnpEvent.Refused.class, b.events.get(0));
        assertEquals(IgdStep.READ_BACK, refused.step());
        assertEquals(0, b.commandsOf(IgdStep.DELETE));
        assertTrue(b.mapping.mapping().isEmpty());
    }

    @Test
    void igdWithoutReadBackStillMapsButUnverified() throws IOException {
        FakeIgd igd = new FakeIgd();
        igd.cannotReadBack = true;
        MappingBench b = bench(igd).start().runUntil(10 * S);
        UpnpEvent.Mapped mapped = assertInstanceOf(UpnpEvent.Mapped.class, b.events.get(0));
        assertFalse(mapped.mapping().verified());
    }

    @Test
    void closeBeforeStartIsImmediate() throws IOException {
        MappingBench b = bench(new FakeIgd());
        b.mapping.close(0);
        assertTrue(b.mapping.isClosed());
        assertTrue(b.mapping.pollCommand().isEmpty());
    }
}
