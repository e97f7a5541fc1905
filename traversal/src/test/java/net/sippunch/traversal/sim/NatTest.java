package net.sippunch.traversal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import net.sippunch.traversal.nat.emulated.Allocation;
import net.sippunch.traversal.nat.emulated.Filtering;
import net.sippunch.traversal.nat.emulated.Mapping;
import net.sippunch.traversal.nat.emulated.Nat;
import net.sippunch.traversal.nat.emulated.NatBehavior;
import net.sippunch.traversal.nat.emulated.NatPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Truth tables of the NAT model: mapping per destination, filtering, allocation, timeouts, collisions. */
class NatTest {

    private static final long S = 1_000_000_000L;
    private static final InetSocketAddress X = address("10.0.0.2", 5004);
    private static final InetSocketAddress Y = address("10.0.0.3", 5004);
    private static final InetSocketAddress R1 = address("198.18.0.21", 3478);
    private static final InetSocketAddress R1_OTHER_PORT = address("198.18.0.21", 3479);
    private static final InetSocketAddress R2 = address("198.18.0.31", 3478);
    private static final InetSocketAddress STRANGER = address("198.18.7.7", 9999);

    private static Nat nat(NatBehavior behavior) {
        return new Nat(behavior, VirtualNetwork.ip("198.18.1.1"), new SplittableRandom(42));
    }

    private static int out(Nat nat, long now, InetSocketAddress from, InetSocketAddress to) {
        return nat.outbound(now, from, to).orElseThrow();
    }

    @ParameterizedTest(name = "{0}: same port to other port {1}, to other IP {2}")
    @CsvSource({
            "FULL_CONE,                 true,  true",
            "RESTRICTED_CONE,           true,  true",
            "PORT_RESTRICTED_CONE,      true,  true",
            "SYMMETRIC_SEQUENTIAL,      false, false",
            "SYMMETRIC_SECOND_PRIORITY, false, false",
            "SYMMETRIC_RANDOM,          false, false",
    })
    void mappingPerDestination(NatPreset preset, boolean sameToOtherPort, boolean sameToOtherIp) {
        Nat nat = nat(preset.behavior().orElseThrow());
        int p1 = out(nat, 0, X, R1);
        assertEquals(sameToOtherPort, p1 == out(nat, 0, X, R1_OTHER_PORT));
        assertEquals(sameToOtherIp, p1 == out(nat, 0, X, R2));
        assertEquals(p1, out(nat, 0, X, R1), "the same destination reuses its mapping");
        assertEquals(sameToOtherIp ? 1 : 3, nat.mappingsCreated());
    }

    @Test
    void addressDependentMappingSharesAcrossPortsOnly() {
        Nat nat = nat(NatBehavior.of(Mapping.ADDRESS_DEPENDENT, Filtering.ADDRESS_DEPENDENT,
                new Allocation.Sequential(40000, 1)));
        int p1 = out(nat, 0, X, R1);
        assertEquals(p1, out(nat, 0, X, R1_OTHER_PORT));
        assertNotEquals(p1, out(nat, 0, X, R2));
    }

    @ParameterizedTest(name = "{0}: from the contacted IP's other port {1}, from another IP {2}")
    @CsvSource({
            "FULL_CONE,                 true,  true",
            "RESTRICTED_CONE,           true,  false",
            "PORT_RESTRICTED_CONE,      false, false",
            "SYMMETRIC_SEQUENTIAL,      false, false",
            "SYMMETRIC_SECOND_PRIORITY, false, false",
            "SYMMETRIC_RANDOM,          false, false",
    })
    void filteringOfUnsolicitedDatagrams(NatPreset preset, boolean otherPortPasses, boolean otherIpPasses) {
        Nat nat = nat(preset.behavior().orElseThrow());
        int p = out(nat, 0, X, R1);
        assertEquals(Optional.of(X), nat.inbound(1, p, R1), "the answer from the contacted endpoint passes");
        assertEquals(otherPortPasses, nat.inbound(1, p, R1_OTHER_PORT).isPresent());
        assertEquals(otherIpPasses, nat.inbound(1, p, R2).isPresent());
        assertEquals(otherIpPasses, nat.inbound(1, p, STRANGER).isPresent());
        long refused = (otherPortPasses ? 0 : 1) + (otherIpPasses ? 0 : 2);
        assertEquals(refused, nat.filtered());
        assertTrue(nat.inbound(1, p == 65535 ? 1024 : p + 1, R1).isEmpty(), "an unmapped port refuses everyone");
        assertEquals(1, nat.unmapped());
    }

