package net.sippunch.sdp;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One mapped tuple as carried in {@code a=punch-mapped}: what a discovery server saw, which server
 * it was, and when, relative to the first sample.
 *
 * @param mapped       the reflexive (public) transport address the server reported
 * @param server       the discovery server the request went to
 * @param offsetMillis milliseconds between the first sample's answer and this one's, on the
 *                     sender's clock; {@code 0} for the first sample, negative when this answer
 *                     arrived before the first one's; lets the peer estimate how fast the NAT's
 *                     allocator drifts
 */
public record MappedSample(InetSocketAddress mapped, InetSocketAddress server, long offsetMillis) {

    /** Largest magnitude of {@link #offsetMillis()}: one hour. */
    public static final long MAX_OFFSET_MILLIS = 3_600_000L;

    /**
     * @throws IllegalArgumentException when an address is not a usable unicast IP literal with a
     *                                  port in 1..65535 or the offset is out of range
     */
    public MappedSample {
        Objects.requireNonNull(mapped, "mapped");
        Objects.requireNonNull(server, "server");
        TransportAddresses.require(mapped, "mapped");
        TransportAddresses.require(server, "server");
        if (Math.abs(offsetMillis) > MAX_OFFSET_MILLIS) {
            throw new IllegalArgumentException("offsetMillis beyond ±" + MAX_OFFSET_MILLIS + ": " + offsetMillis);
        }
    }

    /** The mapped port. */
    public int port() {
        return mapped.getPort();
    }
}
