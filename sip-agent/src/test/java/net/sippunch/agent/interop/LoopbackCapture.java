package net.sippunch.agent.interop;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sniffer on the loopback interface: tcpdump writes pcap to its stdout, a thread parses it and hands each
 * UDP datagram or TCP segment with data (ports and payload) to a handler. What an on-path eavesdropper would see; the attack test uses
 * it to replay real probes and to copy the real RTP stream's SSRC.
 */
final class LoopbackCapture implements AutoCloseable {

    /** Gets each captured UDP datagram, on the capture's thread. */
    @FunctionalInterface
    interface Handler {
        void datagram(int sourcePort, int destinationPort, byte[] payload);
    }

    private final Process tcpdump;
    private final Thread reader;
    private final AtomicLong datagrams = new AtomicLong();
    private final List<String> problems = new ArrayList<>();

    private LoopbackCapture(Process tcpdump, Handler handler) {
        this.tcpdump = tcpdump;
        this.reader = new Thread(() -> read(handler), "loopback-capture");
        reader.setDaemon(true);
    }

    /**
     * Starts tcpdump on {@code lo} for UDP within the port range and returns once it listens.
     *
     * @throws IOException when tcpdump does not start listening within 10 s
     */
    static LoopbackCapture start(String tcpdump, int portMin, int portMax, Handler handler)
            throws IOException, InterruptedException {
        return start(tcpdump, "udp and portrange " + portMin + "-" + portMax, handler);
    }

    /** Starts tcpdump on {@code lo} with a capture filter ({@code "tcp port 5061"}) and returns once it listens. */
    static LoopbackCapture start(String tcpdump, String filter, Handler handler)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tcpdump, "-i", "lo", "-n", "-U", "-s", "65535", "-w", "-", filter).start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread errors = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder all = new StringBuilder();
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    all.append(line).append('\n');
                    if (line.contains("listening on")) {
                        listening.complete(line);
                    }
                }
                listening.completeExceptionally(new IOException("tcpdump ended: " + all));
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
        }, "tcpdump-stderr");
        errors.setDaemon(true);
        errors.start();
        try {
            listening.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("tcpdump did not start listening on lo: " + e.getMessage(), e);
        }
        LoopbackCapture capture = new LoopbackCapture(p, handler);
        capture.reader.start();
        return capture;
    }

    /** UDP datagrams and TCP segments with data parsed so far. */
    long datagrams() {
        return datagrams.get();
    }

    private void read(Handler handler) {
        try (DataInputStream in = new DataInputStream(tcpdump.getInputStream())) {
            byte[] global = new byte[24];
            if (in.readNBytes(global, 0, global.length) < global.length) {
                return; // tcpdump stopped before writing anything
            }
            ByteBuffer g = ByteBuffer.wrap(global);
            int magic = g.getInt(0);
            ByteOrder order = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN;
            g.order(order);
            int linkHeader = switch (g.getInt(20)) {
                case 0 -> 4;      // BSD loopback
                case 1 -> 14;     // Ethernet (Linux lo)
                case 113 -> 16;   // Linux cooked
                case 276 -> 20;   // Linux cooked v2
                default -> throw new IOException("link type " + g.getInt(20));
            };
            byte[] recordHeader = new byte[16];
            while (in.readNBytes(recordHeader, 0, recordHeader.length) == recordHeader.length) {
                int length = ByteBuffer.wrap(recordHeader).order(order).getInt(8);
                byte[] frame = new byte[length];
                in.readFully(frame);
                udp(frame, linkHeader, handler);
            }
        } catch (IOException e) {
            synchronized (problems) {
                problems.add(e.toString());
            }
        }
    }

    private void udp(byte[] frame, int linkHeader, Handler handler) {
        ByteBuffer f = ByteBuffer.wrap(frame);
        if (frame.length >= linkHeader + 40 && (f.get(linkHeader) & 0xF0) == 0x40 && f.get(linkHeader + 9) == 6) {
            tcp(f, linkHeader, handler);
            return;
        }
        if (frame.length < linkHeader + 28 || (f.get(linkHeader) & 0xF0) != 0x40 || f.get(linkHeader + 9) != 17) {
            return; // not IPv4 UDP
        }
        int ip = (f.get(linkHeader) & 0x0F) * 4;
        int udp = linkHeader + ip;
        if (frame.length < udp + 8) {
            return;
        }
        int sourcePort = f.getShort(udp) & 0xFFFF;
        int destinationPort = f.getShort(udp + 2) & 0xFFFF;
        int end = Math.min(frame.length, udp + (f.getShort(udp + 4) & 0xFFFF));
        byte[] payload = Arrays.copyOfRange(frame, udp + 8, end);
        datagrams.incrementAndGet();
        handler.datagram(sourcePort, destinationPort, payload);
    }

    /** An IPv4 TCP segment's data, if it has any (handshakes and bare ACKs are not handed on). */
    private void tcp(ByteBuffer f, int linkHeader, Handler handler) {
        int ip = (f.get(linkHeader) & 0x0F) * 4;
        int end = Math.min(f.capacity(), linkHeader + (f.getShort(linkHeader + 2) & 0xFFFF));
        int tcp = linkHeader + ip;
        if (end < tcp + 20) {
            return;
        }
        int data = tcp + ((f.get(tcp + 12) & 0xF0) >> 4) * 4;
        if (data >= end) {
            return;
        }
        datagrams.incrementAndGet();
        handler.datagram(f.getShort(tcp) & 0xFFFF, f.getShort(tcp + 2) & 0xFFFF,
                Arrays.copyOfRange(f.array(), data, end));
    }

    /** Why parsing stopped early, if it did. */
    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    @Override
    public void close() throws InterruptedException {
        tcpdump.destroy();
        if (!tcpdump.waitFor(5, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly();
        }
        reader.join(2000);
    }
}
