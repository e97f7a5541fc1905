package net.sippunch.traversal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Finds the programs interop tests run: skipped with a reason outside CI, a failure in CI (CI=true). */
public final class ExternalTools {

    private ExternalTools() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (outside CI) or fails (in CI) when {@code program} is not on the PATH. */
    public static void require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return;
            }
        }
        String reason = program + " not found; install Debian package " + debianPackage;
        if (inCi()) {
            fail(reason);
        }
        System.err.println("skipped: " + reason);
        Assumptions.abort(reason);
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs a program to completion (bounded) and returns its exit code and merged output. */
    public static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** A UDP port free on both 127.0.0.1 and 127.0.0.2 right now, and so is the next one. */
    public static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            if (port < 65535 && free(port) && free(port + 1)) {
                return port;
            }
        }
        throw new IOException("no free UDP port pair on loopback");
    }

    private static boolean free(int port) {
        for (String ip : List.of("127.0.0.1", "127.0.0.2")) {
            try (DatagramSocket s = new DatagramSocket(port, InetAddress.getByName(ip))) {
                s.getLocalPort();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
