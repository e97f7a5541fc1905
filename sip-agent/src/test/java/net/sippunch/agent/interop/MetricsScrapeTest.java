package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint as an operator scrapes it: {@code sip-agent run} with {@code metrics.listen} takes a
 * call in NAT traversal mode and its counters move (calls by outcome, punch by strategy, time to two-way
 * media); {@code discovery-server --metrics-listen} counts its answers and drops.
 */
class MetricsScrapeTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    @Test
    void aCallMovesTheAgentsCounters(@TempDir Path dir) throws Exception {
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 27460),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 27461)));
        EventLoopGroup group = NettyTransport.newGroup(1, "test-discovery");
        String discovery = "discovery: {servers: [\"127.0.0.1:27460\", \"127.0.0.2:27461\"], timeoutMillis: 1500}\n";
        Path bobYaml = Files.writeString(dir.resolve("bob.yaml"), """
                account: {user: bob, domain: 127.0.0.1, register: false}
                sip: {listenAddress: 127.0.0.1, listenPort: 27070}
                media: {localAddress: 127.0.0.1, portMin: 27700, portMax: 27799, tone: {frequency: 1000}}
                metrics: {listen: "127.0.0.1:27480"}
                timeouts: {shutdown: 3}
                """ + discovery);
        URI metrics = URI.create("http://127.0.0.1:27480/metrics");
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                     new BindingResponder(addresses, "test"), group);
             AgentProcess bob = AgentProcess.start(dir, List.of("run", "--config", bobYaml.toString()));
             UserAgent alice = UserAgent.start(TestAgents.config("alice", null, 27080, 27800, 27899, 440, 0, null,
                     discovery))) {
            bob.awaitLine("ready sip:bob@127.0.0.1:27070", 60);
            Map<String, String> completedCallee = Map.of("outcome", "completed", "role", "callee");
            String before = scrape(metrics);
            assertEquals(0.0, sample(before, "sippunch_calls_total", completedCallee).orElseThrow(), before);
            assertEquals(0.0, sample(before, "sippunch_calls_active", Map.of()).orElseThrow(), before);

            CallReport caller = alice.dial("sip:bob@127.0.0.1:27070", new Call.Options(Duration.ofSeconds(1), null,
                    null)).done().get(30, TimeUnit.SECONDS);
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertTrue(caller.traversal().strategy().startsWith("DIRECT"), caller.toJson());

            String after = awaitSample(metrics, "sippunch_calls_total", completedCallee, 1.0);
            assertEquals(1.0, sample(after, "sippunch_punch_total", Map.of("strategy", "DIRECT", "result", "settled"))
                    .orElseThrow(), after);
            assertEquals(1.0, sample(after, "sippunch_two_way_media_seconds_count", Map.of("role", "callee"))
                    .orElseThrow(), after);
            assertEquals(1.0, sample(after, "sippunch_two_way_media_seconds_bucket",
                    Map.of("role", "callee", "le", "+Inf")).orElseThrow(), after);
            assertEquals(0.0, sample(after, "sippunch_calls_total", Map.of("outcome", "failed", "role", "callee"))
                    .orElseThrow(), after);
            assertEquals(0.0, sample(after, "sippunch_calls_active", Map.of()).orElseThrow(), after);

            HttpResponse<String> elsewhere = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:27480/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, elsewhere.statusCode());

            bob.terminate();
            assertEquals(0, bob.waitFor(30), bob.output());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDiscoveryServerCountsAnswersAndDrops(@TempDir Path dir) throws Exception {
        URI metrics = URI.create("http://127.0.0.1:27482/metrics");
        try (AgentProcess server = AgentProcess.start(dir, List.of("discovery-server", "--listen", "127.0.0.1:27470",
                "--metrics-listen", "127.0.0.1:27482"));
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.awaitLine("metrics on http://127.0.0.1:27482/metrics", 60);
            client.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 27470);
            // a Binding request without attributes (RFC 8489: type 0x0001, length 0, magic cookie, transaction id)
            byte[] binding = {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            client.send(new DatagramPacket(binding, binding.length, to));
            client.receive(new DatagramPacket(new byte[1500], 1500));
            byte[] junk = "not STUN".getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(junk, junk.length, to));

            String after = awaitSample(metrics, "sippunch_discovery_dropped_total", Map.of("reason", "malformed"), 1.0);
            assertEquals(1.0, sample(after, "sippunch_discovery_answers_total", Map.of("kind", "success"))
                    .orElseThrow(), after);
            assertEquals(0.0, sample(after, "sippunch_discovery_answers_total", Map.of("kind", "error"))
                    .orElseThrow(), after);
            assertEquals(2.0, sample(after, "sippunch_discovery_received_total", Map.of()).orElseThrow(), after);
            assertEquals(0.0, sample(after, "sippunch_discovery_dropped_total", Map.of("reason", "oversized"))
                    .orElseThrow(), after);
        }
    }

    @Test
    void aMetricsAddressThatCannotBeBoundStopsRunBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("taken.yaml"), """
                account: {user: bob, domain: 127.0.0.1, register: false}
                sip: {listenAddress: 127.0.0.1, listenPort: 27072}
                metrics: {listen: "127.0.0.1:27484"}
                """);
        try (ServerSocket taken = new ServerSocket(27484, 1, InetAddress.getLoopbackAddress());
             AgentProcess run = AgentProcess.start(dir, List.of("run", "--config", config.toString()))) {
            assertEquals(1, run.waitFor(60), run.output());
            assertEquals("run: cannot serve metrics on 127.0.0.1:27484: Address already in use\n", run.output());
        }
    }

    private static String scrape(URI uri) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        return r.body();
    }

    /** Scrapes until the sample has the value (bounded: the call's end is counted once its report is out). */
    private static String awaitSample(URI uri, String name, Map<String, String> labels, double value)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String body = scrape(uri);
        while (sample(body, name, labels).orElse(-1) != value && System.nanoTime() < deadline) {
            Thread.sleep(100);
            body = scrape(uri);
        }
        assertEquals(value, sample(body, name, labels).orElse(-1), body);
        return body;
    }

    /** The value of the sample with exactly these labels in a text exposition, or empty. */
    static OptionalDouble sample(String exposition, String name, Map<String, String> labels) {
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new java.util.HashMap<>();
            Matcher l = LABEL.matcher(m.group(3) == null ? "" : m.group(3));
            while (l.find()) {
                found.put(l.group(1), l.group(2));
            }
            if (found.equals(labels)) {
                return OptionalDouble.of(Double.parseDouble(m.group(4)));
            }
        }
        return OptionalDouble.empty();
    }
}
