package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A headless baresip (g711, aufile as source, sndfile dumps, ALSA null player, ctrl_tcp, auto-answer)
 * on loopback with one account through the given proxy. Its output lines can be awaited.
 */
final class Baresip implements AutoCloseable {

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder output = new StringBuilder();
    private final int ctrlPort;
    private final Path dumps;

    private Baresip(Process process, int ctrlPort, Path dumps) {
        this.process = process;
        this.ctrlPort = ctrlPort;
        this.dumps = dumps;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
            }
        }, "baresip-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts baresip with account {@code user@domain} (password, auto-answer) sending {@code wav}.
     */
    static Baresip start(Path dir, String user, String domain, String password, int proxyPort, int sipPort,
                         int ctrlPort, int rtpMin, int rtpMax, Path wav) throws IOException {
        return start(dir, user, domain, password, proxyPort, sipPort, ctrlPort, rtpMin, rtpMax, wav, "", false);
    }

    /**
     * Starts baresip as {@link #start} does, with a media NAT module ({@code "ice"} or {@code "stun"}) and its
     * STUN server ({@code host:port}); {@code rtcpMux} sets baresip's {@code rtcp_mux} (its default is no).
     */
    static Baresip start(Path dir, String user, String domain, String password, int proxyPort, int sipPort,
                         int ctrlPort, int rtpMin, int rtpMax, Path wav, String mediaNat, String stunServer,
                         boolean rtcpMux) throws IOException {
        return start(dir, user, domain, password, proxyPort, sipPort, ctrlPort, rtpMin, rtpMax, wav,
                ";medianat=" + mediaNat + ";stunserver=\"stun:" + stunServer + "\"", rtcpMux);
    }

    /**
     * Starts baresip as {@link #start} does with SRTP: {@code mediaEnc} is its account's {@code mediaenc}, keyed by
     * SDES with {@code srtp} (best effort, RTP/AVP with a=crypto) or {@code srtp-mand} (RTP/SAVP), by DTLS with
     * {@code dtls_srtp} (its dtls_srtp module, UDP/TLS/RTP/SAVP).
     */
    static Baresip startWithSrtp(Path dir, String user, String domain, String password, int proxyPort, int sipPort,
                                 int ctrlPort, int rtpMin, int rtpMax, Path wav, String mediaEnc) throws IOException {
        return start(dir, user, domain, password, proxyPort, sipPort, ctrlPort, rtpMin, rtpMax, wav,
                ";mediaenc=" + mediaEnc, false);
    }

    private static Baresip start(Path dir, String user, String domain, String password, int proxyPort, int sipPort,
                                 int ctrlPort, int rtpMin, int rtpMax, Path wav, String accountParams,
                                 boolean rtcpMux) throws IOException {
        String binary = ExternalTools.require("baresip", "baresip");
        Path conf = Files.createDirectories(dir.resolve("baresip"));
        Path dumps = Files.createDirectories(dir.resolve("baresip-dumps"));
        Files.writeString(conf.resolve("config"), String.join("\n",
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + sipPort,
                "call_local_timeout 120",
                "call_max_calls 4",
                "audio_player alsa,null",
                "audio_source aufile," + wav,
                "audio_alert alsa,null",
                "rtp_ports " + rtpMin + "-" + rtpMax,
                "net_interface 127.0.0.1",
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module aufile.so",
                "module sndfile.so",
                "module stun.so",
                "module ice.so",
                accountParams.contains(";mediaenc=dtls_srtp") ? "module dtls_srtp.so"
                        : accountParams.contains(";mediaenc=") ? "module srtp.so" : "",
                "rtcp_mux " + (rtcpMux ? "yes" : "no"),
                "module alsa.so",
                "module_app account.so",
                "module_app menu.so",
                "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:" + ctrlPort,
                "snd_path " + dumps,
                ""));
        Files.writeString(conf.resolve("accounts"), "<sip:" + user + "@" + domain + ">;auth_pass=" + password
                + ";outbound=\"sip:127.0.0.1:" + proxyPort + "\";answermode=auto;regint=300;audio_codecs=PCMU,PCMA" + accountParams + "\n");
        Process p = new ProcessBuilder(List.of(binary, "-f", conf.toString()))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        return new Baresip(p, ctrlPort, dumps);
    }

    /** Waits (bounded) for an output line containing {@code text}; fails with the output otherwise. */
    String awaitLine(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                fail("baresip did not print \"" + text + "\" in " + seconds + " s; output:\n" + output());
            }
            if (line.contains(text)) {
                return line;
            }
        }
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Sends a ctrl_tcp command (netstring-framed JSON). */
    void command(String command, String params) throws IOException {
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"t\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ctrlPort)) {
            OutputStream out = s.getOutputStream();
            out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write(',');
            out.flush();
        }
    }

    /** The sndfile dump of what baresip decoded (received) in its only call. */
    Path decodedDump() throws IOException {
        try (var files = Files.list(dumps)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).findFirst()
                    .orElseThrow(() -> new IOException("no decoded dump in " + dumps));
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
