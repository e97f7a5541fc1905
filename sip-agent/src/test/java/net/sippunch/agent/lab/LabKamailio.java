package net.sippunch.agent.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.interop.Kamailio;

/**
 * A real Kamailio running {@code conf/kamailio/kamailio.cfg} in the lab's SIP host (node {@code sip},
 * 198.18.0.40:5060) with the given users and passwords, in the foreground, logging to a file.
 */
final class LabKamailio implements AutoCloseable {

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
        Path log = workDir.resolve("kamailio.log");
        List<String> command = new ArrayList<>(List.of(LabHost.LAB_SCRIPT.toString(), "exec", "--prefix", prefix,
                "sip", "--"));
        command.addAll(Kamailio.prepare(workDir, "kamailio", ADDRESS + ":" + PORT, passwords));
        Process p = new ProcessBuilder(command)
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
