package net.sippunch.traversal.sim;

import java.net.InetSocketAddress;

/** A UDP datagram on the virtual wire, with the addresses it carries at that point of its path. */
record Datagram(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
}
