package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's topology beyond one router: a double NAT measured from inside (both layers in the path,
 * the observed mapping the composition of the two), and a teardown that leaves nothing behind, also
 * after a failed run.
 */
class KernelLabTopologyTest {

    private static final List<InetSocketAddress> SERVERS = List.of(
            new InetSocketAddress("198.18.0.21", 3478), new InetSocketAddress("198.18.0.21", 3479),
            new InetSocketAddress("198.18.0.31", 3478), new InetSocketAddress("198.18.0.31", 3479));

    @Test
    void doubleNatComposesBothRouters() throws IOException, InterruptedException {
        LabHost.requireLab(List.of("conntrack (conntrack)"));
        try (LabHost lab = new LabHost("lv2")) {
            // site a: sequential inside a port-keeping outer NAT; site b: full cone inside a sequential one
            lab.upWith(List.of("--nat-a", "symmetric-sequential", "--delta-a", "3", "--base-a", "41000",
                    "--outer-a", "port-restricted",
                    "--nat-b", "full-cone", "--outer-b", "symmetric-sequential", "--outer-delta-b", "2",
                    "--outer-base-b", "45000"));
            EndpointControl disc = lab.endpoint("disc");
            for (int i = 0; i < SERVERS.size(); i++) {
                disc.bind("d" + i, SERVERS.get(i).getAddress().getHostAddress(), SERVERS.get(i).getPort());
            }
            EndpointControl clientA = lab.endpoint("a-cli");
            EndpointControl clientB = lab.endpoint("b-cli");
            clientA.bind("s", "0.0.0.0", 5004);
            clientB.bind("s", "0.0.0.0", 5006);

            List<InetSocketAddress> a = mappings(disc, clientA, "a");
            List<InetSocketAddress> b = mappings(disc, clientB, "b");
            for (int i = 0; i < SERVERS.size(); i++) {
                assertEquals(new InetSocketAddress("198.18.1.1", 41000 + 3 * i), a.get(i), "site a: " + a);
                assertEquals(new InetSocketAddress("198.18.2.1", 45000 + 2 * i), b.get(i), "site b: " + b);
            }
            // both layers are in the path: the outer router sees the inner one's mapped source
            String outerA = lab.exec("a-out", List.of("conntrack", "-L", "-p", "udp"));
            assertTrue(outerA.contains("src=100.64.1.2 dst=198.18.0.21 sport=41000 dport=3478"), outerA);
            String innerA = lab.exec("a-nat", List.of("conntrack", "-L", "-p", "udp"));
            assertTrue(innerA.contains("src=10.0.1.2 dst=198.18.0.21 sport=5004 dport=3478"), innerA);
            String outerB = lab.exec("b-out", List.of("conntrack", "-L", "-p", "udp"));
            assertTrue(outerB.contains("src=100.64.2.2 dst=198.18.0.21 sport=5006 dport=3478"), outerB);

            // filtering is the stricter of the two: nothing unsolicited gets through either site
            for (String site : List.of("a", "b")) {
                EndpointControl client = site.equals("a") ? clientA : clientB;
                InetSocketAddress mapping = (site.equals("a") ? a : b).get(0);
                assertEquals(Set.of(), KernelNatBehaviourTest.unsolicitedReaching(disc, client, mapping, site),
                        "site " + site + " behind two NATs");
            }
        }
    }

    @Test
    void downLeavesNothingEvenAfterAFailedRun(@TempDir Path fakeBin) throws IOException, InterruptedException {
        LabHost.requireLab();
        String prefix = "lv3";
        // a run that fails half-way: nft refuses everything once some namespaces exist
        Path nft = fakeBin.resolve("nft");
        Files.writeString(nft, "#!/bin/sh\necho 'nft: refused by the test' >&2\nexit 1\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder withFakeNft = new ProcessBuilder(LabHost.LAB_SCRIPT.toString(), "up", "--prefix", prefix,
                "--nat", "port-restricted").redirectErrorStream(true);
        withFakeNft.environment().put("PATH", fakeBin + ":" + System.getenv("PATH"));
        Process run = withFakeNft.start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, run.exitValue(), out);
        assertTrue(out.contains("refused by the test"), out);
        assertEquals(List.of(), namespaces(prefix), "a failed up tears down what it built: " + out);

        // leftovers of a crashed run: namespaces, one with a process still in it
        run(List.of("ip", "netns", "add", prefix + "-a-cli"));
        run(List.of("ip", "netns", "add", prefix + "-stray"));
        run(List.of("ip", "-n", prefix + "-stray", "link", "add", "name", "x", "type", "veth", "peer", "name", "y"));
        Process leftover = new ProcessBuilder("ip", "netns", "exec", prefix + "-stray", "sleep", "300").start();
        LabHost lab = new LabHost(prefix);
        lab.script("down", List.of());
        assertTrue(leftover.waitFor(30, TimeUnit.SECONDS), "down stops processes left in the lab's namespaces");
        assertEquals(List.of(), namespaces(prefix));
        lab.script("down", List.of()); // idempotent
        assertEquals(List.of(), namespaces(prefix));
    }

    private static List<InetSocketAddress> mappings(EndpointControl disc, EndpointControl client, String site) {
        List<InetSocketAddress> mapped = new ArrayList<>();
        for (InetSocketAddress server : SERVERS) {
            String text = "map-" + site + "-" + server.getAddress().getHostAddress() + "-" + server.getPort();
            client.send("s", server, text);
            mapped.add(disc.receive(text).source());
        }
        return mapped;
    }

    private static List<String> namespaces(String prefix) throws IOException, InterruptedException {
        return run(List.of("ip", "netns", "list")).lines().map(l -> l.split(" ")[0])
                .filter(n -> n.startsWith(prefix + "-")).toList();
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), cmd + " did not finish");
        assertEquals(0, p.exitValue(), cmd + ": " + out);
        return out;
    }
}