    @ParameterizedTest
    @EnumSource(value = NatPreset.class, names = {"FULL_CONE", "RESTRICTED_CONE", "PORT_RESTRICTED_CONE"})
    void conesPreserveThePortAndMoveUpOnCollision(NatPreset preset) {
        Nat nat = nat(preset.behavior().orElseThrow());
        assertEquals(5004, out(nat, 0, X, R1));
        assertEquals(5005, out(nat, 0, Y, R1), "5004 is held by X: the next free port up");
        assertEquals(1, nat.collisions());
    }

    @ParameterizedTest(name = "delta {0}")
    @CsvSource({"1", "2", "7", "-3"})
    void sequentialPortsAreSharedByEveryHostBehindTheNat(int delta) {
        Nat nat = nat(NatPreset.SYMMETRIC_SEQUENTIAL.behavior(delta).orElseThrow());
        int base = NatPreset.SEQUENCE_BASE;
        assertEquals(base, out(nat, 0, X, R1));
        assertEquals(base + delta, out(nat, 0, X, R1_OTHER_PORT));
        assertEquals(base + 2 * delta, out(nat, 0, Y, R1), "a neighbour takes the next port");
        assertEquals(base + 3 * delta, out(nat, 0, X, R2));
        assertEquals(base + delta, out(nat, 0, X, R1_OTHER_PORT), "an existing mapping takes no port");
        assertEquals(base + 4 * delta, out(nat, 0, Y, R2));
    }

    @Test
    void secondPriorityKeepsTheFirstPortOfEachEndpoint() {
        Nat nat = nat(NatPreset.SYMMETRIC_SECOND_PRIORITY.behavior().orElseThrow());
        int base = NatPreset.SEQUENCE_BASE;
        assertEquals(5004, out(nat, 0, X, R1), "first flow of X keeps its port");
        assertEquals(base, out(nat, 0, X, R1_OTHER_PORT), "later flows are sequential");
        assertEquals(base + 1, out(nat, 0, X, R2));
        assertEquals(base + 2, out(nat, 0, Y, R1), "Y's first flow wants 5004, held by X: sequential");
        InetSocketAddress z = address("10.0.0.4", 6000);
        assertEquals(6000, out(nat, 0, z, R1), "a first flow does not consume the sequence");
        assertEquals(base + 3, out(nat, 0, z, R2));
    }

    @Test
    void secondPriorityEndpointIsFirstAgainOnceAllItsMappingsExpired() {
        Nat nat = nat(NatPreset.SYMMETRIC_SECOND_PRIORITY.behavior().orElseThrow());
        assertEquals(5004, out(nat, 0, X, R1));
        assertEquals(NatPreset.SEQUENCE_BASE, out(nat, 0, X, R2));
        assertEquals(5004, out(nat, 31 * S, X, R2), "after 30 s idle X starts afresh");
    }

    @Test
    void randomPortsAreSeededAndDistinct() {
        List<Integer> first = randomPorts(42);
        assertEquals(first, randomPorts(42), "same seed, same ports");
        assertNotEquals(first, randomPorts(43));
        assertEquals(first.size(), new HashSet<>(first).size(), "no port handed out twice");
        assertTrue(first.stream().allMatch(p -> p >= 1024 && p <= 65535));
        int ascendingSteps = 0;
        for (int i = 1; i < first.size(); i++) {
            ascendingSteps += first.get(i) - first.get(i - 1) == 1 ? 1 : 0;
        }
        assertTrue(ascendingSteps < 3, "no sequential pattern: " + first);
    }

