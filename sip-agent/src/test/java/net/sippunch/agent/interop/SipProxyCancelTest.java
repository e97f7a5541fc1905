package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.cli.EphemeralPort;
import net.sippunch.agent.proxy.SipProxy;
import org.junit.jupiter.api.Test;

/**
 * A caller hangs up while the callee rings: the CANCEL goes through the proxy to the callee, whose 487 comes
 * back to the caller. The callee here is a bare UDP socket speaking SIP by hand, so the test sees exactly what
 * the proxy forwards (Record-Route and its Via on the INVITE, the CANCEL on the INVITE's branch).
 */
class SipProxyCancelTest {

    private final MessageFactoryImpl messages = new MessageFactoryImpl();

    @Test
    void cancelWhileRingingReachesTheCalleeAndTheCallerGets487() throws Exception {
        int media = Math.min(EphemeralPort.udp("127.0.0.1"), 65000);
        try (DatagramSocket callee = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
             SipProxy proxy = SipProxy.start(SipProxy.Settings.open(TestAgents.DOMAIN, "127.0.0.1",
                     EphemeralPort.udp("127.0.0.1")));
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, EphemeralPort.udp("127.0.0.1"),
                     media, media + 99, 440, proxy.port(), null, null))) {
            callee.setSoTimeout(10_000);
            proxy.bindings().put("bob@" + TestAgents.DOMAIN,
                    "sip:bob@127.0.0.1:" + callee.getLocalPort(), 60, System.nanoTime());
            alice.register().get(10, TimeUnit.SECONDS);

            Call call = alice.dial("sip:bob@" + TestAgents.DOMAIN, new Call.Options(Duration.ofSeconds(5), null, null));
            Request invite = receiveRequest(callee, Request.INVITE);
            assertEquals("sip:bob@127.0.0.1:" + callee.getLocalPort(), invite.getRequestURI().toString(),
                    "request URI replaced by the registered contact");
            assertNotNull(invite.getHeader(RecordRouteHeader.NAME), "record-routed");
            ViaHeader proxyVia = (ViaHeader) invite.getHeader(ViaHeader.NAME);
            assertEquals(proxy.port(), proxyVia.getPort(), "the proxy's Via on top");
            Response ringing = messages.createResponse(Response.RINGING, invite);
            ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag("callee-tag");
            send(callee, ringing, proxy.port());

            call.hangup("caller gave up");
            Request cancel = receiveRequest(callee, Request.CANCEL);
            assertEquals(proxyVia.getBranch(), ((ViaHeader) cancel.getHeader(ViaHeader.NAME)).getBranch(),
                    "the CANCEL names the forwarded INVITE's branch");
            send(callee, messages.createResponse(Response.OK, cancel), proxy.port());
            Response terminated = messages.createResponse(Response.REQUEST_TERMINATED, invite);
            ((ToHeader) terminated.getHeader(ToHeader.NAME)).setTag("callee-tag");
            send(callee, terminated, proxy.port());
            receiveRequest(callee, Request.ACK); // the proxy acknowledges the 487 hop by hop

            CallReport report = call.done().get(15, TimeUnit.SECONDS);
            assertEquals("cancelled", report.outcome(), report.toJson());
            assertEquals(Response.REQUEST_TERMINATED, report.sipStatus(), report.toJson());
            assertTrue(report.timings().provisional() != null, "the 180 came back through the proxy");
        }
    }

    private Request receiveRequest(DatagramSocket socket, String method) throws Exception {
        byte[] buffer = new byte[8192];
        while (true) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            socket.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (text.startsWith(method + " ")) {
                return messages.createRequest(text);
            }
            // a retransmission of an earlier request, or another method: not what we wait for
        }
    }

    private static void send(DatagramSocket socket, Response response, int proxyPort) throws Exception {
        byte[] bytes = response.toString().getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), proxyPort));
    }
}
