package net.sippunch.agent.lab;

import java.io.IOException;
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

    /**
     * Starts Kamailio in the lab {@code prefix} without waiting: the agents' REGISTER requests, retransmitted
     * until answered, find it once it listens.
     */
    static LabKamailio start(String prefix, Path workDir, Map<String, String> passwords) throws IOException {
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
        return new LabKamailio(p, log);
    }

    /** True while Kamailio runs (a bad config makes it exit at once). */
    boolean running() {
        return process.isAlive();
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
