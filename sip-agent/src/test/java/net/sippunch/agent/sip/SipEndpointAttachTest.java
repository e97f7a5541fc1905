package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/**
 * An application's own JAIN-SIP stack with the agent's endpoint attached to its provider: requests reach the
 * endpoint's handlers (501 without one), and closing the endpoint leaves the application's stack running.
 */
class SipEndpointAttachTest {

    @Test
    void attachedEndpointServesTheApplicationsProviderAndLeavesItsStackRunning() throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "application-stack");
        SipStackImpl stack = (SipStackImpl) factory.createSipStack(p);
        int port = freeUdpPort();
        ListeningPoint lp = stack.createListeningPoint("127.0.0.1", port, ListeningPoint.UDP);
        SipProvider provider = stack.createSipProvider(lp);
        stack.start();
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            peer.setSoTimeout(5000);
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);

            SipEndpoint endpoint = SipEndpoint.attach(provider, null, null, "attach-test");
            assertEquals(port, endpoint.port());
            assertEquals("127.0.0.1", endpoint.contactHost(), "the listening point's address");
            assertSame(provider, endpoint.provider());
            endpoint.handle(Request.OPTIONS, (event, st) ->
                    endpoint.respond(st, endpoint.newResponse(200, event.getRequest())));
            SipException second = assertThrows(SipException.class,
                    () -> SipEndpoint.attach(provider, null, null, "again"));
            assertTrue(second.getMessage().contains("already has a listener"), second.getMessage());

            String ok = exchange(peer, target, request("OPTIONS", 1));
            assertTrue(ok.startsWith("SIP/2.0 200"), ok);
            assertTrue(ok.contains("Server: attach-test"), "answered by the endpoint: " + ok);
            String notImplemented = exchange(peer, target, request("INFO", 2));
            assertTrue(notImplemented.startsWith("SIP/2.0 501"), notImplemented);

            endpoint.close();
            // the stack is still the application's: it listens, and its provider takes another listener
            CompletableFuture<String> seen = new CompletableFuture<>();
            provider.addSipListener(new OnlyRequests(seen));
            send(peer, target, request("OPTIONS", 3));
            assertEquals("OPTIONS", seen.get(5, TimeUnit.SECONDS));
        } finally {
            SipEndpoint.stop(stack, provider);
        }
    }

    private static String request(String method, int cseq) {
        String branch = "z9hG4bK-attach-" + method + cseq;
        return method + " sip:app@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:tester@127.0.0.1>;tag=t" + cseq + "\r\n"
                + "To: <sip:app@127.0.0.1>\r\n"
                + "Call-ID: attach-" + cseq + "@127.0.0.1\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static String exchange(DatagramSocket socket, InetSocketAddress to, String message) throws IOException {
        send(socket, to, message);
        byte[] buffer = new byte[4096];
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        socket.receive(in);
        return new String(buffer, 0, in.getLength(), StandardCharsets.UTF_8);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** The application's own listener, once the endpoint has let go: records the first request's method. */
    private record OnlyRequests(CompletableFuture<String> seen) implements SipListener {
        @Override
        public void processRequest(RequestEvent event) {
            seen.complete(event.getRequest().getMethod());
        }

        @Override
        public void processResponse(ResponseEvent event) {
            // none expected
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
            // none expected
        }

        @Override
        public void processIOException(IOExceptionEvent event) {
            // none expected
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {
            // none expected
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {
            // none expected
        }
    }
}
