package net.sippunch.agent.interop;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * rtpengine, the media relay that SBCs and Kamailio put in front of their callers, run in user space on
 * loopback and driven over its ng control protocol (bencoded dictionaries over UDP), as Kamailio's rtpengine
 * module drives it. Asked to, it offers ICE-lite on a caller's behalf: the ICE-lite peer of many deployments.
 */
final class Rtpengine implements AutoCloseable {

    private final Process process;
    private final InetSocketAddress control;
    private final DatagramSocket socket;
    private int cookie;

    private Rtpengine(Process process, InetSocketAddress control) throws Exception {
        this.process = process;
        this.control = control;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    /**
     * Starts rtpengine on 127.0.0.1 with its control socket at {@code controlPort} and media ports in
     * {@code portMin..portMax}; returns once it answers a ping.
     */
    static Rtpengine start(Path dir, int controlPort, int portMin, int portMax) throws Exception {
        String program = ExternalTools.require("rtpengine", "rtpengine-daemon");
        Process p = new ProcessBuilder(program, "--foreground", "--interface=127.0.0.1",
                "--listen-ng=127.0.0.1:" + controlPort, "--table=-1", "--port-min=" + portMin,
                "--port-max=" + portMax, "--log-stderr", "--log-level=6", "--no-fallback",
                "--pidfile=" + dir.resolve("rtpengine.pid"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("rtpengine.log").toFile()).start();
        Rtpengine r = new Rtpengine(p, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), controlPort));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                if ("pong".equals(r.command(Map.of("command", "ping"), 200).get("result"))) {
                    return r;
                }
            } catch (SocketTimeoutException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    r.close();
                    throw new IllegalStateException("rtpengine did not start; see " + dir.resolve("rtpengine.log"));
                }
            }
        }
    }

    /** Sends one ng command and returns its answer's dictionary. */
    Map<String, Object> command(Map<String, Object> command) throws Exception {
        Map<String, Object> answer = command(command, 2000);
        if (!"ok".equals(answer.get("result")) && !"pong".equals(answer.get("result"))) {
            throw new IllegalStateException("rtpengine refused " + command.get("command") + ": " + answer);
        }
        return answer;
    }

    private Map<String, Object> command(Map<String, Object> command, int timeoutMillis) throws Exception {
        String prefix = "c" + (++cookie) + " ";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.US_ASCII));
        encode(command, out);
        byte[] bytes = out.toByteArray();
        socket.send(new DatagramPacket(bytes, bytes.length, control));
        socket.setSoTimeout(timeoutMillis);
        byte[] buffer = new byte[65_536];
        while (true) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            socket.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
            if (text.startsWith(prefix)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> answer = (Map<String, Object>) new Decoder(text, prefix.length()).next();
                return answer;
            }
        }
    }

    /** Bencodes strings, integers, lists and dictionaries (keys in the order given; rtpengine does not mind). */
    private static void encode(Object o, ByteArrayOutputStream out) {
        if (o instanceof Map<?, ?> map) {
            out.write('d');
            map.forEach((k, v) -> {
                encode(k, out);
                encode(v, out);
            });
            out.write('e');
        } else if (o instanceof List<?> list) {
            out.write('l');
            list.forEach(x -> encode(x, out));
            out.write('e');
        } else if (o instanceof Integer i) {
            out.writeBytes(("i" + i + "e").getBytes(StandardCharsets.US_ASCII));
        } else {
            byte[] s = o.toString().getBytes(StandardCharsets.UTF_8);
            out.writeBytes((s.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(s);
        }
    }

    /** Reads bencode (a string is ISO-8859-1 text here: byte for char, as rtpengine's SDP is ASCII). */
    private static final class Decoder {
        private final String text;
        private int at;

        Decoder(String text, int at) {
            this.text = text;
            this.at = at;
        }

        Object next() {
            char c = text.charAt(at);
            if (c == 'd') {
                at++;
                Map<String, Object> map = new LinkedHashMap<>();
                while (text.charAt(at) != 'e') {
                    String key = (String) next();
                    map.put(key, next());
                }
                at++;
                return map;
            }
            if (c == 'l') {
                at++;
                List<Object> list = new ArrayList<>();
                while (text.charAt(at) != 'e') {
                    list.add(next());
                }
                at++;
                return list;
            }
            if (c == 'i') {
                int end = text.indexOf('e', at);
                long value = Long.parseLong(text.substring(at + 1, end));
                at = end + 1;
                return value;
            }
            int colon = text.indexOf(':', at);
            int length = Integer.parseInt(text.substring(at, colon));
            at = colon + 1 + length;
            return text.substring(colon + 1, at);
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
