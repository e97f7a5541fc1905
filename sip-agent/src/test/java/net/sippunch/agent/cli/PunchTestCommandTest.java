package net.sippunch.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code punch-test} caller and callee in this JVM on loopback, their lines relayed by the test. */
class PunchTestCommandTest {

    /** Bound on waits for a loopback exchange that takes well under a second; a hang fails instead of blocking. */
    private static final long BOUND_SECONDS = 30;

    private EventLoopGroup group;
    private NettyDiscoveryServer server;
    private final List<NettyMediaPort> ports = new ArrayList<>();

    /** One side of a trial: its standard input, its standard output as lines, its exit status. */
    private final class Side {
        final BlockingQueue<String> input = new LinkedBlockingQueue<>();
        final BlockingQueue<String> output = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();

        Side(String role, String... extra) {
            this(server.addresses().subList(0, 2), role, extra);
        }

        Side(List<InetSocketAddress> servers, String role, String... extra) {
            List<String> args = new ArrayList<>(List.of("--role", role, "--json", "--local-address", "127.0.0.1"));
            for (InetSocketAddress a : servers) {
                args.add("--server");
                args.add(a.getAddress().getHostAddress() + ":" + a.getPort());
            }
            args.addAll(List.of(extra));
            PrintStream out = new PrintStream(new Lines(output), true, StandardCharsets.UTF_8);
            PunchTestCommand command = new PunchTestCommand(new QueueReader(input), out, group,
                    port -> {
                        synchronized (ports) {
                            ports.add(port);
                        }
                    });
            Thread t = new Thread(() -> exit.complete(new CommandLine(command).execute(args.toArray(String[]::new))),
                    "punch-test-" + role);
            t.setDaemon(true);
            t.start();
        }

        String line() throws InterruptedException {
            String line = output.poll(BOUND_SECONDS, TimeUnit.SECONDS);
            return line != null ? line : fail("no line within " + BOUND_SECONDS + " s");
        }

        int exitCode() throws Exception {
            return exit.get(BOUND_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** An output stream that hands each complete line to a queue. */
    private static final class Lines extends OutputStream {
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        Lines(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8).stripTrailing());
                current.reset();
            } else {
                current.write(b);
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        group = NettyTransport.newGroup(2, "punch-test-test");
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        // a free port pair on both addresses: try a few in the dynamic range
        for (int attempt = 0; server == null; attempt++) {
            int port = 40000 + (int) (ProcessHandle.current().pid() * 7 + attempt * 101) % 20000;
            ServerAddresses addresses = new ServerAddresses(List.of(new InetSocketAddress(one, port),
                    new InetSocketAddress(two, port + 1)));
            try {
                server = NettyDiscoveryServer.start(addresses, new BindingResponder(addresses, "test"), group);
            } catch (RuntimeException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void stop() {
        ports.forEach(NettyMediaPort::close);
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void callerAndCalleeSettleThroughRelayedLines() throws Exception {
        Side caller = new Side("caller");
        Side callee = new Side("callee");
        String offer = caller.line();
        assertTrue(offer.startsWith("OFFER "), offer);
        String sdp = new String(Base64.getDecoder().decode(offer.substring(6)), StandardCharsets.UTF_8);
        assertTrue(sdp.contains("a=punch-mapped:") && sdp.contains("a=ice-ufrag:"), sdp);
        callee.input.add(offer);
        String answer = callee.line();
        assertTrue(answer.startsWith("ANSWER "), answer);
        caller.input.add(answer);

        JsonNode atCaller = new ObjectMapper().readTree(caller.line());
        JsonNode atCallee = new ObjectMapper().readTree(callee.line());
        assertEquals(0, caller.exitCode());
        assertEquals(0, callee.exitCode());
        for (JsonNode result : List.of(atCaller, atCallee)) {
            assertTrue(result.get("ok").asBoolean(), result.toString());
            assertEquals("DIRECT", result.get("strategy").asText(), result.toString());
            assertEquals("OPEN", result.get("natType").asText(), result.toString());
            assertEquals("OPEN", result.get("peerNatType").asText(), result.toString());
            assertTrue(result.get("probesSent").asLong() >= 1, result.toString());
            assertTrue(result.get("reason").isNull(), result.toString());
        }
        // each settled on the other's media port, from its own
        assertEquals(":" + atCaller.get("mediaPort").asInt() + " -> 127.0.0.1:" + atCallee.get("mediaPort").asInt(),
                atCaller.get("settledPath").asText());
        assertEquals(":" + atCallee.get("mediaPort").asInt() + " -> 127.0.0.1:" + atCaller.get("mediaPort").asInt(),
                atCallee.get("settledPath").asText());
    }

    @Test
    void aLineThatIsNotTheOfferIsAUsageError() throws Exception {
        Side callee = new Side("callee");
        callee.input.add("HELLO there");
        assertEquals(2, callee.exitCode());
        assertTrue(callee.output.isEmpty(), "no answer, no result: " + callee.output);
    }

    @Test
    void anAnswerThatIsNotBase64OrNotExtendedIsAUsageError() throws Exception {
        Side caller = new Side("caller");
        assertTrue(caller.line().startsWith("OFFER "));
        caller.input.add("ANSWER ***");
        assertEquals(2, caller.exitCode());

        Side plain = new Side("caller");
        assertTrue(plain.line().startsWith("OFFER "));
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        plain.input.add("ANSWER " + Base64.getEncoder().encodeToString(sdp.getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, plain.exitCode());
        assertFalse(plain.output.stream().anyMatch(l -> l.startsWith("{")), "no punch without the extension");
    }

    @Test
    void serversThatNeverAnswerEndInADiscoveryFailureWithoutAnOffer() throws Exception {
        try (DatagramSocket one = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket two = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            Side caller = new Side(List.of((InetSocketAddress) one.getLocalSocketAddress(),
                    (InetSocketAddress) two.getLocalSocketAddress()), "caller");
            String line = caller.line();
            assertFalse(line.startsWith("OFFER "), "nothing to offer without a profile: " + line);
            JsonNode result = new ObjectMapper().readTree(line);
            assertEquals(1, caller.exitCode());
            assertFalse(result.get("ok").asBoolean(), result.toString());
            assertTrue(result.get("reason").asText().startsWith("discovery failed: "), result.toString());
            assertTrue(result.get("strategy").isNull(), result.toString());
            assertTrue(result.get("discoveryMs").asLong() > 0, "the time discovery took: " + result);
            assertTrue(caller.output.isEmpty(), "the result is the last line: " + caller.output);
        }
    }

    /** Standard input of one side: the lines the test relays from the other side. */
    private static final class QueueReader extends BufferedReader {
        private final BlockingQueue<String> lines;

        QueueReader(BlockingQueue<String> lines) {
            super(Reader.nullReader());
            this.lines = lines;
        }

        @Override
        public String readLine() throws IOException {
            try {
                return lines.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the peer's line", e);
            }
        }
    }
}
