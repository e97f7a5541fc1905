package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The agent's command line (this JVM's class path) running in a node of a lab, logging net.sippunch at INFO
 * to standard error; its output is kept for failure messages and its lines can be awaited.
 */
final class LabAgent implements AutoCloseable {

    /** The SIP domain of the lab's Kamailio. */
    static final String DOMAIN = "sippunch.test";

    private final String name;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer all = new StringBuffer();

    private LabAgent(String name, Process process) {
        this.name = name;
        this.process = process;
        pump(process.getInputStream());
        pump(process.getErrorStream());
    }

    /**
     * What a lab agent's config may vary.
     *
     * @param discoveryServers   {@code discovery.servers}
     * @param registerExpires    {@code account.registerExpires}, seconds
     * @param registerMinRefresh {@code account.registerMinRefresh}, seconds
     * @param inviteSeconds      {@code timeouts.invite}: the caller cancels a call not answered by then
     */
    record Options(List<String> discoveryServers, int registerExpires, int registerMinRefresh, int inviteSeconds) {

        /**
         * The lab's discovery server (one host, two addresses: RFC 5780), a 300 s registration, calls cancelled
         * after 10 s without an answer (a lossless lab answers in about 3).
         */
        static final Options DEFAULT = new Options(List.of("198.18.0.21:3478", "198.18.0.31:3479"), 300, 60, 10);

        Options {
            discoveryServers = List.copyOf(discoveryServers);
        }
    }

