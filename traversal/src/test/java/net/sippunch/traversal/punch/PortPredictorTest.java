package net.sippunch.traversal.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;
import org.junit.jupiter.api.Test;

class PortPredictorTest {

    private static final long MS = 1_000_000L;

    private static NatProfile profile(PortAllocation allocation, long[] timesMs, int... ports) {
        List<MappedTuple> samples = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            samples.add(new MappedTuple(new InetSocketAddress("198.18.0.21", 3478 + i),
                    new InetSocketAddress("198.18.1.1", ports[i]), timesMs[i] * MS));
        }
        return new NatProfile(new InetSocketAddress("10.0.1.2", 5004), samples,
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT, allocation,
                NatType.SYMMETRIC_SEQUENTIAL);
    }

    @Test
    void aQuietNatPredictsTheNextStride() {
        PortPredictor p = PortPredictor.of(profile(PortAllocation.SEQUENTIAL, new long[] {0, 100, 200, 300},
                40000, 40003, 40006, 40009));
        assertEquals(3, p.stride());
        assertEquals(0.0, p.flowsPerSecond());
        assertEquals(40012, p.portAt(5_000 * MS, 1.0));
    }

    @Test
    void otherHostsFlowsShowAsDriftNotAsStride() {
        // 30 ports in 300 ms, 3 of them ours: 27 other flows in 0.3 s = 90 flows/s
        PortPredictor p = PortPredictor.of(profile(PortAllocation.SEQUENTIAL, new long[] {0, 100, 200, 300},
                40000, 40012, 40020, 40030));
        assertEquals(1, p.stride(), "deltas 12, 8, 10 share 2, but no single delta is 2");
        assertEquals(90.0, p.flowsPerSecond(), 1e-9);
        assertEquals(40030 + 1 + 45, p.portAt(300 * MS + 1_000 * MS, 0.5), "half the drift of one second");
    }

    @Test
    void backToBackSamplesMeasureNoDrift() {
        // requests sent at once, answers 0.2 ms apart: one neighbour's flow between them is no rate of 5000/s
        List<MappedTuple> samples = new ArrayList<>();
        int[] ports = {40000, 40001, 40003, 40004};
        for (int i = 0; i < ports.length; i++) {
            samples.add(new MappedTuple(new InetSocketAddress("198.18.0.21", 3478 + i),
                    new InetSocketAddress("198.18.1.1", ports[i]), 1_000 * MS + i * 66_667L));
        }
        NatProfile profile = new NatProfile(new InetSocketAddress("10.0.1.2", 5004), samples,
                MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                PortAllocation.SEQUENTIAL, NatType.SYMMETRIC_SEQUENTIAL);
        PortPredictor p = PortPredictor.of(profile);
        assertEquals(1, p.stride());
        assertEquals(0.0, p.flowsPerSecond());
        assertEquals(40005, p.portAt(1_300 * MS, 0.5), "the next port, not thousands of ports on");
    }

    @Test
    void aDriftNeedsTheMinimumSpan() {
        PortPredictor p = PortPredictor.of(profile(PortAllocation.SEQUENTIAL, new long[] {0, 10, 20},
                40000, 40001, 40003));
        assertEquals(50.0, p.flowsPerSecond(), 1e-9, "one other flow in 20 ms");
    }

    @Test
    void aCommonFactorByChanceIsNotTrusted() {
        PortPredictor p = PortPredictor.of(profile(PortAllocation.SEQUENTIAL, new long[] {0, 500, 600, 700},
                40089, 40141, 40151, 40159));
        assertEquals(1, p.stride());
    }

    @Test
    void secondPriorityLeavesThePreservedPortOut() {
        PortPredictor p = PortPredictor.of(profile(PortAllocation.SECOND_PRIORITY, new long[] {0, 100, 200, 300},
                5004, 40000, 40002, 40004));
        assertEquals(2, p.stride());
        assertEquals(40006, p.portAt(300 * MS, 1.0));
    }

    @Test
    void aDescendingAllocatorHasANegativeStride() {
        PortPredictor p = PortPredictor.of(profile(PortAllocation.SEQUENTIAL, new long[] {0, 100, 200},
                50000, 49998, 49996));
        assertEquals(-2, p.stride());
        assertEquals(49994, p.portAt(200 * MS, 1.0));
    }

    @Test
    void aSweepWithoutAMeasuredDriftStartsJustPastThePrediction() {
        // back-to-back samples: no drift, so the prediction is the next port (probed from the start), and no
        // new flow lies below it
        PortPredictor p = new PortPredictor(40004, 1_000 * MS, 1, 0);
        assertEquals(40005, p.portAt(1_300 * MS, 0.5));
        assertEquals(40006, p.sweepStart(1_300 * MS, 0.5, 16));
        assertEquals(39997, new PortPredictor(40000, 0, -2, 0).sweepStart(300 * MS, 0.5, 16), "descending");
    }

    @Test
    void aSweepWithADriftStartsTheWindowBelowThePrediction() {
        // 100 flows/s, half aimed: 1 + 50 ports on after one second, the window 16 below that
        PortPredictor p = new PortPredictor(40000, 0, 1, 100);
        assertEquals(40051, p.portAt(1_000 * MS, 0.5));
        assertEquals(40035, p.sweepStart(1_000 * MS, 0.5, 16));
    }

    @Test
    void portsWrapInsideTheirRange() {
        assertEquals(1, PortPredictor.wrap(65536));
        assertEquals(65535, PortPredictor.wrap(0));
        assertEquals(100, PortPredictor.wrap(100));
    }
}
