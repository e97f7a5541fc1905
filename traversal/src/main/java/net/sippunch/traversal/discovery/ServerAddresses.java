package net.sippunch.traversal.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses a discovery server answers on. Given two listen addresses with different IPs and
 * different ports (A:p, B:q), it also answers on A:q and B:p, the four addresses RFC 5780 needs to
 * change the source IP and port of a response. Otherwise each listen address is a plain Binding server.
 */
public record ServerAddresses(List<InetSocketAddress> listen) {

    public ServerAddresses {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("at least one listen address is needed");
        }
        for (InetSocketAddress a : listen) {
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("unresolved listen address: " + a);
            }
        }
    }

    /** True when the server can answer CHANGE-REQUEST (RFC 5780). */
    public boolean rfc5780() {
        if (listen.size() != 2) {
            return false;
        }
        InetSocketAddress a = listen.get(0);
        InetSocketAddress b = listen.get(1);
        return !a.getAddress().equals(b.getAddress()) && a.getPort() != b.getPort();
    }

    /** Every address to bind: the listen addresses, plus the two crossed ones in RFC 5780 mode. */
    public List<InetSocketAddress> bindAddresses() {
        Set<InetSocketAddress> out = new LinkedHashSet<>(listen);
        if (rfc5780()) {
            InetSocketAddress a = listen.get(0);
            InetSocketAddress b = listen.get(1);
            out.add(new InetSocketAddress(a.getAddress(), b.getPort()));
            out.add(new InetSocketAddress(b.getAddress(), a.getPort()));
        }
        return new ArrayList<>(out);
    }

    /**
     * The address a response leaves from, for a request received on {@code local} asking to change the
     * IP and/or the port; empty when this server cannot.
     */
    public Optional<InetSocketAddress> changed(InetSocketAddress local, boolean changeIp, boolean changePort) {
        if (!changeIp && !changePort) {
            return Optional.of(local);
        }
        if (!rfc5780()) {
            return Optional.empty();
        }
        InetAddress ip = changeIp ? otherIp(local.getAddress()) : local.getAddress();
        int port = changePort ? otherPort(local.getPort()) : local.getPort();
        return Optional.of(new InetSocketAddress(ip, port));
    }

    /** RFC 5780 OTHER-ADDRESS: the address differing in both IP and port; empty outside RFC 5780 mode. */
    public Optional<InetSocketAddress> other(InetSocketAddress local) {
        return rfc5780() ? changed(local, true, true) : Optional.empty();
    }

    private InetAddress otherIp(InetAddress ip) {
        InetAddress a = listen.get(0).getAddress();
        return ip.equals(a) ? listen.get(1).getAddress() : a;
    }

    private int otherPort(int port) {
        int p = listen.get(0).getPort();
        return port == p ? listen.get(1).getPort() : p;
    }
}
