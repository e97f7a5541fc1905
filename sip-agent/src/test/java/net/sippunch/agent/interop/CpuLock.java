package net.sippunch.agent.interop;

/**
 * The resource locks of test classes that run side by side ({@code junit-platform.properties}: classes run one
 * after another, those marked {@code @Execution(CONCURRENT)} beside them). The machines have two cores: a class
 * whose outcome depends on CPU time (load generators, loss trials, NAT port predictions under neighbour load) holds
 * {@link #CPU} exclusively, and the lab classes that run beside the rest share it, so the two never overlap.
 */
public final class CpuLock {

    /** Held exclusively by the CPU-sensitive classes, shared by the lab classes run beside the others. */
    public static final String CPU = "cpu";
    /** The lab classes with softphone peers run beside the others, one of them at a time. */
    public static final String PEER_LABS = "peer-labs";
    /**
     * The class order ({@code @Order}) of the CPU-sensitive classes: after every other class of the sequence, so
     * that the lab classes beside it have ended when they come, rather than the sequence waiting for them.
     */
    public static final int LAST = Integer.MAX_VALUE;

    private CpuLock() {
    }
}
