package net.sippunch.traversal.turn;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.TransactionId;

/**
 * A coturn relay on loopback for one test: a config file in the test's temporary directory, {@code turnserver}
 * started as a child process, ready once it answers a Binding request, stopped on {@link #close()}.
 */
public final class Coturn implements AutoCloseable {

    public static final String REALM = "sippunch.test";
    private static final long READY_WITHIN_NANOS = 10_000_000_000L;

    private final Process process;
    private final Path dir;
    private final InetSocketAddress address;
    private final int minRelayPort;
    private final int maxRelayPort;

    private Coturn(Process process, Path dir, InetSocketAddress address, int minRelayPort, int maxRelayPort) {
        this.process = process;
        this.dir = dir;
        this.address = address;
        this.minRelayPort = minRelayPort;
        this.maxRelayPort = maxRelayPort;
    }

    /** Long-term credentials: one user in the config. */
    public static Coturn withUser(Path dir, String user, String password, String... more) throws IOException {
        List<String> lines = new ArrayList<>(List.of("lt-cred-mech", "user=" + user + ":" + password));
        lines.addAll(List.of(more));
        return start(dir, lines);
    }

    /** Time-limited credentials (the TURN REST API): a secret shared with the client's credential source. */
    public static Coturn withAuthSecret(Path dir, String secret) throws IOException {
        return start(dir, List.of("lt-cred-mech", "use-auth-secret", "static-auth-secret=" + secret));
    }

    /** Skips (outside CI) or fails (in CI) when coturn is not installed. */
    public static void require() {
        ExternalTools.require("turnserver", "coturn");
    }

    private static Coturn start(Path dir, List<String> auth) throws IOException {
        Files.createDirectories(dir);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int port = freeUdpPort(loopback);
        int minRelay = freeUdpPort(loopback);
        int maxRelay = Math.min(65535, minRelay + 49);
        List<String> config = new ArrayList<>(List.of(
                "listening-ip=127.0.0.1",
                "listening-port=" + port,
                "relay-ip=127.0.0.1",
                "min-port=" + minRelay,
                "max-port=" + maxRelay,
                "realm=" + REALM,
                "fingerprint",
                "no-tcp",
                "no-tls",
                "no-dtls",
                "no-cli",
                "no-rfc5780",
                "allow-loopback-peers",
                "no-multicast-peers",
                "simple-log",
                "pidfile=" + dir.resolve("turnserver.pid"),
                "log-file=" + dir.resolve("turnserver.log"),
                "userdb=" + dir.resolve("turndb")));
        config.addAll(auth);
        Path file = dir.resolve("turnserver.conf");
        Files.write(file, config, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder("turnserver", "-c", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("turnserver.out").toFile())
                .start();
        Coturn coturn = new Coturn(process, dir, new InetSocketAddress(loopback, port), minRelay, maxRelay);
        coturn.awaitReady();
        return coturn;
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean relayPort(int port) {
        return port >= minRelayPort && port <= maxRelayPort;
    }

    /** The server's log, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("turnserver.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Asks for a Binding until the server answers: its listener is open. */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + READY_WITHIN_NANOS;
        SplittableRandom random = new SplittableRandom();
        try (DatagramSocket probe = new DatagramSocket(0, address.getAddress())) {
            probe.setSoTimeout(100);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("turnserver exited with " + process.exitValue() + ":\n" + log());
                }
                byte[] request = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(random), List.of()));
                probe.send(new DatagramPacket(request, request.length, address));
                DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
                try {
                    probe.receive(answer);
                    if (StunCodec.decode(Arrays.copyOf(answer.getData(), answer.getLength()))
                            instanceof StunDecodeResult.Decoded) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    continue; // not listening yet: ask again
                }
            }
        }
        close();
        fail("turnserver did not answer a Binding request within 10 s:\n" + log());
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
