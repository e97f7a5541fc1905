package net.sippunch.traversal.nat;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One observation of the NAT's mapping: what a discovery server saw as the source of a request.
 *
 * @param server  the discovery server address the request was sent to
 * @param mapped  the reflexive (public) transport address the server reported
 * @param atNanos when the answer arrived, on the caller's clock (nanoseconds, arbitrary origin)
 */
public record MappedTuple(InetSocketAddress server, InetSocketAddress mapped, long atNanos) {
    public MappedTuple {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(mapped, "mapped");
    }

    public int port() {
        return mapped.getPort();
    }
}
