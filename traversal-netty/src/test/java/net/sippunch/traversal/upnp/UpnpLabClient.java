package net.sippunch.traversal.upnp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.sippunch.traversal.upnp.natpmp.DefaultGateway;
import net.sippunch.traversal.upnp.natpmp.NatPmpCodec;
import net.sippunch.traversal.upnp.natpmp.NatPmpMapping;

/**
 * The lab's programs, run in a namespace with {@code ip netns exec NS java -cp <test class path> ...}:
 * <ul>
 *   <li>{@code client PORT LEASE}: binds the media port, maps it with UPnP through the real IGD and prints
 *       one line per event ({@code MAPPED ip:port lease=L verified=B}, {@code RENEWED ...},
 *       {@code DELETED ip:port confirmed=B}, ...) and per datagram received ({@code RECEIVED text FROM ip:port});
 *       on SIGTERM or end of standard input it deletes the mapping, prints it and exits.</li>
 *   <li>{@code natpmp PORT LIFETIME}: the same with NAT-PMP, run on the media socket itself by a small
 *       blocking loop; ends (deleting the mapping) at the end of standard input.</li>
 *   <li>{@code send HOST PORT FROM_PORT TEXT}: sends one datagram from {@code FROM_PORT}.</li>
 * </ul>
 */
public final class UpnpLabClient {

    private UpnpLabClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("client")) {
            client(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 3 && args[0].equals("natpmp")) {
            natPmp(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 5 && args[0].equals("send")) {
            try (DatagramSocket s = new DatagramSocket(Integer.parseInt(args[3]))) {
                byte[] text = args[4].getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(text, text.length,
                        new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]))));
            }
        } else {
            System.err.println("usage: client PORT LEASE | natpmp PORT LIFETIME | send HOST PORT FROM_PORT TEXT");
            System.exit(2);
        }
    }

    private static void client(int port, int lease) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        DatagramSocket media = new DatagramSocket(new InetSocketAddress(port));
        Thread receiver = new Thread(() -> receive(media, out), "media");
        receiver.setDaemon(true);
        receiver.start();

        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loop");
            t.setDaemon(true);
            return t;
        });
        IgdExecutor executor = new IgdExecutor(2, 8, Duration.ofSeconds(5));
        UpnpConfig config = UpnpConfig.defaults(port).withLeaseSeconds(lease)
                .withDiscoveryTimeout(Duration.ofMillis(1500));
        UpnpMappingDriver driver = new UpnpMappingDriver(new UpnpPortMapping(config), new WeupnpIgdControl(),
                executor, loop, System::nanoTime, e -> out.println(line(e)));
        Thread shutdown = new Thread(() -> end(driver, executor, loop, media, out), "shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        driver.start();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // standard input only tells when to stop
        }
        Runtime.getRuntime().removeShutdownHook(shutdown);
        end(driver, executor, loop, media, out);
    }

    private static void end(UpnpMappingDriver driver, IgdExecutor executor, ScheduledExecutorService loop,
                            DatagramSocket media, PrintStream out) {
        try {
            driver.close().get(10, TimeUnit.SECONDS);
            out.println("CLOSED");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            out.println("CLOSE-FAILED " + e);
        }
        executor.close();
        loop.shutdownNow();
        media.close();
    }

    private static String line(UpnpEvent e) {
        if (e instanceof UpnpEvent.Mapped m) {
            return "MAPPED " + hostPort(m.mapping().external()) + " lease=" + m.mapping().leaseSeconds()
                    + " verified=" + m.mapping().verified() + " internal=" + hostPort(m.mapping().internal());
        } else if (e instanceof UpnpEvent.Renewed r) {
            return "RENEWED " + hostPort(r.mapping().external());
        } else if (e instanceof UpnpEvent.Deleted d) {
            return "DELETED " + hostPort(d.external()) + " confirmed=" + d.confirmed() + " " + d.detail();
        }
        return "EVENT " + e;
    }

    private static String hostPort(InetSocketAddress a) {
        return Optional.ofNullable(a.getAddress()).map(InetAddress::getHostAddress).orElse(a.getHostString())
                + ":" + a.getPort();
    }

    private static void receive(DatagramSocket media, PrintStream out) {
        byte[] buf = new byte[1500];
        while (!media.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                media.receive(p);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                out.println("RECEIVE-FAILED " + e);
                return;
            }
            out.println("RECEIVED " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8) + " FROM "
                    + p.getAddress().getHostAddress() + ":" + p.getPort());
        }
    }

    private static void natPmp(int port, int lifetime) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        InetAddress gateway = DefaultGateway.find().orElseThrow(() -> new IOException("no default gateway"));
        InetAddress local;
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(gateway, NatPmpCodec.PORT);
            local = probe.getLocalAddress();
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // standard input only tells when to stop
                }
            } catch (IOException e) {
                out.println("STDIN-FAILED " + e);
            }
            stop.set(true);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        NatPmpMapping session = new NatPmpMapping(gateway, new InetSocketAddress(local, port), lifetime, 4);
        try (DatagramSocket media = new DatagramSocket(new InetSocketAddress(port))) {
            session.start(System.nanoTime());
            boolean closing = false;
            byte[] buf = new byte[1500];
            while (!session.isClosed()) {
                for (var t = session.pollTransmit(); t.isPresent(); t = session.pollTransmit()) {
                    media.send(new DatagramPacket(t.get().payload(), t.get().payload().length, t.get().destination()));
                }
                for (var e = session.pollEvent(); e.isPresent(); e = session.pollEvent()) {
                    out.println(line(e.get()));
                }
                if (session.isClosed()) {
                    break;
                }
                if (stop.get() && !closing) {
                    closing = true;
                    session.close(System.nanoTime());
                    continue;
                }
                long wait = session.pollTimeout().orElse(Long.MAX_VALUE) - System.nanoTime();
                media.setSoTimeout((int) Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(wait))));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    media.receive(p);
                    byte[] payload = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    InetSocketAddress from = new InetSocketAddress(p.getAddress(), p.getPort());
                    if (!session.handleDatagram(System.nanoTime(), port, from, payload)) {
                        out.println("RECEIVED " + new String(payload, StandardCharsets.UTF_8) + " FROM "
                                + p.getAddress().getHostAddress() + ":" + p.getPort());
                    }
                } catch (java.net.SocketTimeoutException e) {
                    session.handleTimeout(System.nanoTime());
                }
            }
            for (var e = session.pollEvent(); e.isPresent(); e = session.pollEvent()) {
                out.println(line(e.get()));
            }
        }
        out.println("CLOSED");
    }
}
