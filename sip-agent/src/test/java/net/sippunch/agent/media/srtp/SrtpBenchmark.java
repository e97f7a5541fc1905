package net.sippunch.agent.media.srtp;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Protect and unprotect of one 20 ms PCMU packet (12-byte header, 160 bytes of payload) per suite, in
 * nanoseconds per packet. Without arguments a short run (3 x 1 s warm-up, 5 x 1 s measurement, one fork);
 * with arguments, JMH's own command line. The command is in docs/BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SrtpBenchmark {

    private static final long SSRC = 0x5EC12E7L;
    private static final int PACKETS = 65536;

    @Param({"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM"})
    public CryptoSuite suite;

    private MasterKey key;
    private SrtpSender sender;
    private byte[] rtp;
    private int sequence;
    /** One cycle of sequence numbers, protected; a new receiver takes each cycle (replays are refused). */
    private byte[][] srtp;
    private SrtpReceiver receiver;
    private int next;

    @Setup
    public void setUp() {
        key = Packets.key(suite, 20);
        sender = SrtpSender.of(key);
        rtp = Packets.rtp(SSRC, 0, 160);
        SrtpSender other = SrtpSender.of(key);
        srtp = new byte[PACKETS][];
        for (int seq = 0; seq < PACKETS; seq++) {
            srtp[seq] = other.protectRtp(Packets.rtp(SSRC, seq, 160)).bytes();
        }
        receiver = SrtpReceiver.of(key);
    }

    @Benchmark
    public byte[] protect() {
        sequence = (sequence + 1) & 0xFFFF;
        rtp[2] = (byte) (sequence >>> 8);
        rtp[3] = (byte) sequence;
        return sender.protectRtp(rtp).bytes();
    }

    @Benchmark
    public byte[] unprotect() {
        if (next == PACKETS) {
            next = 0;
            receiver = SrtpReceiver.of(key);
        }
        return receiver.unprotectRtp(srtp[next++]).bytes();
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Options options = new OptionsBuilder()
                .include(SrtpBenchmark.class.getName())
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .forks(1)
                .build();
        run(options);
    }

    private static void run(Options options) throws RunnerException {
        new Runner(options).run();
    }
}