    /**
     * The first file in {@code dir} whose name ends in {@code suffix} (a report or a recording an agent writes when
     * its call has ended, from another process), looking every 100 ms for at most {@code wait}; null when none came.
     */
    static Path awaitFile(Path dir, String suffix, Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try (Stream<Path> files = Files.list(dir)) {
                Optional<Path> found = files.filter(f -> f.toString().endsWith(suffix)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            Thread.sleep(100); // no event tells that another process wrote a file: look again
        }
    }

    /**
     * Writes {@code DIR/USER.yaml}: an agent behind a site's NAT, SIP and media on the wildcard address, the
     * lab's Kamailio as proxy, the lab's discovery server (NAT traversal mode); its password is that of
     * {@link #passwords}.
     */
    static Path config(Path dir, String user, double toneHz, Path recordDir, Path reportDir) throws IOException {
        return config(dir, user, toneHz, recordDir, reportDir, Options.DEFAULT);
    }

    /** {@link #config(Path, String, double, Path, Path)} with other discovery servers or registration timing. */
    static Path config(Path dir, String user, double toneHz, Path recordDir, Path reportDir, Options options)
            throws IOException {
        return config(dir, user, toneHz, recordDir, reportDir, options, "");
    }

    /** {@link #config(Path, String, double, Path, Path, Options)} with more top-level sections ({@code turn:}). */
    static Path config(Path dir, String user, double toneHz, Path recordDir, Path reportDir, Options options,
                       String moreYaml) throws IOException {
        return config(dir, user, toneHz, recordDir, reportDir, options,
                "sip:" + LabKamailio.ADDRESS + ":" + LabKamailio.PORT, "", moreYaml);
    }

    /**
     * {@link #config(Path, String, double, Path, Path)} with SIP over TLS to the lab's Kamailio
     * ({@code sips:198.18.0.40:5061}), its certificate checked against {@code caFile}; the agent has no certificate
     * of its own (requests come back over its connection through its NAT).
     */
    static Path configOverTls(Path dir, String user, double toneHz, Path recordDir, Path reportDir, Path caFile)
            throws IOException {
        return config(dir, user, toneHz, recordDir, reportDir, Options.DEFAULT,
                "sips:" + LabKamailio.ADDRESS + ":" + LabKamailio.TLS_PORT,
                "  transport: tls\n  tls: {caFile: " + caFile + "}\n", "");
    }

    private static Path config(Path dir, String user, double toneHz, Path recordDir, Path reportDir, Options options,
                               String proxy, String sip, String moreYaml) throws IOException {
        String yaml = "account:\n"
                + "  user: " + user + "\n"
                + "  domain: " + DOMAIN + "\n"
                + "  password: " + user + "-pw\n"
                + "  proxy: " + proxy + "\n"
                + "  registerExpires: " + options.registerExpires() + "\n"
                + "  registerMinRefresh: " + options.registerMinRefresh() + "\n"
                + "sip:\n"
                + "  listenAddress: 0.0.0.0\n"
                + "  listenPort: 5060\n"
                + "  keepaliveSeconds: 10\n"
                + sip
                + "media:\n"
                + "  localAddress: 0.0.0.0\n"
                + "  portMin: 30000\n"
                + "  portMax: 30099\n"
                + "  tone: {frequency: " + toneHz + ", amplitude: 0.3}\n"
                + (recordDir == null ? "" : "  recordDir: " + recordDir + "\n")
                + "discovery:\n"
                + "  servers: [" + options.discoveryServers().stream().map(a -> '"' + a + '"')
                        .collect(Collectors.joining(", ")) + "]\n"
                + "  timeoutMillis: 2000\n"
                + (reportDir == null ? "" : "report:\n  dir: " + reportDir + "\n")
                + "timeouts: {register: 20, invite: " + options.inviteSeconds() + ", shutdown: 3}\n"
                + moreYaml;
        Path file = dir.resolve(user + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** The Kamailio password file's entries for the users of {@link #config}. */
    static Map<String, String> passwords(String... users) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String user : users) {
            all.put(user, user + "-pw");
        }
        return all;
    }

    /** Starts {@code sip-agent args...} in {@code node} of the lab {@code prefix}; {@code dir} holds its log config. */
    static LabAgent start(String prefix, String node, Path dir, String name, List<String> args) throws IOException {
        Path log4j = dir.resolve("log4j2-lab-agent.xml");
        if (!Files.exists(log4j)) {
            Files.writeString(log4j, log4jConfig(List.of()));
        }
        return start(prefix, node, dir, name, args, log4j);
    }

    /**
     * {@link #start(String, String, Path, String, List)} with the loggers {@code debugLoggers} at DEBUG too (for
     * instance {@code sippunch.sip.wire}: every SIP message with its SDP; {@code sippunch.probes}: each probe and
     * check); its log config is {@code DIR/log4j2-NAME.xml}.
     */
    static LabAgent start(String prefix, String node, Path dir, String name, List<String> args,
                          List<String> debugLoggers) throws IOException {
        Path log4j = dir.resolve("log4j2-" + name + ".xml");
        Files.writeString(log4j, log4jConfig(debugLoggers));
        return start(prefix, node, dir, name, args, log4j);
    }

    private static String log4jConfig(List<String> debugLoggers) {
        StringBuilder debug = new StringBuilder();
        debugLoggers.forEach(l -> debug.append("<Logger name=\"").append(l).append("\" level=\"debug\"/>"));
        return """
                <Configuration status="warn"><Appenders><Console name="e" target="SYSTEM_ERR">
                <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c{1} %msg%n"/></Console></Appenders>
                <Loggers><Logger name="net.sippunch" level="info"/><Logger name="gov.nist" level="error"/>
                """ + debug + """
                <Root level="warn"><AppenderRef ref="e"/></Root></Loggers></Configuration>
                """;
    }

    private static LabAgent start(String prefix, String node, Path dir, String name, List<String> args, Path log4j)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(LabHost.LAB_SCRIPT.toString(), "exec", "--prefix", prefix, node, "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=" + log4j, "-cp", System.getProperty("java.class.path"),
                "net.sippunch.agent.cli.SipAgent"));
        cmd.addAll(args);
        return new LabAgent(name, new ProcessBuilder(cmd).directory(dir.toFile()).start());
    }

    private void pump(InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    all.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                all.append("(stream closed: ").append(e.getMessage()).append(")\n");
            }
        }, "lab-agent-output");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Waits (bounded) for an output line containing {@code text}; false when it did not come in time or the
     * process ended without printing it.
     */
    boolean awaitLine(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            boolean ended = !process.isAlive();
            String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
            if (line == null && ended) {
                return false;
            }
            if (line != null && line.contains(text)) {
                return true;
            }
        }
    }

    /** Waits (bounded) for the exit code; fails with the output when it does not come. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(name + " did not exit in " + seconds + " s; output:\n" + all);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM (the agent ends its calls, un-registers and exits). */
    void terminate() {
        process.destroy();
    }

    /** Everything it printed so far, both streams. */
    String output() {
        return all.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
