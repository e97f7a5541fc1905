package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The agent's command line as a separate process (this JVM's class path), with its output lines awaitable. */
final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer all = new StringBuffer();

    private AgentProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), true);
        pump(process.getErrorStream(), false);
    }

    /** Starts {@code sip-agent args...} logging net.sippunch at INFO to standard error. */
    static AgentProcess start(Path dir, List<String> args) throws IOException {
        Path log4j = dir.resolve("log4j2-test-agent.xml");
        if (!Files.exists(log4j)) {
            Files.writeString(log4j, """
                    <Configuration status="warn"><Appenders><Console name="e" target="SYSTEM_ERR">
                    <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c{1} %X{call} %msg%n"/></Console></Appenders>
                    <Loggers><Logger name="net.sippunch" level="info"/><Root level="warn"><AppenderRef ref="e"/></Root>
                    </Loggers></Configuration>
                    """);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=" + log4j, "-cp", System.getProperty("java.class.path"),
                "net.sippunch.agent.cli.SipAgent"));
        cmd.addAll(args);
        return new AgentProcess(new ProcessBuilder(cmd).directory(dir.toFile()).start());
    }

    private void pump(InputStream in, boolean isStdout) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (isStdout) {
                        stdout.append(line).append('\n');
                    }
                    all.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                all.append("(stream closed: ").append(e.getMessage()).append(")\n");
            }
        }, "agent-output");
        t.setDaemon(true);
        t.start();
    }

    /** Waits (bounded) for an output line (either stream) containing {@code text}. */
    String awaitLine(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                fail("agent did not print \"" + text + "\" in " + seconds + " s; output:\n" + all);
            }
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /** Waits (bounded) for the exit code. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("agent did not exit in " + seconds + " s; output:\n" + all);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM. */
    void terminate() {
        process.destroy();
    }

    String stdout() {
        return stdout.toString();
    }

    String output() {
        return all.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
