package net.sippunch.agent.lab;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP endpoint that the lab tests run inside a namespace and drive line by line on its standard
 * input. It binds sockets, sends datagrams, and prints every datagram it receives with the source
 * address it came from, which is what the sender's NAT made of the sender's port.
 *
 * <pre>
 * bind NAME IP PORT                    -> bound NAME PORT        (PORT 0: any free port)
 * send NAME IP PORT TEXT               -> (nothing)
 * burst NAME IP PORT COUNT TEXT        -> sent NAME COUNT        (TEXT-0 .. TEXT-(COUNT-1), paced)
 * a datagram arriving on socket NAME   -> recv NAME IP PORT TEXT
 * a command that failed                -> error MESSAGE
 * </pre>
 * It prints {@code ready} once it reads commands and ends when its standard input closes.
 */
final class LabEndpoint {

    /** Datagrams sent back to back before a burst pauses, and the pause, so no queue on the path overflows. */
    private static final int BURST_RUN = 16;
    private static final long BURST_PAUSE_NANOS = 1_000_000;

    private final Map<String, DatagramSocket> sockets = new HashMap<>();
    private final Writer out;

    private LabEndpoint(Writer out) {
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        LabEndpoint endpoint = new LabEndpoint(out);
        endpoint.print("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
                endpoint.execute(line.trim().split("\\s+"));
            } catch (IOException | RuntimeException e) {
                endpoint.print("error " + line + ": " + e);
            }
        }
        endpoint.sockets.values().forEach(DatagramSocket::close);
    }

    private void execute(String[] w) throws IOException {
        switch (w[0]) {
            case "bind" -> bind(w[1], new InetSocketAddress(InetAddress.getByName(w[2]), Integer.parseInt(w[3])));
            case "send" -> socket(w[1]).send(datagram(w[4], w[2], w[3]));
            case "burst" -> {
                DatagramSocket socket = socket(w[1]);
                int count = Integer.parseInt(w[4]);
                for (int i = 0; i < count; i++) {
                    socket.send(datagram(w[5] + "-" + i, w[2], w[3]));
                    if (i % BURST_RUN == BURST_RUN - 1) {
                        LockSupport.parkNanos(BURST_PAUSE_NANOS);
                    }
                }
                print("sent " + w[1] + " " + count);
            }
            case "" -> { }
            default -> print("error unknown command " + w[0]);
        }
    }

    private void bind(String name, InetSocketAddress local) throws SocketException {
        DatagramSocket socket = new DatagramSocket(null);
        socket.setReceiveBufferSize(4 << 20);
        socket.bind(local);
        sockets.put(name, socket);
        Thread receiver = new Thread(() -> receive(name, socket), "recv-" + name);
        receiver.setDaemon(true);
        receiver.start();
        print("bound " + name + " " + socket.getLocalPort());
    }

    private void receive(String name, DatagramSocket socket) {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!socket.isClosed()) {
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return; // closed
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            print("recv " + name + " " + packet.getAddress().getHostAddress() + " " + packet.getPort() + " " + text);
        }
    }

    private DatagramSocket socket(String name) {
        DatagramSocket socket = sockets.get(name);
        if (socket == null) {
            throw new IllegalArgumentException("no socket " + name);
        }
        return socket;
    }

    private static DatagramPacket datagram(String text, String ip, String port) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new DatagramPacket(bytes, bytes.length, InetAddress.getByName(ip), Integer.parseInt(port));
    }

    private synchronized void print(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
