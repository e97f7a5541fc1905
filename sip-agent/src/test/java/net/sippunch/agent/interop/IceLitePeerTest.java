package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.G711;
import net.sippunch.agent.media.RtpPacket;
import net.sippunch.agent.media.WavFile;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ICE-lite peer for real: rtpengine offering ICE-lite on behalf of a plain RTP caller, as an SBC in front of
 * a carrier does. The agent (traversal mode) reads the offer as a standard ICE-lite peer, takes the controlling
 * role, checks rtpengine's candidate, nominates it once the ACK gave consent, and media flows both ways through
 * rtpengine: the caller's tone is in the agent's recording and the agent's RTP reaches the caller.
 */
class IceLitePeerTest {

    private static final int BOB = 46020;
    private static final int RAW = 46030;
    private static final int DISCOVERY = 46050;
    private static final int CONTROL = 46060;
    private static final int FAR = 46500;
    private static final String DISCOVERY_YAML = "discovery:\n  servers: [\"127.0.0.1:" + DISCOVERY
            + "\", \"127.0.0.2:" + (DISCOVERY + 1) + "\"]\n  timeoutMillis: 1500\n";

    @Test
    void theAgentControlsAgainstAnIceLiteOffererAndMediaFlowsBothWays(@TempDir Path dir) throws Exception {
        Path records = Files.createDirectory(dir.resolve("records"));
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), DISCOVERY),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), DISCOVERY + 1)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        try (Rtpengine rtpengine = Rtpengine.start(dir, CONTROL, 46400, 46499);
             NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 46200, 46299, 440, 0, records,
                     DISCOVERY_YAML));
             RawSipPeer raw = new RawSipPeer(RAW, BOB);
             DatagramSocket far = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), FAR))) {
            LinkedBlockingQueue<CallReport> calls = new LinkedBlockingQueue<>();
            bob.onCallEnded(calls::add);

            String plain = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + FAR + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
            String lite = (String) rtpengine.command(Map.of("command", "offer", "call-id", "lite",
                    "from-tag", "carol-lite", "sdp", plain, "ICE", "force", "ICE-lite", "forward",
                    "rtcp-mux", List.of("offer"))).get("sdp");
            assertTrue(lite.contains("a=ice-lite") && lite.contains("a=candidate:"), lite);

            raw.send(raw.invite("lite", lite));
            Response ok = raw.finalResponse("lite");
            assertEquals(Response.OK, ok.getStatusCode());
            String toTag = ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag();
            raw.send(raw.ack("lite", toTag));
            String answer = new String(ok.getRawContent(), StandardCharsets.UTF_8);
            assertTrue(answer.contains("a=ice-ufrag:") && answer.contains("a=candidate:"), answer);
            String toFar = (String) rtpengine.command(Map.of("command", "answer", "call-id", "lite",
                    "from-tag", "carol-lite", "to-tag", toTag, "sdp", answer, "ICE", "remove")).get("sdp");
            InetSocketAddress relay = audioAddress(toFar);

            AtomicInteger fromAgent = new AtomicInteger();
            Thread listener = new Thread(() -> countRtp(far, fromAgent), "far-listener");
            listener.start();
            sendTone(far, relay, 1000, 150); // 3 s of 20 ms PCMU packets
            raw.send(raw.headers("BYE", "lite", "lite-bye", toTag, 2) + "Content-Length: 0\r\n\r\n");
            CallReport r = calls.poll(15, TimeUnit.SECONDS);
            far.close();
            listener.join(5000);

            assertNotNull(r, "the call did not end");
            assertEquals("ice (peer without the extension)", r.traversal().mode(), r.toJson());
            assertNotNull(r.traversal().settledMillis(), "a pair settled by checks: " + r.toJson());
            assertTrue(r.mediaBothWays(), r.toJson());
            assertTrue(fromAgent.get() >= 50, "the agent's RTP through rtpengine to the caller: " + fromAgent.get());
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(records, "in-")), 1000, 440);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** The c= address and m=audio port of an SDP. */
    private static InetSocketAddress audioAddress(String sdp) throws Exception {
        Matcher c = Pattern.compile("(?m)^c=IN IP4 (\\S+)").matcher(sdp);
        Matcher m = Pattern.compile("(?m)^m=audio (\\d+) ").matcher(sdp);
        assertTrue(c.find() && m.find(), sdp);
        return new InetSocketAddress(InetAddress.getByName(c.group(1)), Integer.parseInt(m.group(1)));
    }

    /** Sends {@code packets} PCMU packets of a {@code hz} tone, one every 20 ms (the pace of real audio). */
    private static void sendTone(DatagramSocket socket, InetSocketAddress to, double hz, int packets)
            throws Exception {
        short[] samples = WavFile.tone(hz, packets * 0.02, 0.3);
        long next = System.nanoTime();
        for (int i = 0; i < packets; i++) {
            byte[] payload = new byte[160];
            for (int k = 0; k < 160; k++) {
                payload[k] = G711.linearToMulaw(samples[i * 160 + k]);
            }
            byte[] bytes = new RtpPacket(0, i == 0, i, i * 160L, 0x1234_5678L, payload).encode();
            socket.send(new DatagramPacket(bytes, bytes.length, to));
            next += 20_000_000L;
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
        }
    }

    /** Counts the RTP packets that reach {@code socket} until it is closed. */
    private static void countRtp(DatagramSocket socket, AtomicInteger count) {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.setSoTimeout(200);
                socket.receive(p);
                if (p.getLength() > 12 && (buffer[0] & 0xC0) == 0x80 && (buffer[1] & 0x7F) == 0) {
                    count.incrementAndGet();
                }
            } catch (SocketTimeoutException e) {
                // look at whether the socket was closed
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
