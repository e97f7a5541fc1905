package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kamailio running {@code conf/kamailio/kamailio.cfg} in the lab's SIP host (node {@code sip},
 * 198.18.0.40:5060) with the given users and passwords, in the foreground, logging to a file.
 */
final class LabKamailio implements AutoCloseable {

    static final Path CONFIG = Path.of("..", "conf", "kamailio", "kamailio.cfg").toAbsolutePath().normalize();
    static final String ADDRESS = "198.18.0.40";
    static final int PORT = 5060;

    private final Process process;
    private final Path log;

    private LabKamailio(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts Kamailio in the lab {@code prefix} and waits (bounded) until it answers an OPTIONS from disc2. */
    static LabKamailio start(String prefix, Path workDir, Map<String, String> passwords)
            throws IOException, InterruptedException {
        Files.copy(CONFIG, workDir.resolve("kamailio.cfg"));
        StringBuilder pw = new StringBuilder("event_route[htable:mod-init] {\n");
        passwords.forEach((user, password) ->
                pw.append("\t$sht(passwd=>").append(user).append(") = \"").append(password).append("\";\n"));
        pw.append("}\n");
        Files.writeString(workDir.resolve("kamailio-passwords.cfg"), pw);
        Path run = Files.createDirectories(workDir.resolve("kamailio-run"));
        Path log = workDir.resolve("kamailio.log");
        Process p = new ProcessBuilder(List.of(LabHost.LAB_SCRIPT.toString(), "exec", "--prefix", prefix, "sip", "--",
                "kamailio", "-DD", "-E", "-f", workDir.resolve("kamailio.cfg").toString(),
                "-A", "LISTEN=udp:" + ADDRESS + ":" + PORT, "-A", "WITH_DEBUG", "-Y", run.toString(),
                "-m", "64", "-M", "8"))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        LabKamailio k = new LabKamailio(p, log);
        String answer = k.ping(prefix);
        if (answer != null) {
            k.close();
            fail("Kamailio did not answer on " + ADDRESS + ":" + PORT + " (" + answer + "); log:\n" + k.log());
        }
        return k;
    }

    /** Null when an OPTIONS from disc2 got a 200 answer, else what went wrong. */
    private String ping(String prefix) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(LabHost.LAB_SCRIPT.toString(), "exec", "--prefix", prefix, "disc2", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OptionsPing.class.getName(), ADDRESS,
                Integer.toString(PORT)))
                .redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "the OPTIONS ping did not end";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.exitValue() == 0 ? null : out;
    }

    /** Kamailio's log so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
