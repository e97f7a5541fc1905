package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.interop.Kamailio;

/**
 * A real Kamailio running {@code conf/kamailio/kamailio.cfg} in the lab's SIP host (node {@code sip},
 * 198.18.0.40:5060) with the given users and passwords, in the foreground, logging to a file.
 */
final class LabKamailio implements AutoCloseable {

    static final String ADDRESS = "198.18.0.40";
    static final int PORT = 5060;
    static final int TLS_PORT = 5061;

    private final String prefix;
    private final Process process;
    private final Path log;

    private LabKamailio(String prefix, Process process, Path log) {
        this.prefix = prefix;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts Kamailio in the lab {@code prefix} without waiting: the agents' REGISTER requests, retransmitted
     * until answered, find it once it listens.
     */
    static LabKamailio start(String prefix, Path workDir, Map<String, String> passwords) throws IOException {
        return start(prefix, workDir, passwords, null);
    }

    /** As {@link #start(String, Path, Map)}, with TCP ({@link #PORT}) and TLS ({@link #TLS_PORT}) listeners too. */
    static LabKamailio start(String prefix, Path workDir, Map<String, String> passwords, Kamailio.TlsListener tls)
            throws IOException {
        Path log = workDir.resolve("kamailio.log");
        List<String> command = new ArrayList<>(List.of(LabHost.LAB_SCRIPT.toString(), "exec", "--prefix", prefix,
                "sip", "--"));
        command.addAll(Kamailio.prepare(workDir, "kamailio", ADDRESS + ":" + PORT, passwords, tls));
        Process p = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new LabKamailio(prefix, p, log);
    }

    /** True while Kamailio runs (a bad config makes it exit at once). */
    boolean running() {
        return process.isAlive();
    }

    /** Kamailio's log so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * Waits (bounded) until Kamailio's log holds each of {@code texts} at least {@code times} times; returns
     * when the wait first saw each (within the 100 ms the log is read at). Texts that did not come in time
     * are missing from the map.
     */
    Map<String, Instant> awaitLog(List<String> texts, int times, Duration wait)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Map<String, Instant> seen = new LinkedHashMap<>();
        while (true) {
            String now = log();
            for (String text : texts) {
                if (!seen.containsKey(text) && occurrences(now, text) >= times) {
                    seen.put(text, Instant.now());
                }
            }
            if (seen.size() == texts.size() || System.nanoTime() - deadline >= 0) {
                return seen;
            }
            TimeUnit.MILLISECONDS.sleep(100); // the log is a file: read it again
        }
    }

    /** How often {@code text} occurs in the log so far. */
    int occurrences(String text) throws IOException {
        return occurrences(log(), text);
    }

    private static int occurrences(String log, String text) {
        int n = 0;
        for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }

    /**
     * Kills Kamailio as a crash would: SIGKILL to every process in the SIP host (its main process and the
     * workers it forked; the lab starts nothing else there), then waits until none is left. Its location table
     * (in shared memory) is gone with them.
     */
    void kill() throws IOException, InterruptedException {
        String namespace = prefix + "-sip";
        List<ProcessHandle> running = pidsIn(namespace).stream().map(ProcessHandle::of)
                .flatMap(Optional::stream).toList();
        running.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pidsIn(namespace).isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                fail("processes still running in " + namespace + " 10 s after SIGKILL: " + pidsIn(namespace));
            }
            TimeUnit.MILLISECONDS.sleep(50); // polls the namespace until the kernel has reaped them
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static List<Long> pidsIn(String namespace) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "pids", namespace).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("ip netns pids " + namespace + " failed: " + out);
        }
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).map(Long::parseLong).toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
