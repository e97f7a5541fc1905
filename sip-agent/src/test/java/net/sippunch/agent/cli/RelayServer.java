package net.sippunch.agent.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A coturn TURN relay on 127.0.0.1 for one test, with one long-term user: a config in the test's directory,
 * {@code turnserver} as a child process, ready once its listener answers; stopped on {@link #close()}. Without
 * {@code turnserver} the test is skipped, in CI ({@code CI=true}) it fails.
 */
final class RelayServer implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final InetSocketAddress address;

    private RelayServer(Process process, Path dir, InetSocketAddress address) {
        this.process = process;
        this.dir = dir;
        this.address = address;
    }

    static void require() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin").split(File.pathSeparator)) {
            if (new File(d, "turnserver").canExecute()) {
                return;
            }
        }
        String reason = "turnserver not found; install Debian package coturn";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason);
        }
        Assumptions.abort(reason);
    }

    static RelayServer start(Path dir, String user, String password) throws IOException {
        Files.createDirectories(dir);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int port = freeUdpPort(loopback);
        int minRelay = freeUdpPort(loopback);
        List<String> config = List.of("listening-ip=127.0.0.1", "listening-port=" + port, "relay-ip=127.0.0.1",
                "min-port=" + minRelay, "max-port=" + Math.min(65535, minRelay + 49), "realm=sippunch.test",
                "fingerprint", "no-tcp", "no-tls", "no-dtls", "no-cli", "no-rfc5780", "allow-loopback-peers",
                "no-multicast-peers", "simple-log", "verbose", "pidfile=" + dir.resolve("turnserver.pid"),
                "log-file=" + dir.resolve("turnserver.log"), "userdb=" + dir.resolve("turndb"), "lt-cred-mech",
                "user=" + user + ":" + password);
        Path file = dir.resolve("turnserver.conf");
        Files.write(file, config, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder("turnserver", "-c", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("turnserver.out").toFile()).start();
        RelayServer server = new RelayServer(process, dir, new InetSocketAddress(loopback, port));
        server.awaitListening();
        return server;
    }

    /** {@code host:port} as the agent's config names it. */
    String hostPort() {
        return "127.0.0.1:" + address.getPort();
    }

    /** Everything the server logged so far. */
    String log() {
        try {
            Path log = dir.resolve("turnserver.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** A STUN Binding request (type 0x0001, magic cookie) until anything answers: the listener is open. */
    private void awaitListening() throws IOException {
        byte[] request = {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (DatagramSocket socket = new DatagramSocket(0, address.getAddress())) {
            socket.setSoTimeout(100);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("turnserver exited with " + process.exitValue() + ":\n" + log());
                }
                socket.send(new DatagramPacket(request, request.length, address));
                try {
                    socket.receive(new DatagramPacket(new byte[1500], 1500));
                    return;
                } catch (SocketTimeoutException e) {
                    continue; // not listening yet
                }
            }
        }
        close();
        fail("turnserver did not answer within 10 s:\n" + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freeUdpPort(InetAddress ip) throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, ip)) {
            return s.getLocalPort();
        }
    }
}
