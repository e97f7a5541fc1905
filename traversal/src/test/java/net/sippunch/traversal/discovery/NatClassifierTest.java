package net.sippunch.traversal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The classification as a truth table over mapped ports to four destinations. */
class NatClassifierTest {

    private static final InetSocketAddress PRIVATE = DiscoveryClientTest.address("10.0.0.2", 40000);
    private static final List<InetSocketAddress> DESTINATIONS = List.of(
            DiscoveryClientTest.address("198.18.0.21", 3478),
            DiscoveryClientTest.address("198.18.0.31", 3479),
            DiscoveryClientTest.address("198.18.0.21", 3479),
            DiscoveryClientTest.address("198.18.0.31", 3478));

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} -> {5}")
    @CsvSource({
            // public IP, ports seen via the four destinations, filtering, expected type, mapping, allocation
            "10.0.0.2,    40000 40000 40000 40000, ENDPOINT_INDEPENDENT, OPEN, NO_NAT, PRESERVING",
            "198.18.1.1,  40000 40000 40000 40000, ENDPOINT_INDEPENDENT, FULL_CONE, ENDPOINT_INDEPENDENT, PRESERVING",
            "198.18.1.1,  40000 40000 40000 40000, ADDRESS_DEPENDENT, RESTRICTED_CONE, ENDPOINT_INDEPENDENT, PRESERVING",
            "198.18.1.1,  1024 1024 1024 1024, ADDRESS_AND_PORT_DEPENDENT, PORT_RESTRICTED_CONE, ENDPOINT_INDEPENDENT, UNKNOWN",
            "198.18.1.1,  40000 40000 40000 40000, UNKNOWN, CONE_FILTERING_UNKNOWN, ENDPOINT_INDEPENDENT, PRESERVING",
            "198.18.1.1,  50001 50002 50003 50004, ADDRESS_AND_PORT_DEPENDENT, SYMMETRIC_SEQUENTIAL, ADDRESS_AND_PORT_DEPENDENT, SEQUENTIAL",
            "198.18.1.1,  50010 50008 50006 50004, ADDRESS_AND_PORT_DEPENDENT, SYMMETRIC_SEQUENTIAL, ADDRESS_AND_PORT_DEPENDENT, SEQUENTIAL",
            "198.18.1.1,  50001 50012 50023 50041, ADDRESS_AND_PORT_DEPENDENT, SYMMETRIC_SEQUENTIAL, ADDRESS_AND_PORT_DEPENDENT, SEQUENTIAL",
            "198.18.1.1,  40000 50001 50002 50003, ADDRESS_AND_PORT_DEPENDENT, SYMMETRIC_SECOND_PRIORITY, ADDRESS_AND_PORT_DEPENDENT, SECOND_PRIORITY",
            "198.18.1.1,  31234 8812 60001 45000, ADDRESS_AND_PORT_DEPENDENT, SYMMETRIC_RANDOM, ADDRESS_AND_PORT_DEPENDENT, RANDOM",
            "198.18.1.1,  50001 50003 50002 50004, ADDRESS_AND_PORT_DEPENDENT, SYMMETRIC_RANDOM, ADDRESS_AND_PORT_DEPENDENT, RANDOM",
            // same mapping for both ports of one IP: address-dependent mapping
            "198.18.1.1,  50001 50002 50001 50002, ADDRESS_AND_PORT_DEPENDENT, SYMMETRIC_SEQUENTIAL, ADDRESS_DEPENDENT, SEQUENTIAL",
    })
    void classifies(String publicIp, String ports, FilteringBehavior filtering, NatType type,
                    MappingBehavior mapping, PortAllocation allocation) {
        List<MappedTuple> samples = new ArrayList<>();
        String[] p = ports.trim().split("\\s+");
        for (int i = 0; i < p.length; i++) {
            samples.add(new MappedTuple(DESTINATIONS.get(i),
                    DiscoveryClientTest.address(publicIp, Integer.parseInt(p[i])), i));
        }
        var profile = new NatClassifier(256).classify(PRIVATE, samples, filtering);
        assertEquals(type, profile.type());
        assertEquals(mapping, profile.mapping());
        assertEquals(allocation, profile.allocation());
    }

    @ParameterizedTest
    @CsvSource({"50001 50002, SYMMETRIC_SEQUENTIAL", "50001 61000, SYMMETRIC_RANDOM"})
    void twoPlainServersStillTellSequentialFromRandom(String ports, NatType type) {
        String[] p = ports.split(" ");
        List<MappedTuple> samples = List.of(
                new MappedTuple(DESTINATIONS.get(0), DiscoveryClientTest.address("198.18.1.1", Integer.parseInt(p[0])), 0),
                new MappedTuple(DESTINATIONS.get(1), DiscoveryClientTest.address("198.18.1.1", Integer.parseInt(p[1])), 1));
        var profile = new NatClassifier(256).classify(PRIVATE, samples, FilteringBehavior.UNKNOWN);
        assertEquals(type, profile.type());
        assertEquals(MappingBehavior.UNKNOWN, profile.mapping(), "no same-IP pair: ADM or APDM cannot be told");
    }
}
