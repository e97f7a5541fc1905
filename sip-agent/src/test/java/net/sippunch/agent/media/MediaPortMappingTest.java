package net.sippunch.agent.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import net.sippunch.traversal.upnp.IgdControl;
import net.sippunch.traversal.upnp.IgdExecutor;
import net.sippunch.traversal.upnp.IgdFault;
import net.sippunch.traversal.upnp.IgdGateway;
import net.sippunch.traversal.upnp.IgdMappingEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's UPnP step against a scripted IGD: mapped and deleted, absent, refused, the time cap, and an
 * IGD whose external address is not the one discovery saw. Every outcome but "mapped" leaves nothing to
 * advertise and the call goes on.
 */
class MediaPortMappingTest {

    private static final int PORT = 40100;
    private static final String EXTERNAL = "198.18.1.1";

    private final CountDownLatch release = new CountDownLatch(1);
    private MediaPortMapping.Plan plan;

    /** An IGD that maps whatever it is asked, unless told otherwise; it records what it was asked. */
    private final class ScriptedIgd implements IgdControl {
        boolean present = true;
        boolean hang;
        IgdFault addFault;
        final List<String> calls = new CopyOnWriteArrayList<>();
        private InetSocketAddress internal;

        @Override
        public Optional<IgdGateway> discover(int timeoutMillis) throws IOException {
            calls.add("search");
            if (hang) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return present ? Optional.of(new IgdGateway(InetAddress.getByName("10.0.1.2"), "http://10.0.1.1/", "igd"))
                    : Optional.empty();
        }

        @Override
        public String externalAddress() {
            calls.add("address");
            return EXTERNAL;
        }

        @Override
        public void addMapping(int externalPort, InetSocketAddress internal, int leaseSeconds, String description)
                throws IgdFault {
            calls.add("add " + externalPort);
            if (addFault != null) {
                throw addFault;
            }
            this.internal = internal;
        }

        @Override
        public Optional<IgdMappingEntry> readMapping(int externalPort) {
            calls.add("read " + externalPort);
            return Optional.of(new IgdMappingEntry(internal.getAddress().getHostAddress(), internal.getPort(), true,
                    600, "sippunch media"));
        }

        @Override
        public void deleteMapping(int externalPort) {
            calls.add("delete " + externalPort);
        }
    }

    private MediaPortMapping start(ScriptedIgd igd, long capMillis) {
        return start(igd, capMillis, Optional.empty());
    }

    private MediaPortMapping start(ScriptedIgd igd, long capMillis, Optional<InetAddress> gateway) {
        Duration cap = Duration.ofMillis(capMillis);
        plan = new MediaPortMapping.Plan(() -> igd, new IgdExecutor(2, 8, cap),
                Executors.newSingleThreadScheduledExecutor(), () -> gateway, 600, cap);
        return new MediaPortMapping(plan, PORT);
    }

    @AfterEach
    void close() {
        release.countDown();
        if (plan != null) {
            plan.close();
        }
    }

    private static NatProfile seenFrom(String publicAddress) {
        InetSocketAddress server = new InetSocketAddress("198.18.0.21", 3478);
        return new NatProfile(new InetSocketAddress("10.0.1.2", PORT),
                List.of(new MappedTuple(server, new InetSocketAddress(publicAddress, 7348), 0)),
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.RANDOM, NatType.SYMMETRIC_RANDOM);
    }

    @Test
    void mapsConfirmsAgainstDiscoveryAndDeletesAtCallEnd() {
        ScriptedIgd igd = new ScriptedIgd();
        MediaPortMapping step = start(igd, 5000);

        InetSocketAddress external = new InetSocketAddress(EXTERNAL, PORT);
        assertEquals(Optional.of(external), step.await());
        assertEquals(Optional.of(external), step.confirm(seenFrom(EXTERNAL)));
        MediaPortMapping.Report during = step.report();
        assertEquals("UPnP", during.protocol());
        assertEquals("mapped", during.outcome());
        assertEquals(EXTERNAL + ":" + PORT, during.external());
        assertEquals(600, during.leaseSeconds());
        assertTrue(during.verified());
        assertNull(during.deleted());

        step.close();
        assertTrue(igd.calls.contains("delete " + PORT), igd.calls.toString());
        assertEquals(EXTERNAL + ":" + PORT + " deleted", step.report().deleted());
        step.close(); // idempotent
        assertEquals(1, igd.calls.stream().filter(c -> c.startsWith("delete")).count());
    }

    @Test
    void noIgdIsAbsentAndNothingIsAdvertised() {
        ScriptedIgd igd = new ScriptedIgd();
        igd.present = false;
        MediaPortMapping step = start(igd, 5000);

        assertEquals(Optional.empty(), step.await());
        assertEquals(Optional.empty(), step.confirm(seenFrom(EXTERNAL)));
        assertTrue(step.report().outcome().startsWith("absent"), step.report().outcome());
        assertNull(step.report().external());
        step.close();
        assertFalse(igd.calls.stream().anyMatch(c -> c.startsWith("add") || c.startsWith("delete")));
    }

    @Test
    void withoutAnIgdASilentNatPmpGatewayIsAbsentToo() throws Exception {
        ScriptedIgd igd = new ScriptedIgd();
        igd.present = false;
        // nothing listens on loopback's NAT-PMP port: one request, no answer within 250 ms
        MediaPortMapping step = start(igd, 600, Optional.of(InetAddress.getLoopbackAddress()));

        assertEquals(Optional.empty(), step.await());
        MediaPortMapping.Report report = step.report();
        assertEquals("NAT-PMP", report.protocol());
        assertEquals("absent (the gateway did not answer NAT-PMP) after UPnP: absent (no IGD answered the search)",
                report.outcome());
        assertNull(report.external());
        step.close();
    }

    @Test
    void refusalIsReportedWithItsCode() {
        ScriptedIgd igd = new ScriptedIgd();
        igd.addFault = new IgdFault(606, "Action not authorized");
        MediaPortMapping step = start(igd, 5000);

        assertEquals(Optional.empty(), step.await());
        String outcome = step.report().outcome();
        assertTrue(outcome.startsWith("refused (ADD 606"), outcome);
        assertNull(step.report().external());
    }

    @Test
    void anIgdThatDoesNotAnswerInTheCapLeavesTheCallWithoutMapping() {
        ScriptedIgd igd = new ScriptedIgd();
        igd.hang = true;
        MediaPortMapping step = start(igd, 300);

        assertEquals(Optional.empty(), step.await());
        String outcome = step.report().outcome();
        assertTrue(outcome.startsWith("timed out") || outcome.startsWith("failed") || outcome.startsWith("no result"),
                outcome);
        assertNull(step.report().external());
        release.countDown();
        step.close();
        assertFalse(igd.calls.stream().anyMatch(c -> c.startsWith("add")), igd.calls.toString());
    }

    @Test
    void anIgdBehindAnotherNatIsNotAdvertisedAndItsMappingDeleted() {
        ScriptedIgd igd = new ScriptedIgd();
        MediaPortMapping step = start(igd, 5000);

        assertTrue(step.await().isPresent());
        assertEquals(Optional.empty(), step.confirm(seenFrom("198.18.9.9")));
        assertTrue(step.report().outcome().startsWith("useless address"), step.report().outcome());
        assertNull(step.report().external());
        step.close();
        assertTrue(igd.calls.contains("delete " + PORT), igd.calls.toString());
    }
}
