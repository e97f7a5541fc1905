package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * coturn as the lab's TURN relay: a {@code turnserver} in the public namespace {@code disc}, on UDP
 * {@value #LISTEN}:{@value #PORT} only, relaying from the same address, with long-term credentials for one user
 * ({@link #CALLER_TURN}, the caller's {@code turn:} section) and a verbose log in its directory, which is what the
 * tests read of it: what it was asked ({@link #allocateRequests}) and what it relayed ({@link #peerUsage}).
 */
final class LabCoturn implements AutoCloseable {

    static final String LISTEN = "198.18.0.21";
    static final int PORT = 3480;
    /** The caller agent's config section for this server. */
    static final String CALLER_TURN = "turn:\n  servers: [\"" + LISTEN + ":" + PORT + "\"]\n  username: alice-relay\n"
            + "  password: relay-pw\n";
    /**
     * What coturn logs for an authenticated Allocate request, whatever its outcome ({@code ..., success} or
     * {@code ..., error ...}): every allocation has one. The first, unauthenticated, attempt of a client is
     * logged as {@code incoming packet message processed, error 401} (coturn names no method before
     * authentication) and allocates nothing.
     */
    private static final String ALLOCATE = "incoming packet ALLOCATE processed";

    private final Process process;
    private final Path log;

    private LabCoturn(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts coturn in {@code host}'s {@code disc} ({@code dir} takes its config, database and log) and waits for
     * its listener.
     */
    static LabCoturn start(LabHost host, Path dir) throws IOException, InterruptedException {
        List<String> config = List.of("listening-ip=" + LISTEN, "listening-port=" + PORT,
                "relay-ip=" + LISTEN, "min-port=49152", "max-port=49252", "realm=sippunch.test", "fingerprint",
                "no-tcp", "no-tls", "no-dtls", "no-cli", "no-rfc5780", "no-multicast-peers", "simple-log", "verbose",
                "pidfile=" + dir.resolve("turnserver.pid"), "log-file=" + dir.resolve("turnserver.log"),
                "userdb=" + dir.resolve("turndb"), "lt-cred-mech", "user=alice-relay:relay-pw");
        Path file = dir.resolve("turnserver.conf");
        Files.write(file, config, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("ip", "netns", "exec", host.namespace("disc"), "turnserver", "-c",
                file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.out").toFile())
                .start();
        LabCoturn coturn = new LabCoturn(p, dir.resolve("turnserver.log"));
        if (!coturn.await("UDP listener opened on: " + LISTEN + ":" + PORT, Duration.ofSeconds(10))) {
            p.destroyForcibly();
            fail("coturn did not listen in the lab:\n" + coturn.log());
        }
        return coturn;
    }

    /**
     * Whether coturn's log shows {@code line} within {@code wait} (false at once when coturn has exited), looking
     * every 50 ms.
     */
    boolean await(String line, Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!log().contains(line)) {
            if (!process.isAlive() || System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(50); // another process writes the log: look again
        }
        return true;
    }

    /** coturn's log so far (it writes each line as it happens). */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Authenticated Allocate requests logged so far, granted or not. */
    long allocateRequests() throws IOException {
        return log().lines().filter(l -> l.contains(ALLOCATE)).count();
    }

    /**
     * coturn's own count of what each ended allocation relayed on its peer side ({@code rp}/{@code sp} packets,
     * {@code rb}/{@code sb} bytes), one line per allocation, from {@code peer usage} on.
     */
    List<String> peerUsage() throws IOException {
        return log().lines().filter(l -> l.contains("peer usage")).map(l -> l.substring(l.indexOf("peer usage")))
                .toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