    private static List<Integer> randomPorts(long seed) {
        Nat nat = new Nat(NatPreset.SYMMETRIC_RANDOM.behavior().orElseThrow(), VirtualNetwork.ip("198.18.1.1"),
                new SplittableRandom(seed));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ports.add(out(nat, 0, X, address("198.18.0.21", 2000 + i)));
        }
        return ports;
    }

    @Test
    void outboundRefreshesTheMapping() {
        Nat nat = nat(NatPreset.PORT_RESTRICTED_CONE.behavior().orElseThrow());
        int p = out(nat, 0, X, R1);
        assertEquals(p, out(nat, 29 * S, X, R1));
        assertTrue(nat.inbound(58 * S, p, R1).isPresent(), "alive 29 s after the refresh");
        assertTrue(nat.inbound(60 * S, p, R1).isPresent(), "the inbound at 58 s refreshed it (default)");
        assertTrue(nat.inbound(91 * S, p, R1).isEmpty(), "30 s idle: gone");
        assertEquals(1, nat.unmapped());
        assertEquals(1, nat.expired());
    }

    @Test
    void inboundRefreshCanBeSwitchedOff() {
        Nat nat = nat(NatPreset.PORT_RESTRICTED_CONE.behavior().orElseThrow().withInboundRefresh(false));
        int p = out(nat, 0, X, R1);
        assertTrue(nat.inbound(20 * S, p, R1).isPresent());
        assertTrue(nat.inbound(29 * S, p, R1).isPresent());
        assertTrue(nat.inbound(30 * S, p, R1).isEmpty(), "inbound traffic did not keep it alive");
    }

    @Test
    void anExpiredFlowGetsANewPortOnASequentialNat() {
        Nat nat = nat(NatPreset.SYMMETRIC_SEQUENTIAL.behavior().orElseThrow().withTimeout(Duration.ofSeconds(10)));
        int first = out(nat, 0, X, R1);
        assertEquals(first, out(nat, 9 * S, X, R1));
        assertEquals(first + 1, out(nat, 20 * S, X, R1), "19 s idle: a new mapping, the next port");
        assertTrue(nat.inbound(20 * S, first, R1).isEmpty(), "the old port no longer leads inside");
    }

    @Test
    void theSequenceWrapsInsideThePortRange() {
        NatBehavior b = NatBehavior.of(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT,
                new Allocation.Sequential(40006, 3)).withPortRange(40000, 40009);
        Nat nat = nat(b);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ports.add(out(nat, 0, X, address("198.18.0.21", 3000 + i)));
        }
        assertEquals(List.of(40006, 40009, 40002, 40005), ports);
    }

    @Test
    void aPortStillInUseIsSkippedAndAFullRangeDrops() {
        NatBehavior b = NatBehavior.of(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT,
                new Allocation.Sequential(40000, 1)).withPortRange(40000, 40003).withTimeout(Duration.ofSeconds(10));
        Nat nat = nat(b);
        assertEquals(40000, out(nat, 0, X, R1));
        assertEquals(40001, out(nat, 0, X, R2));
        assertEquals(40002, out(nat, 0, Y, R1));
        assertEquals(40003, out(nat, 0, Y, R2));
        assertEquals(OptionalInt.empty(), nat.outbound(0, X, STRANGER), "all four ports are held");
        assertEquals(1, nat.exhausted());
        assertEquals(40000, out(nat, 8 * S, X, R1), "keeps 40000 alive");
        // at 12 s the others have expired; the sequence stands at 40000, which is still held
        assertEquals(40001, out(nat, 12 * S, X, STRANGER));
        assertTrue(nat.collisions() >= 1);
        assertEquals(2, nat.liveMappings(12 * S));
    }

    @Test
    void randomAllocationFillsTheRangeThenDrops() {
        NatBehavior b = NatPreset.SYMMETRIC_RANDOM.behavior().orElseThrow().withPortRange(50000, 50007);
        Nat nat = nat(b);
        HashSet<Integer> ports = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            ports.add(out(nat, 0, X, address("198.18.0.21", 3000 + i)));
        }
        assertEquals(8, ports.size(), "every port of the range, each once");
        assertTrue(nat.outbound(0, X, STRANGER).isEmpty());
    }

    @Test
    void aResetForgetsEveryMappingAndTheSequenceGoesOn() {
        Nat nat = nat(NatPreset.SYMMETRIC_SEQUENTIAL.behavior().orElseThrow());
        int before = out(nat, 0, X, R1);
        nat.reset();
        assertEquals(0, nat.liveMappings(0));
        assertTrue(nat.inbound(1, before, R1).isEmpty(), "the old mapping is gone");
        assertEquals(before + 1, out(nat, 1, X, R1), "rebinding: the same flow comes out of a new port");
    }

    static InetSocketAddress address(String ip, int port) {
        return new InetSocketAddress(VirtualNetwork.ip(ip), port);
    }
}
