package net.sippunch.traversal;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The shape every sans-IO protocol object in this project has: it is fed datagrams and timeouts with
 * the current time, and hands out datagrams to send and the next deadline. It never opens a socket,
 * starts a thread or reads a clock; a driver (Netty in production, a virtual network in tests) does.
 *
 * <p>Protocol-specific events are pulled through methods of the implementing class.
 */
public interface DatagramSession {

    /**
     * Feeds one received datagram.
     *
     * @param nowNanos  the current time on the driver's clock
     * @param localPort the local port it arrived on
     * @param source    the address it came from
     * @param payload   its bytes; the session must not keep a reference past the call unless it copies
     * @return {@code true} if the session consumed it, {@code false} if it was not for this session
     *         or was malformed (counted, never thrown)
     */
    boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload);

    /** Tells the session that time has advanced to {@code nowNanos}; it fires whatever is due. */
    void handleTimeout(long nowNanos);

    /** The next datagram to send, or empty when there is none. Call until empty. */
    Optional<Transmit> pollTransmit();

    /** The next time the session wants {@link #handleTimeout} called, or empty when it needs none. */
    OptionalLong pollTimeout();
}
