package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.sippunch.agent.media.WavFile;

/**
 * baresip 1.0.0 as a peer in the kernel NAT lab: it runs in a site's client ({@code a-cli} or {@code b-cli},
 * behind that site's NAT, as the agents do), registers at the lab's Kamailio ({@link LabKamailio}) as
 * {@code USER@}{@value LabAgent#DOMAIN} with the password of {@link LabAgent#passwords}, answers every call
 * at once, plays a tone WAV (and hangs up when it ends: baresip's aufile source ends the call), records what
 * it decodes (sndfile) and places calls when told (ctrl_tcp, reached from inside the namespace with bash's
 * {@code /dev/tcp}). Its media NAT traversal is one of {@link MediaNat}; the lab's discovery server is its
 * STUN server. Everything it prints ({@code -v}) goes to {@code baresip.log} in its directory.
 *
 * <pre>{@code
 * try (PeerLab lab = PeerLab.start(prefix, dir, "port-restricted", "port-restricted", List.of("alice", "carol"));
 *      LabBaresip carol = LabBaresip.start(lab.host(), dir, "b", "carol", MediaNat.STUN, 1000, 4)) {
 *     carol.awaitRegistered(Duration.ofSeconds(30));
 *     carol.callTo("sip:alice@sippunch.test");           // or: another peer calls carol.aor()
 *     carol.awaitCallEstablished(Duration.ofSeconds(20));
 *     carol.awaitCallEnded(Duration.ofSeconds(20));      // its tone ended, or the peer hung up
 *     ToneCheck.assertTone(carol.heard(), 440, 1000);
 * }
 * }</pre>
 */
final class LabBaresip implements AutoCloseable {

    /** baresip's {@code medianat} account parameter. */
    enum MediaNat {
        /** No media NAT traversal: the SDP names the client's private address. */
        NONE(null),
        /** The STUN-mapped address of the RTP socket in the SDP (module stun). */
        STUN("stun"),
        /** ICE (module ice, RFC 5245 in this version): host and server-reflexive candidates, checks. */
        ICE("ice");

        private final String parameter;

        MediaNat(String parameter) {
            this.parameter = parameter;
        }

        /** The value of {@code medianat}, or {@code none}. */
        String label() {
            return parameter == null ? "none" : parameter;
        }
    }

    /** baresip's {@code rtcp_mux} config line: RTCP on the RTP port, or on a port (and ICE component) of its own. */
    enum RtcpMux {
        /** baresip's default: RTCP on RTP port + 1; with ICE a second component, with candidates and checks. */
        NO("no"),
        /** RTCP multiplexed on the RTP port (RFC 5761): one ICE component. */
        YES("yes");

        private final String value;

        RtcpMux(String value) {
            this.value = value;
        }

        /** {@code mux} or {@code no-mux}, for names and tables. */
        String label() {
            return this == YES ? "mux" : "no-mux";
        }
    }

    /** The STUN server of modes stun and ice: the lab's discovery server (it answers RFC 5389 Binding). */
    static final String STUN_SERVER = LabAgent.Options.DEFAULT.discoveryServers().get(0);
    /** baresip's SIP port: the agents' is 5060, so both may run in one client. */
    static final int SIP_PORT = 5070;
    /** baresip's RTP ports (the agents' are 30000-30099). */
    static final String RTP_PORTS = "20000-20099";
    /** ctrl_tcp's port on the client's loopback. */
    private static final int CTRL_PORT = 4444;
    private static final double TONE_AMPLITUDE = 0.3;

    /**
     * Sends one netstring-framed JSON command to ctrl_tcp and prints the response (the first netstring that is
     * one: events may come first). Arguments: port, JSON.
     */
    private static final String CTRL_SCRIPT = """
            export LC_ALL=C
            exec 3<>/dev/tcp/127.0.0.1/"$1"
            printf '%d:%s,' "${#2}" "$2" >&3
            for i in 1 2 3 4 5 6 7 8 9 10; do
                IFS= read -r -d : -t 5 n <&3 || exit 3
                IFS= read -r -N "$n" -t 5 body <&3 || exit 3
                IFS= read -r -N 1 -t 5 comma <&3 || exit 3
                case "$body" in *'"response":true'*) printf '%s\\n' "$body"; exit 0 ;; esac
            done
            exit 4
            """;

    /** What baresip 1.0.0 logs: a 200 to its REGISTER, a call established, a call ended. */
    private static final String REGISTERED = "binding]";
    private static final String ESTABLISHED = "Call established";
    private static final String ENDED = "terminated (duration";
    /** ICE's checks found no pair, or the peer's SDP had no candidates (then baresip runs no checks at all). */
    private static final List<String> ICE_FAILED = List.of("connectivity check failed", "ICE not supported by peer");

    private static final Pattern RECEIVING = Pattern.compile("receiving from (\\S+)");

