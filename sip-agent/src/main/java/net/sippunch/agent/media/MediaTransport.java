package net.sippunch.agent.media;

import io.netty.channel.EventLoop;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.netty.DatagramSessionDriver;
import net.sippunch.traversal.netty.NettyMediaPort;

/**
 * What an {@link RtpSession} sends through and receives from: the media port itself, or a TURN relay
 * ({@link TurnRelay}) whose server forwards the media of a relayed path. Everything runs on {@link #loop()}.
 */
public interface MediaTransport {

    /** The event loop the transport's sockets, and the session's timers and handlers, run on. */
    EventLoop loop();

    /** Sends a datagram (RTP, RTCP, a keep-alive) toward {@code transmit.destination()}; any thread. */
    void send(Transmit transmit);

    /** Media that arrives (what no traversal session consumed) goes to {@code handler}, on the loop. */
    void onUnhandled(DatagramSessionDriver.Unhandled handler);

    /** The media port as a transport: datagrams leave from and arrive on its own sockets. */
    static MediaTransport of(NettyMediaPort port) {
        return new MediaTransport() {
            @Override
            public EventLoop loop() {
                return port.loop();
            }

            @Override
            public void send(Transmit transmit) {
                port.send(transmit);
            }

            @Override
            public void onUnhandled(DatagramSessionDriver.Unhandled handler) {
                port.onUnhandled(handler);
            }
        };
    }
}
