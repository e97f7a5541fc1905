package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.sippunch.agent.lab.EndpointControl.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every NAT behaviour of {@code lab/natlab.sh}, measured from inside the lab: a client sends from one
 * socket to eight addresses of the discovery host and the host reports the source each datagram came
 * from (mapping and port allocation); then the host sends unsolicited datagrams from another port of the
 * contacted IP and from another IP, followed by markers from the contacted address, and the client
 * reports which came before the markers (filtering). A behaviour that is not what its name says
 * fails the test. One two-site lab serves the class; each case reconfigures one site's router.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelNatBehaviourTest {

    private static final String PREFIX = "lv1";
    /** The discovery host's sockets, in the order the mapping test sends to them. */
    private static final List<InetSocketAddress> SERVERS = List.of(
            address("198.18.0.21", 3478), address("198.18.0.21", 3479), address("198.18.0.31", 3478),
            address("198.18.0.31", 3479), address("198.18.0.21", 3480), address("198.18.0.31", 3480),
            address("198.18.0.21", 3481), address("198.18.0.31", 3481));

    private LabHost lab;
    private EndpointControl disc;
    private EndpointControl clientA;
    private EndpointControl clientB;
    /** Every client socket gets its own local port, so no flow of an earlier case is reused. */
    private int nextPort = 20000;

    @BeforeAll
    void up() throws IOException, InterruptedException {
        LabHost.requireLab(List.of("conntrack (conntrack)"));
        lab = new LabHost(PREFIX);
        lab.upWith(List.of("--nat-a", "open", "--nat-b", "open"));
        disc = lab.endpoint("disc");
        for (int i = 0; i < SERVERS.size(); i++) {
            disc.bind("d" + i, SERVERS.get(i).getAddress().getHostAddress(), SERVERS.get(i).getPort());
        }
        clientA = lab.endpoint("a-cli");
        clientB = lab.endpoint("b-cli");
    }

    @AfterAll
    void down() throws IOException, InterruptedException {
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest(name = "site {0} {1} delta {2} base {3}")
    @CsvSource({
            "a, open,                      1, 40000",
            "b, full-cone,                 1, 40000",
            "a, address-restricted,        1, 40000",
            "b, port-restricted,           1, 40000",
            "a, symmetric-sequential,      1, 40000",
            "b, symmetric-sequential,      3, 30000",
            "a, symmetric-second-priority, 1, 40000",
            "b, symmetric-second-priority, 2, 50000",
            "a, symmetric-random,          1, 40000",
    })
    void behavesAsNamed(String site, String type, int delta, int base) throws IOException, InterruptedException {
        lab.nat(site, List.of("--nat", type, "--delta", Integer.toString(delta), "--base", Integer.toString(base)));
        EndpointControl client = client(site);
        String publicIp = type.equals("open") ? publicIp(site, 2) : publicIp(site, 1);

        // mapping and allocation: one socket to eight destinations
        String socket = "m" + nextPort;
        int local = client.bind(socket, "0.0.0.0", nextPort++);
        List<InetSocketAddress> mapped = mappings(client, socket, SERVERS);
        mapped.forEach(m -> assertEquals(publicIp, m.getAddress().getHostAddress(), mapped.toString()));
        List<Integer> ports = mapped.stream().map(InetSocketAddress::getPort).toList();
        switch (type) {
            case "open", "full-cone", "address-restricted", "port-restricted" ->
                    ports.forEach(p -> assertEquals(local, p, "endpoint-independent, port kept: " + ports));
            case "symmetric-sequential" -> IntStream.range(0, ports.size()).forEach(i ->
                    assertEquals(base + i * delta, ports.get(i), "base + i * delta: " + ports));
            case "symmetric-second-priority" -> {
                assertEquals(local, ports.get(0), "the first flow keeps its port: " + ports);
                IntStream.range(1, ports.size()).forEach(i ->
                        assertEquals(base + (i - 1) * delta, ports.get(i), "later flows sequential: " + ports));
            }
            case "symmetric-random" -> assertRandom(ports);
            default -> throw new IllegalArgumentException(type);
        }

        // filtering: who may send to a mapping made toward SERVERS[0] only
        String fsocket = "f" + nextPort;
        int flocal = client.bind(fsocket, "0.0.0.0", nextPort++);
        String tag = site + "-" + type + "-" + delta;
        client.send(fsocket, SERVERS.get(0), "hello-" + tag);
        InetSocketAddress mapping = disc.receive("hello-" + tag).source();
        switch (type) {
            case "symmetric-sequential" -> assertEquals(base + SERVERS.size() * delta, mapping.getPort());
            case "symmetric-random" -> { }
            default -> assertEquals(flocal, mapping.getPort(), "a first flow keeps its port");
        }
        Set<String> unsolicited = unsolicitedReaching(disc, client, mapping, tag);
        boolean samePort = Set.of("open", "full-cone", "address-restricted").contains(type);
        boolean otherIp = Set.of("open", "full-cone").contains(type);
        assertEquals(samePort, unsolicited.contains("same-ip"),
                "from another port of the contacted IP: " + unsolicited);
        assertEquals(otherIp, unsolicited.contains("other-ip"), "from another IP: " + unsolicited);
    }

    @Test
    void neighbourFlowsShiftSequentialAllocation() throws IOException, InterruptedException {
        int delta = 2;
        int neighbourFlows = 40;
        lab.nat("a", List.of("--nat", "symmetric-sequential", "--delta", Integer.toString(delta), "--base", "40000"));
        String socket = "n" + nextPort;
        clientA.bind(socket, "0.0.0.0", nextPort++);
        int before = mappings(clientA, socket, SERVERS.subList(0, 1)).get(0).getPort();
        String out = lab.script("neighbour", List.of("--site", "a", "--count", Integer.toString(neighbourFlows)));
        assertTrue(out.contains("sent " + neighbourFlows + " flows"), out);
        List<InetSocketAddress> after = mappings(clientA, socket, SERVERS.subList(1, 3));
        assertEquals(40000, before);
        // the neighbour's flows took the ports in between: the next flows of the client land past them
        assertEquals(before + (neighbourFlows + 2) * delta, after.get(1).getPort(), after.toString());
        assertTrue(after.get(0).getPort() > before + delta, "shifted by the neighbour: " + after);
    }

    @Test
    void lossIsNearTheConfiguredRate() throws IOException, InterruptedException {
        int permille = 200;
        int count = 2000;
        lab.nat("b", List.of("--nat", "port-restricted", "--loss", Integer.toString(permille)));
        String socket = "l" + nextPort;
        clientB.bind(socket, "0.0.0.0", nextPort++);
        clientB.burst(socket, SERVERS.get(0), count, "loss");
        // the burst's datagrams are counted up to the first end marker that gets through
        List<Received> arrived = new ArrayList<>();
        for (int i = 0; i < 50 && arrived.isEmpty(); i++) {
            clientB.send(socket, SERVERS.get(0), "loss-end-" + i);
            disc.receivedUntil("loss-end-" + i, Duration.ofMillis(300)).ifPresent(arrived::addAll);
        }
        assertFalse(arrived.isEmpty(), "no end marker got through");
        long delivered = arrived.stream().filter(r -> r.text().matches("loss-\\d+")).count();
        double loss = 1.0 - delivered / (double) count;
        System.out.printf("loss %d/1000 configured: %d of %d delivered, measured loss %.3f%n",
                permille, delivered, count, loss);
        // binomial standard deviation at 20 %: 0.009; five of them either way
        assertEquals(permille / 1000.0, loss, 0.045, "measured loss " + loss);
        lab.nat("b", List.of("--nat", "port-restricted"));
    }

    @Test
    void conntrackTimeoutsArePerNamespace() throws IOException, InterruptedException {
        lab.nat("a", List.of("--nat", "port-restricted", "--udp-timeout", "7", "--udp-stream-timeout", "40"));
        lab.nat("b", List.of("--nat", "port-restricted"));
        String socket = "t" + nextPort;
        int local = clientA.bind(socket, "0.0.0.0", nextPort++);
        mappings(clientA, socket, SERVERS.subList(0, 1));
        String entries = lab.exec("a-nat", List.of("conntrack", "-L", "-p", "udp", "--sport", Integer.toString(local)));
        int remaining = Integer.parseInt(entries.lines().filter(l -> l.startsWith("udp")).findFirst()
                .orElseThrow(() -> new AssertionError("no conntrack entry: " + entries)).split("\\s+")[2]);
        assertTrue(remaining > 0 && remaining <= 7, "entry expires in " + remaining + " s: " + entries);
        assertEquals("7", sysctl("a-nat", "net.netfilter.nf_conntrack_udp_timeout"));
        assertEquals("40", sysctl("a-nat", "net.netfilter.nf_conntrack_udp_timeout_stream"));
        assertEquals("30", sysctl("b-nat", "net.netfilter.nf_conntrack_udp_timeout"));
        assertEquals("120", sysctl("b-nat", "net.netfilter.nf_conntrack_udp_timeout_stream"));
    }

    /** Sends from {@code socket} to each server in turn, each after the previous one arrived. */
    private List<InetSocketAddress> mappings(EndpointControl client, String socket, List<InetSocketAddress> servers) {
        List<InetSocketAddress> mapped = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            String text = "map-" + socket + "-" + server.getAddress().getHostAddress() + "-" + server.getPort();
            client.send(socket, server, text);
            mapped.add(disc.receive(text).source());
        }
        return mapped;
    }

    /**
     * Sends to {@code mapping} from another port of the contacted server's IP and from another IP, then
     * a marker from the contacted server itself, and once the marker arrived a second one; returns which
     * of the first two reached the client before the second marker (the same path; the second marker
     * leaves after the first arrived, so it cannot overtake them).
     */
    static Set<String> unsolicitedReaching(EndpointControl disc, EndpointControl client, InetSocketAddress mapping,
                                           String tag) {
        disc.send("d1", mapping, "same-ip-" + tag);
        disc.send("d2", mapping, "other-ip-" + tag);
        disc.send("d0", mapping, "marker-" + tag);
        List<Received> received = new ArrayList<>(client.receivedUntil("marker-" + tag));
        disc.send("d0", mapping, "marker2-" + tag);
        received.addAll(client.receivedUntil("marker2-" + tag));
        return received.stream()
                .map(Received::text)
                .filter(t -> t.endsWith("-" + tag) && !t.startsWith("marker"))
                .map(t -> t.substring(0, t.length() - tag.length() - 1))
                .collect(Collectors.toSet());
    }

    private static void assertRandom(List<Integer> ports) {
        List<Integer> steps = IntStream.range(1, ports.size()).mapToObj(i -> ports.get(i) - ports.get(i - 1)).toList();
        assertNotEquals(1, steps.stream().distinct().count(), "a constant step is sequential: " + ports);
        int spread = ports.stream().mapToInt(Integer::intValue).max().orElseThrow()
                - ports.stream().mapToInt(Integer::intValue).min().orElseThrow();
        // eight ports drawn from 1024..65535 all within 1000 of each other: odds about 1e-12
        assertTrue(spread > 1000, "random ports spread over the range: " + ports);
    }

    private String sysctl(String node, String key) throws IOException, InterruptedException {
        return lab.exec(node, List.of("sysctl", "-n", key)).trim();
    }

    private EndpointControl client(String site) {
        return site.equals("a") ? clientA : clientB;
    }

    private static String publicIp(String site, int host) {
        return "198.18." + (site.equals("a") ? 1 : 2) + "." + host;
    }

    private static InetSocketAddress address(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }
}