    private final LabHost lab;
    private final String node;
    private final String user;
    private final MediaNat mediaNat;
    private final RtcpMux rtcpMux;
    private final Path dir;
    private final Path log;
    private final Process process;
    /** How many occurrences of each awaited log text a wait has returned. */
    private final Map<String, Integer> consumed = new HashMap<>();

    private LabBaresip(LabHost lab, String node, String user, MediaNat mediaNat, RtcpMux rtcpMux, Path dir,
                       Process process) {
        this.lab = lab;
        this.node = node;
        this.user = user;
        this.mediaNat = mediaNat;
        this.rtcpMux = rtcpMux;
        this.dir = dir;
        this.log = dir.resolve("baresip.log");
        this.process = process;
    }

    /**
     * Starts baresip as {@code user} in the client of {@code site} ({@code a} or {@code b}) of a lab that is up,
     * playing a {@code toneHz} tone of {@code toneSeconds} s in each call (the call ends when it ends); its
     * config, tone, recordings and log go to a new directory under {@code dir}. Does not wait for the
     * registration: see {@link #awaitRegistered}. Tests check for the program first:
     * {@code LabHost.requireLab(List.of("baresip (baresip)", ...))}.
     */
    static LabBaresip start(LabHost lab, Path dir, String site, String user, MediaNat mediaNat, double toneHz,
                            double toneSeconds) throws IOException, InterruptedException {
        return start(lab, dir, site, user, mediaNat, RtcpMux.NO, toneHz, toneSeconds);
    }

