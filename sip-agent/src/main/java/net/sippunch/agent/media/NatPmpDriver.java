package net.sippunch.agent.media;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import net.sippunch.traversal.LoopTimer;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.upnp.UpnpEvent;
import net.sippunch.traversal.upnp.natpmp.NatPmpCodec;
import net.sippunch.traversal.upnp.natpmp.NatPmpMapping;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs one {@link NatPmpMapping} of the media port on the UPnP step's loop, from a socket of its own (NAT-PMP
 * maps the internal port named in the request, for the request's source address, so the media socket stays
 * with the call). A daemon thread reads the socket and posts the gateway's answers to the loop; the mapping
 * is only touched on the loop, and its events go to the listener there.
 */
final class NatPmpDriver {

    private static final Logger LOG = LogManager.getLogger(NatPmpDriver.class);

    private final NatPmpMapping mapping;
    private final DatagramSocket socket;
    private final ScheduledExecutorService loop;
    private final Consumer<UpnpEvent> listener;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final LoopTimer timer;

    private NatPmpDriver(NatPmpMapping mapping, DatagramSocket socket, ScheduledExecutorService loop,
                         Consumer<UpnpEvent> listener) {
        this.mapping = mapping;
        this.socket = socket;
        this.loop = loop;
        this.listener = listener;
        this.timer = new LoopTimer(loop, System::nanoTime, () -> {
            mapping.handleTimeout(System.nanoTime());
            pump();
        });
    }

    /**
     * Starts mapping {@code mediaPort} on {@code gateway}.
     *
     * @param attempts how many times each request is sent (250 ms, doubling)
     * @throws IOException when no socket toward the gateway can be opened
     */
    static NatPmpDriver start(InetAddress gateway, int mediaPort, long lifetimeSeconds, int attempts,
                              ScheduledExecutorService loop, Consumer<UpnpEvent> listener) throws IOException {
        DatagramSocket socket = new DatagramSocket(0);
        socket.connect(gateway, NatPmpCodec.PORT);
        InetSocketAddress internal = new InetSocketAddress(socket.getLocalAddress(), mediaPort);
        NatPmpDriver driver = new NatPmpDriver(new NatPmpMapping(gateway, internal, lifetimeSeconds, attempts), socket,
                loop, listener);
        Thread reader = new Thread(driver::read, "natpmp-" + mediaPort);
        reader.setDaemon(true);
        reader.start();
        loop.execute(() -> {
            driver.mapping.start(System.nanoTime());
            driver.pump();
        });
        return driver;
    }

    /** Deletes the mapping; completes when the procedure is over (the socket is then closed). */
    CompletableFuture<Void> close() {
        try {
            loop.execute(() -> {
                mapping.close(System.nanoTime());
                pump();
            });
        } catch (RejectedExecutionException e) {
            socket.close();
            closed.completeExceptionally(e);
        }
        return closed;
    }

    private void read() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                LOG.debug("NAT-PMP socket: {}", e.toString());
                continue; // e.g. ICMP port unreachable reported on a connected socket: the retries go on
            }
            byte[] payload = Arrays.copyOf(p.getData(), p.getLength());
            InetSocketAddress from = new InetSocketAddress(p.getAddress(), p.getPort());
            try {
                loop.execute(() -> {
                    mapping.handleDatagram(System.nanoTime(), socket.getLocalPort(), from, payload);
                    pump();
                });
            } catch (RejectedExecutionException e) {
                return;
            }
        }
    }

    private void pump() {
        for (Optional<Transmit> t = mapping.pollTransmit(); t.isPresent(); t = mapping.pollTransmit()) {
            byte[] payload = t.get().payload();
            try {
                socket.send(new DatagramPacket(payload, payload.length, t.get().destination()));
            } catch (IOException e) {
                LOG.debug("NAT-PMP send: {}", e.toString()); // the retries go on; no answer is Absent
            }
        }
        for (Optional<UpnpEvent> e = mapping.pollEvent(); e.isPresent(); e = mapping.pollEvent()) {
            listener.accept(e.get());
        }
        timer.rearm(mapping.pollTimeout());
        if (mapping.isClosed()) {
            socket.close();
            closed.complete(null);
        }
    }
}
