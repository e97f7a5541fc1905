package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kamailio running {@code conf/kamailio/kamailio.cfg} on 127.0.0.1:{@code port}, with the given
 * users and passwords, in the foreground, logging to a file in the work directory; optionally with TCP and
 * TLS listeners too ({@link TlsListener}).
 */
public final class Kamailio implements AutoCloseable {

    static final Path CONFIG = Path.of("..", "conf", "kamailio", "kamailio.cfg").toAbsolutePath().normalize();

    private final Process process;
    private final Path log;

    private Kamailio(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Kamailio's TCP and TLS listeners on 127.0.0.1 (conf/kamailio's {@code WITH_TLS}), with the TLS server's
     * certificate and key (PEM) and the TLS versions it accepts (tls.cfg's {@code method}, e.g.
     * {@code TLSv1.2+}).
     *
     * @param clientCa null: no client certificate asked for; else one is required and checked against it
     */
    public record TlsListener(int tlsPort, int tcpPort, Path certificate, Path key, Path clientCa, String method) {
    }

    /** Starts Kamailio and waits (bounded) until it answers an OPTIONS. */
    static Kamailio start(Path workDir, int port, Map<String, String> passwords) throws IOException, InterruptedException {
        return start(workDir, port, passwords, null);
    }

    /** Starts Kamailio with TCP and TLS listeners too (null: UDP only) and waits until it answers an OPTIONS. */
    static Kamailio start(Path workDir, int port, Map<String, String> passwords, TlsListener tls)
            throws IOException, InterruptedException {
        String binary = ExternalTools.require("kamailio", "kamailio");

        try (DatagramSocket free = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            free.getLocalPort(); // Kamailio binds with SO_REUSEADDR: a second one would share the port silently
        } catch (java.net.SocketException e) {
            fail("127.0.0.1:" + port + " is taken (another Kamailio still running?): " + e.getMessage());
        }
        Path log = workDir.resolve("kamailio.log");
        Process p = new ProcessBuilder(prepare(workDir, binary, "127.0.0.1:" + port, passwords, tls))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Kamailio k = new Kamailio(p, log);
        if (!k.answersOptions(port)) {
            k.close();
            fail("Kamailio did not answer on 127.0.0.1:" + port + "; log:\n" + Files.readString(log));
        }
        return k;
    }

    /**
     * Writes {@code conf/kamailio/kamailio.cfg} and a password file for {@code passwords} into {@code workDir}
     * and gives the command line that runs them in the foreground on UDP {@code listen} (IP:PORT).
     */
    public static List<String> prepare(Path workDir, String binary, String listen, Map<String, String> passwords)
            throws IOException {
        return prepare(workDir, binary, listen, passwords, null);
    }

    /** As {@link #prepare(Path, String, String, Map)}, with TCP and TLS listeners when {@code tls} is given. */
    public static List<String> prepare(Path workDir, String binary, String listen, Map<String, String> passwords,
                                       TlsListener tls) throws IOException {
        Files.copy(CONFIG, workDir.resolve("kamailio.cfg"));
        StringBuilder pw = new StringBuilder("event_route[htable:mod-init] {\n");
        passwords.forEach((user, password) ->
                pw.append("\t$sht(passwd=>").append(user).append(") = \"").append(password).append("\";\n"));
        pw.append("}\n");
        Files.writeString(workDir.resolve("kamailio-passwords.cfg"), pw);
        Path run = Files.createDirectories(workDir.resolve("kamailio-run"));
        List<String> command = new java.util.ArrayList<>(List.of(binary, "-DD", "-E", "-f",
                workDir.resolve("kamailio.cfg").toString(), "-A", "LISTEN=udp:" + listen, "-A", "WITH_DEBUG",
                "-Y", run.toString(), "-m", "64", "-M", "8"));
        if (tls != null) {
            String host = listen.substring(0, listen.lastIndexOf(':'));
            Files.writeString(workDir.resolve("kamailio-tls.cfg"), "[server:default]\n"
                    + "method = " + tls.method() + "\n"
                    + "certificate = " + tls.certificate().toAbsolutePath() + "\n"
                    + "private_key = " + tls.key().toAbsolutePath() + "\n"
                    + (tls.clientCa() == null ? "verify_certificate = no\nrequire_certificate = no\n"
                    : "verify_certificate = yes\nrequire_certificate = yes\nca_list = "
                    + tls.clientCa().toAbsolutePath() + "\n")
                    + "\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n");
            command.addAll(List.of("-A", "WITH_TLS", "-A", "LISTEN_TLS=tls:" + host + ":" + tls.tlsPort(),
                    "-A", "LISTEN_TCP=tcp:" + host + ":" + tls.tcpPort()));
        }
        return command;
    }

    private boolean answersOptions(int port) throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(250);
            for (int attempt = 0; attempt < 40 && process.isAlive(); attempt++) {
                String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bK-ready-" + attempt + "\r\n"
                        + "From: <sip:ready@127.0.0.1>;tag=r" + attempt + "\r\n"
                        + "To: <sip:127.0.0.1:" + port + ">\r\n"
                        + "Call-ID: ready-" + attempt + "@127.0.0.1\r\n"
                        + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
                byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
                try {
                    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                    s.receive(reply);
                    if (new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200")) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // not up yet: ask again
                }
            }
        }
        return false;
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