    /**
     * {@link #start(LabHost, Path, String, String, MediaNat, double, double)} with baresip's {@code rtcp_mux}
     * set: {@link RtcpMux#NO} (baresip's default) wants RTCP on a port (an ICE component) of its own,
     * {@link RtcpMux#YES} multiplexes it on the RTP port (RFC 5761, {@code a=rtcp-mux}).
     */
    static LabBaresip start(LabHost lab, Path dir, String site, String user, MediaNat mediaNat, RtcpMux rtcpMux,
                            double toneHz, double toneSeconds) throws IOException, InterruptedException {
        String node = site + "-cli";
        String address = lab.ipv4(node);
        Path home = Files.createTempDirectory(Files.createDirectories(dir), "baresip-" + user + "-");
        Path dumps = Files.createDirectories(home.resolve("recordings"));
        Path tone = home.resolve("tone-" + Math.round(toneHz) + "hz.wav");
        WavFile.write(tone, WavFile.tone(toneHz, toneSeconds, TONE_AMPLITUDE));
        Files.writeString(home.resolve("config"), String.join("\n",
                "poll_method epoll",
                "sip_listen " + address + ":" + SIP_PORT,
                // the client's address, not its interface's name: baresip 1.0.0 takes either, and the address
                // keeps it off the loopback
                "net_interface " + address,
                "call_local_timeout 120",
                "call_max_calls 4",
                "audio_player alsa,null",
                "audio_source aufile," + tone.getFileName(),
                "audio_alert alsa,null",
                "rtp_ports " + RTP_PORTS,
                "rtcp_mux " + rtcpMux.value,
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module aufile.so",
                "module sndfile.so",
                "module alsa.so",
                // media NAT modules register the medianat names an account may choose
                "module stun.so",
                "module ice.so",
                "module_app account.so",
                "module_app menu.so",
                "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:" + CTRL_PORT,
                // relative to its working directory: sndfile cuts a dump's path at 127 bytes (enc and dec
                // then share one truncated name), and a test's temporary directory is deep
                "snd_path " + home.relativize(dumps),
                ""));
        StringBuilder account = new StringBuilder("<sip:" + user + "@" + LabAgent.DOMAIN + ">;auth_pass=" + user
                + "-pw;outbound=\"sip:" + LabKamailio.ADDRESS + ":" + LabKamailio.PORT
                + "\";answermode=auto;regint=300;audio_codecs=PCMU,PCMA");
        if (mediaNat != MediaNat.NONE) {
            account.append(";medianat=").append(mediaNat.parameter)
                    .append(";stunserver=\"stun:").append(STUN_SERVER).append('"');
        }
        Files.writeString(home.resolve("accounts"), account.append('\n').toString());
        // its working directory is home, for the relative paths above; ip netns exec execs baresip: the process is baresip itself, and SIGTERM reaches it
        Process p = new ProcessBuilder(List.of("ip", "netns", "exec", lab.namespace(node), "baresip", "-v", "-f",
                home.toString()))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("baresip.log").toFile())
                .start();
        p.getOutputStream().close();
        return new LabBaresip(lab, node, user, mediaNat, rtcpMux, home, p);
    }

    /** Its address of record, {@code sip:USER@sippunch.test}. */
    String aor() {
        return "sip:" + user + "@" + LabAgent.DOMAIN;
    }

    MediaNat mediaNat() {
        return mediaNat;
    }

    /** Waits for Kamailio's 200 to its REGISTER; fails the test (with its log) when none comes in time. */
    void awaitRegistered(Duration wait) throws IOException, InterruptedException {
        if (awaitNext(List.of(REGISTERED), wait).isEmpty()) {
            fail(user + " did not register within " + wait + describe());
        }
    }

    /** Calls {@code uri} through Kamailio (ctrl_tcp {@code dial}). */
    void callTo(String uri) throws IOException, InterruptedException {
        command("dial", uri);
    }

    /** Hangs up its call (ctrl_tcp {@code hangup}). */
    void hangup() throws IOException, InterruptedException {
        command("hangup", "");
    }

    /**
     * Waits until its next call (placed or answered) is established (SIP: the 200 and its ACK; media may still
     * be checking); false when that does not happen within {@code wait}.
     */
    boolean awaitCallEstablished(Duration wait) throws IOException, InterruptedException {
        return awaitNext(List.of(ESTABLISHED), wait).isPresent();
    }

    /**
     * Waits until its next call has ended (its tone ended, the peer hung up, or {@link #hangup}); false when it
     * has not within {@code wait}.
     */
    boolean awaitCallEnded(Duration wait) throws IOException, InterruptedException {
        return awaitNext(List.of(ENDED), wait).isPresent();
    }

    /**
     * Waits until its next call has ended or its ICE failed (no valid pair, or a peer without candidates; then
     * baresip keeps the call up without media until someone hangs up); {@link CallEnd#RUNNING} when neither
     * happened within {@code wait}.
     */
    CallEnd awaitCallEnd(Duration wait) throws IOException, InterruptedException {
        List<String> texts = new ArrayList<>(ICE_FAILED);
        texts.add(0, ENDED);
        Optional<String> seen = awaitNext(texts, wait);
        return seen.isEmpty() ? CallEnd.RUNNING : seen.get().equals(ENDED) ? CallEnd.ENDED : CallEnd.ICE_FAILED;
    }

    /** What {@link #awaitCallEnd} saw. */
    enum CallEnd {
        /** The call ended (a tone ended or someone hung up). */
        ENDED,
        /** ICE found no valid candidate pair or the peer offered none; the call is still up, without media. */
        ICE_FAILED,
        /** Neither: the call is still up. */
        RUNNING
    }

    /** The recording (what it decoded) of its latest call, if it had one. */
    Optional<Path> recording() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("recordings"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-dec.wav"))
                    .max(Comparator.comparing(LabBaresip::modified).thenComparing(Path::toString));
        }
    }

    /** The samples of {@link #recording()}; none when there is no recording. */
    short[] heard() throws IOException {
        Optional<Path> wav = recording();
        return wav.isPresent() ? WavFile.read(wav.get()) : new short[0];
    }

    /**
     * Where RTP last came from ({@code IP:PORT}), as baresip logged it when the flow started (the latest such
     * line of any call); empty if RTP never came.
     */
    Optional<String> mediaSource() throws IOException {
        Matcher m = RECEIVING.matcher(logText());
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return Optional.ofNullable(last);
    }

    /** Its log file ({@code baresip -v}). */
    Path log() {
        return log;
    }

    /** Its log so far, without the call status lines it redraws with carriage returns. */
    String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8).replaceAll("[^\\n\\r]*\\r(?!\\n)", "");
    }

    /** For failure messages: its name, where its log is, and the log's last lines. */
    String describe() throws IOException {
        List<String> lines = logText().lines().toList();
        return "\n--- baresip " + user + " in " + node + " (medianat " + mediaNat.label() + ", rtcp_mux "
                + rtcpMux.value + ", " + log + ")"
                + (process.isAlive() ? "" : ", exited " + process.exitValue()) + ", last lines:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private void command(String command, String params) throws IOException, InterruptedException {
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"lab\"}";
        String response = lab.exec(node, List.of("bash", "-c", CTRL_SCRIPT, "ctrl", Integer.toString(CTRL_PORT),
                json));
        if (!response.contains("\"ok\":true")) {
            fail(user + ": ctrl_tcp " + command + " " + params + " answered " + response + describe());
        }
    }

    /**
     * Waits for the next occurrence of any of {@code texts} in the log (occurrences an earlier wait returned
     * are passed over); returns the text seen, or empty when none came in time or baresip exited.
     */
    private Optional<String> awaitNext(List<String> texts, Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String now = Files.readString(log, StandardCharsets.UTF_8);
            for (String text : texts) {
                if (occurrences(now, text) > consumed.getOrDefault(text, 0)) {
                    consumed.merge(text, 1, Integer::sum);
                    return Optional.of(text);
                }
            }
            if (System.nanoTime() - deadline >= 0 || !process.isAlive()) {
                return Optional.empty();
            }
            TimeUnit.MILLISECONDS.sleep(100); // the log is a file: read it again
        }
    }

    private static int occurrences(String log, String text) {
        int n = 0;
        for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** SIGTERM: baresip hangs up, un-registers and exits; killed when it has not within 5 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
