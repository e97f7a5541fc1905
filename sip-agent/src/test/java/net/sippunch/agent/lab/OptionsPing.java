package net.sippunch.agent.lab;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Run inside a lab namespace: sends a SIP OPTIONS to {@code HOST PORT} every 250 ms (up to 40 times) and
 * exits 0 on the first 200 answer, 1 when none comes. The lab tests use it to know a SIP proxy is up.
 */
final class OptionsPing {

    private OptionsPing() {
    }

    public static void main(String[] args) throws IOException {
        InetAddress host = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        String localIp;
        try (DatagramSocket route = new DatagramSocket()) {
            route.connect(host, port);
            localIp = route.getLocalAddress().getHostAddress();
        }
        // not connected: a port-unreachable answer is not reported, so every attempt waits its 250 ms
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(250);
            String local = localIp + ":" + s.getLocalPort();
            for (int attempt = 0; attempt < 40; attempt++) {
                String options = "OPTIONS sip:" + args[0] + ":" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP " + local + ";rport;branch=z9hG4bK-ping-" + attempt + "\r\n"
                        + "From: <sip:ping@" + local + ">;tag=p" + attempt + "\r\n"
                        + "To: <sip:" + args[0] + ":" + port + ">\r\n"
                        + "Call-ID: ping-" + attempt + "-" + ProcessHandle.current().pid() + "@lab\r\n"
                        + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
                byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
                try {
                    s.send(new DatagramPacket(bytes, bytes.length, host, port));
                    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                    s.receive(reply);
                    String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
                    if (text.startsWith("SIP/2.0 200")) {
                        System.out.println("answered: " + text.lines().findFirst().orElse(""));
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // not up yet: ask again
                }
            }
        }
        System.out.println("no 200 answer to OPTIONS from " + args[0] + ":" + port);
        System.exit(1);
    }
}
