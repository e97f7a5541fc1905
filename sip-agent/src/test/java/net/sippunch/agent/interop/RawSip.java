package net.sippunch.agent.interop;

import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.sip.message.Response;

/** SIP by hand on a bare UDP socket: what a test's peer receives, parsed by the stack's own parser. */
final class RawSip {

    private RawSip() {
    }

    /** The next datagram's text (up to 64 KB). */
    static String receive(DatagramSocket socket) throws Exception {
        byte[] buffer = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        socket.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** The next response {@code wanted} accepts; every other datagram's text goes to {@code skipped}. */
    static Response nextResponse(DatagramSocket socket, Predicate<Response> wanted, Consumer<String> skipped)
            throws Exception {
        MessageFactoryImpl messages = new MessageFactoryImpl();
        while (true) {
            String text = receive(socket);
            if (text.startsWith("SIP/2.0 ")) {
                Response r = messages.createResponse(text);
                if (wanted.test(r)) {
                    return r;
                }
            }
            skipped.accept(text);
        }
    }
}
