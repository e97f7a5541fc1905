package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sippunch.agent.media.WavFile;

/**
 * Linphone's console client ({@code linphonec} 5.1.x, Debian package linphone-cli) as a peer in the kernel NAT
 * lab: it runs in a site's client ({@code a-cli} or {@code b-cli}, behind that site's NAT), registers at the
 * lab's Kamailio ({@link LabKamailio}) as {@code USER@}{@value LabAgent#DOMAIN} with the password of
 * {@link LabAgent#passwords}, with ICE on (the lab's discovery server as its STUN server), PCMU only, RTCP on
 * its own port (no rtcp-mux), answering every call at once ({@code -a}). It has no sound card: its file mode
 * ({@code soundcard use files}) plays a tone WAV (looped) as its microphone and records what it decodes to a
 * WAV ({@code play}, {@code record}). Commands go to its standard input ({@code call}, {@code terminate},
 * {@code quit}); what it prints goes to {@code linphonec.log}, its debug log ({@code -d 6}, SIP and ICE) to
 * {@code linphone-debug.log}, both in its directory.
 *
 * <pre>{@code
 * try (PeerLab lab = PeerLab.start(prefix, dir, "port-restricted", "port-restricted", List.of("alice", "erin"));
 *      LabLinphone erin = LabLinphone.start(lab.host(), dir, "b", "erin", 1000)) {
 *     erin.awaitRegistered(Duration.ofSeconds(30));
 *     erin.callTo("sip:alice@sippunch.test");         // or: another peer calls erin.aor()
 *     erin.awaitCallEstablished(Duration.ofSeconds(20));
 *     Thread.sleep(5000);
 *     erin.hangup();
 *     erin.close();                                   // the recording is complete once linphonec has exited
 *     ToneCheck.assertTone(erin.heard(), 440, 1000);
 * }
 * }</pre>
 */
final class LabLinphone implements AutoCloseable {

    /** The STUN server of its ICE: the lab's discovery server (it answers RFC 5389 Binding). */
    static final String STUN_SERVER = LabAgent.Options.DEFAULT.discoveryServers().get(0);
    /** linphonec's SIP port: the agents' is 5060 and baresip's 5070. */
    static final int SIP_PORT = 5080;
    /** Its RTP port (RTCP the next one): the agents' are 30000-30099, baresip's 20000-20099. */
    static final int RTP_PORT = 22000;
    /** Its tone: longer than any lab call, so the file player's loop (a short gap) never comes. */
    private static final double TONE_SECONDS = 60;
    private static final double TONE_AMPLITUDE = 0.3;
    /** The codecs linphone 5.1 knows besides PCMU: all written disabled, or it adds them enabled. */
    private static final List<String> OTHER_CODECS = List.of("opus/48000/2", "speex/16000/1", "speex/8000/1",
            "speex/32000/1", "PCMA/8000/1", "GSM/8000/1", "G722/8000/1", "G729/8000/1", "G726-16/8000/1",
            "G726-24/8000/1", "G726-32/8000/1", "G726-40/8000/1", "AAL2-G726-16/8000/1", "AAL2-G726-24/8000/1",
            "AAL2-G726-32/8000/1", "AAL2-G726-40/8000/1", "L16/44100/2", "L16/44100/1");

    /** What its debug log says when its REGISTER was answered 200 (the console says nothing). */
    private static final String REGISTERED = "to [LinphoneRegistrationOk]";
    /** What linphonec 5.1 prints: a call answered, a call ended or failed. */
    private static final Pattern ESTABLISHED = Pattern.compile("Call \\d+ with .* connected\\.");
    private static final Pattern ENDED = Pattern.compile("Call \\d+ with .* (ended \\(|error)");

    private static final Pattern ICE_STATE = Pattern.compile("ICE state is (\\w+)");
    private static final Pattern ICE_VALID = Pattern.compile("to the valid list: (\\S+ --> \\S+)");


    private final String node;
    private final String user;
    private final Path dir;
    private final Path log;
    private final Path debugLog;
    private final Path recording;
    private final Process process;
    private final Writer stdin;
    /** How many occurrences of each awaited event a wait has returned. */
    private final Map<String, Integer> consumed = new HashMap<>();

