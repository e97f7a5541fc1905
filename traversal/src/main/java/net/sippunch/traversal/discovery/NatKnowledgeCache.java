package net.sippunch.traversal.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The latest {@link NatKnowledge} of this host, shared by its calls: a call looks it up with {@link #fresh}
 * and, when there is none, runs a full discovery whose knowledge it hands to {@link #learned}. Knowledge is
 * given out only for the local IP and server list it was learned with, and only while younger than the
 * maximum age. Thread-safe: calls look it up from several threads; nothing blocks under its lock.
 */
public final class NatKnowledgeCache {

    /** How long knowledge is trusted by default: 10 minutes. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

    private static final Logger LOG = LogManager.getLogger(NatKnowledgeCache.class);

    private final long maxAgeNanos;
    /** Guarded by {@code this}. */
    private NatKnowledge latest;
    /** The local IP last reported as a change, so each change is logged once. Guarded by {@code this}. */
    private InetAddress reportedChange;

    /** A cache trusting knowledge for {@link #DEFAULT_MAX_AGE}. */
    public NatKnowledgeCache() {
        this(DEFAULT_MAX_AGE);
    }

    /** A cache trusting knowledge for {@code maxAge}. */
    public NatKnowledgeCache(Duration maxAge) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("the maximum age must be positive, got " + maxAge);
        }
        this.maxAgeNanos = maxAge.toNanos();
    }

    /**
     * The knowledge learned from {@code localIp} with {@code servers}, when it is not older than the maximum
     * age at {@code nowNanos}; empty otherwise. The first lookup from another local IP than the knowledge's
     * logs the change.
     */
    public Optional<NatKnowledge> fresh(InetAddress localIp, List<InetSocketAddress> servers, long nowNanos) {
        Objects.requireNonNull(localIp, "localIp");
        Objects.requireNonNull(servers, "servers");
        NatKnowledge known;
        boolean changed = false;
        synchronized (this) {
            known = latest;
            if (known != null && !known.localIp().equals(localIp) && !localIp.equals(reportedChange)) {
                reportedChange = localIp;
                changed = true;
            }
        }
        if (changed) {
            LOG.info("the local address changed from {} to {}: the NAT's filtering will be learned again",
                    known.localIp().getHostAddress(), localIp.getHostAddress());
        }
        if (known == null || !known.localIp().equals(localIp) || !known.servers().equals(servers)
                || nowNanos - known.learnedAtNanos() > maxAgeNanos) {
            return Optional.empty();
        }
        return Optional.of(known);
    }

    /** Drops what is known (the network changed under the host): lookups find nothing until the next learning. */
    public synchronized void forget() {
        latest = null;
        reportedChange = null;
    }

    /** Keeps {@code knowledge} as the latest, in place of any earlier. */
    public void learned(NatKnowledge knowledge) {
        Objects.requireNonNull(knowledge, "knowledge");
        synchronized (this) {
            latest = knowledge;
            reportedChange = null;
        }
        LOG.debug("NAT knowledge learned: {}", knowledge);
    }
}