    private LabLinphone(String node, String user, Path dir, Path recording, Process process) {
        this.node = node;
        this.user = user;
        this.dir = dir;
        this.log = dir.resolve("linphonec.log");
        this.debugLog = dir.resolve("linphone-debug.log");
        this.recording = recording;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Starts linphonec as {@code user} in the client of {@code site} ({@code a} or {@code b}) of a lab that is
     * up, playing a {@code toneHz} tone in its calls; its home (config, tone, recording, logs) is a new
     * directory under {@code dir}. Does not wait for the registration: see {@link #awaitRegistered}. Tests check
     * for the program first: {@code LabHost.requireLab(List.of("linphonec (linphone-cli)", ...))}.
     */
    static LabLinphone start(LabHost lab, Path dir, String site, String user, double toneHz)
            throws IOException, InterruptedException {
        String node = site + "-cli";
        String address = lab.ipv4(node);
        Path home = Files.createTempDirectory(Files.createDirectories(dir), "linphone-" + user + "-");
        // its databases (call history, chat); without the directory the core does not start its transports
        Files.createDirectories(home.resolve(".local/share/linphone"));
        Path tone = home.resolve("tone-" + Math.round(toneHz) + "hz.wav");
        WavFile.write(tone, WavFile.tone(toneHz, TONE_SECONDS, TONE_AMPLITUDE));
        Path recording = home.resolve("heard.wav");
        Path rc = home.resolve("linphonerc");
        Files.writeString(rc, config(user, address));
        // ip netns exec execs linphonec: the process is linphonec itself, and its stdin is our pipe
        ProcessBuilder pb = new ProcessBuilder(List.of("ip", "netns", "exec", lab.namespace(node), "linphonec",
                "-c", rc.toString(), "-a", "-d", "6", "-l", home.resolve("linphone-debug.log").toString()))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("linphonec.log").toFile());
        // its history, ZRTP cache and databases go under HOME
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        LabLinphone peer = new LabLinphone(node, user, home, recording, p);
        // file mode: the tone is its microphone, the recording its speaker (per call, from the next call on)
        peer.command("soundcard use files");
        peer.command("play " + tone);
        peer.command("record " + recording);
        return peer;
    }

    /** The linphonerc: account, ICE with the lab's STUN server, PCMU only, no video, no rtcp-mux. */
    private static String config(String user, String address) {
        StringBuilder rc = new StringBuilder();
        rc.append("[sip]\n")
                .append("sip_port=").append(SIP_PORT).append('\n')
                .append("sip_tcp_port=-1\nsip_tls_port=-1\n")
                .append("use_ipv6=0\n")
                .append("bind_address=").append(address).append('\n')
                .append("default_proxy=0\n")
                .append("media_encryption=none\n")
                .append("inc_timeout=60\n")
                .append("in_call_timeout=0\n")
                .append("[rtp]\n")
                .append("audio_rtp_port=").append(RTP_PORT).append('\n')
                .append("rtcp_mux=0\n")
                // a fixed jitter buffer: the adaptive one stretches and drops audio to move its size, and the
                // recorded tone then comes out in pieces of different phase (the tone check fails at times)
                .append("audio_adaptive_jitt_comp_enabled=0\n")
                .append("nortp_timeout=60\n")
                .append("[sound]\n")
                .append("echocancellation=0\n")
                .append("[video]\ncapture=0\ndisplay=0\nautomatically_initiate=0\nautomatically_accept=0\n")
                // ICE: the core's NAT policy, and the account's (5.1 takes the account's for its calls)
                .append("[net]\n")
                .append("firewall_policy=3\n")
                .append("nat_policy_ref=lab\n")
                .append("mtu=1300\n")
                .append("[nat_policy_0]\n")
                .append("ref=lab\n")
                .append("stun_server=").append(STUN_SERVER).append('\n')
                .append("protocols=stun,ice\n")
                .append("[proxy_0]\n")
                .append("reg_proxy=<sip:").append(LabKamailio.ADDRESS).append(':').append(LabKamailio.PORT)
                .append(";transport=udp>\n")
                // the outbound proxy of every request (calls too): the lab has no DNS for the domain
                .append("reg_route=<sip:").append(LabKamailio.ADDRESS).append(':').append(LabKamailio.PORT)
                .append(";transport=udp;lr>\n")
                .append("reg_identity=sip:").append(user).append('@').append(LabAgent.DOMAIN).append('\n')
                .append("reg_expires=300\n")
                .append("reg_sendregister=1\n")
                .append("publish=0\n")
                .append("nat_policy_ref=lab\n")
                .append("[auth_info_0]\n")
                .append("username=").append(user).append('\n')
                .append("passwd=").append(user).append("-pw\n")
                .append("domain=").append(LabAgent.DOMAIN).append('\n')
                .append("[audio_codec_0]\nmime=PCMU\nrate=8000\nchannels=1\nenabled=1\n");
        for (int i = 0; i < OTHER_CODECS.size(); i++) {
            String[] codec = OTHER_CODECS.get(i).split("/");
            rc.append("[audio_codec_").append(i + 1).append("]\nmime=").append(codec[0]).append("\nrate=")
                    .append(codec[1]).append("\nchannels=").append(codec[2]).append("\nenabled=0\n");
        }
        return rc.toString();
    }

    /** Its address of record, {@code sip:USER@sippunch.test}. */
    String aor() {
        return "sip:" + user + "@" + LabAgent.DOMAIN;
    }

    /** Waits for Kamailio's 200 to its REGISTER; fails the test (with its log) when none comes in time. */
    void awaitRegistered(Duration wait) throws IOException, InterruptedException {
        if (!awaitNext("registered", debugLog, text -> occurrences(text, REGISTERED), wait)) {
            fail(user + " did not register within " + wait + describe());
        }
    }

    /** Calls {@code uri} through Kamailio. */
    void callTo(String uri) throws IOException {
        command("call " + uri);
    }

    /** Hangs up its call. */
    void hangup() throws IOException {
        command("terminate");
    }

    /**
     * Waits until its next call (placed or answered) is established (SIP answered; its media streams start, ICE
     * may still be checking); false when that does not happen within {@code wait}.
     */
    boolean awaitCallEstablished(Duration wait) throws IOException, InterruptedException {
        return awaitNext("established", log, text -> ESTABLISHED.matcher(text).results().count(), wait);
    }

    /** Waits until its next call has ended (either side hung up, or it failed); false when not within {@code wait}. */
    boolean awaitCallEnded(Duration wait) throws IOException, InterruptedException {
        return awaitNext("ended", log, text -> ENDED.matcher(text).results().count(), wait);
    }

    /**
     * What its ICE did, from its debug log (mediastreamer's {@code ice:} lines): the last session state it
     * reported (e.g. IceStateHostConnection, IceStateReflexiveConnection, IceStateFailed; in progress when the
     * checks never concluded), the pairs it added to the valid list, and how many binding requests it sent to the
     * peer, received from it and got answered.
     */
    String iceSummary() throws IOException {
        if (!Files.exists(debugLog)) {
            return "no debug log";
        }
        String state = "never reported";
        List<String> valid = new ArrayList<>();
        int sent = 0;
        int received = 0;
        int answered = 0;
        for (String line : Files.readAllLines(debugLog, StandardCharsets.ISO_8859_1)) {
            Matcher m = ICE_STATE.matcher(line);
            if (m.find() && !m.group(1).equals("IceStateNotActivated")) {
                state = m.group(1);
            }
            m = ICE_VALID.matcher(line);
            if (m.find() && !valid.contains(m.group(1))) {
                valid.add(m.group(1));
            }
            if (line.contains("ice: Send binding request for") || line.contains("ice: Retransmit")) {
                sent++;
            } else if (line.contains("ice: Recv binding request")) {
                received++;
            } else if (line.contains("ice: Recv binding response") && !line.contains(STUN_SERVER)) {
                answered++;
            }
        }
        return state + ", valid pairs " + (valid.isEmpty() ? "none" : String.join(", ", valid)) + ", checks sent "
                + sent + " (answered " + answered + "), received " + received;
    }

    /**
     * The voiced part of its recording (from the first to the last 20 ms frame above a tenth of the tone's
     * level): linphone's file recorder also writes what it decoded before media arrived (ICE checks) and
     * after it stopped. None when it recorded nothing.
     */
    short[] heard() throws IOException {
        if (!Files.exists(recording) || Files.size(recording) <= 44) {
            return new short[0];
        }
        short[] all = samples();
        int frame = 160;
        double threshold = 0.1 * TONE_AMPLITUDE * 32767 / Math.sqrt(2);
        int first = -1;
        int last = -1;
        for (int i = 0; i + frame <= all.length; i += frame) {
            double sum = 0;
            for (int j = i; j < i + frame; j++) {
                sum += (double) all[j] * all[j];
            }
            if (Math.sqrt(sum / frame) > threshold) {
                if (first < 0) {
                    first = i;
                }
                last = i + frame;
            }
        }
        return first < 0 ? new short[0] : Arrays.copyOfRange(all, first, last);
    }

    /** Seconds of its recording, voiced or not (for notes). */
    double recordedSeconds() throws IOException {
        return Files.exists(recording) && Files.size(recording) > 44 ? samples().length / 8000.0 : 0;
    }

    /**
     * The samples of its recording (16-bit mono 8 kHz PCM with PCMU). Not {@link WavFile#read}: linphone's
     * recorder writes the file's whole length as the data chunk's size (44 bytes too many), so the samples are
     * taken up to the end of the file.
     */
    private short[] samples() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(recording)).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        while (pos + 8 <= b.limit()) {
            String id = new String(b.array(), pos, 4, StandardCharsets.US_ASCII);
            int size = b.getInt(pos + 4);
            if (id.equals("fmt ")) {
                int format = b.getShort(pos + 8);
                int channels = b.getShort(pos + 10);
                int rate = b.getInt(pos + 12);
                int bits = b.getShort(pos + 22);
                if (format != 1 || channels != 1 || rate != 8000 || bits != 16) {
                    throw new IOException(recording + ": need 16-bit PCM mono 8000 Hz, found format " + format
                            + ", " + channels + " channels, " + rate + " Hz, " + bits + " bits");
                }
            } else if (id.equals("data")) {
                int n = Math.min(size, b.limit() - pos - 8) / 2;
                short[] out = new short[n];
                b.position(pos + 8);
                b.asShortBuffer().get(out);
                return out;
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException(recording + ": no data chunk");
    }

    /** Its home: config, tone, recording and logs. */
    Path dir() {
        return dir;
    }

    /** Its console log so far. */
    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    /** For failure messages: its name, where its logs are, and the console log's last lines (no RTP statistics). */
    String describe() throws IOException {
        List<String> lines = logText().lines().filter(l -> !l.isBlank() && !l.contains("Stream #0")).toList();
        return "\n--- linphonec " + user + " in " + node + " (" + dir + ")"
                + (process.isAlive() ? "" : ", exited " + process.exitValue()) + ", last lines:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private void command(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /**
     * Waits until {@code count} of {@code file} (its console or debug log) exceeds what earlier waits for
     * {@code key} consumed; false when it did not in time or linphonec exited.
     */
    private boolean awaitNext(String key, Path file, ToLongFunction<String> count, Duration wait)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
            if (count.applyAsLong(text) > consumed.getOrDefault(key, 0)) {
                consumed.merge(key, 1, Integer::sum);
                return true;
            }
            if (System.nanoTime() - deadline >= 0 || !process.isAlive()) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100); // the log is a file: read it again
        }
    }

    private static long occurrences(String log, String text) {
        long n = 0;
        for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }

    /** {@code quit} (it hangs up, un-registers and exits); killed when it has not within 5 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                command("quit");
            } catch (IOException e) {
                process.destroy(); // its stdin is gone: it is exiting anyway
            }
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
