package net.sippunch.traversal.upnp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UPnP against the real miniupnpd in a namespace lab ({@code lab/upnp/upnplab.sh}): the client maps its
 * media port through the IGD of a symmetric NAT, an unsolicited packet from the internet reaches it while
 * the mapping exists, the lease is renewed past its first expiry, and after the mapping is deleted (on
 * SIGTERM) a new unsolicited packet is dropped by the router. The same with NAT-PMP, which miniupnpd
 * also speaks. Needs root, iproute2, nftables,
 * miniupnpd-nftables and coturn: skipped with a reason outside CI, failed in CI.
 */
class UpnpLabTest {

    private static final String PREFIX = "up1";
    private static final int PORT = 40100;
    private static final int LEASE = 4;
    private static final String WAN = "198.18.1.1";
    private static Path script;

    @BeforeAll
    static void lab() throws Exception {
        requireRoot();
        for (String[] tool : new String[][] {{"ip", "iproute2"}, {"nft", "nftables"},
                {"miniupnpd", "miniupnpd-nftables"}, {"turnserver", "coturn"}}) {
            require(tool[0], tool[1]);
        }
        script = Path.of(System.getProperty("user.dir")).resolve("../lab/upnp/upnplab.sh").normalize();
        assertTrue(Files.isExecutable(script), script + " missing");
        Result up = run(List.of(script.toString(), "up", "--prefix", PREFIX, "--nat", "symmetric-random"), 60);
        assertEquals(0, up.exitCode(), up.output());
    }

    @AfterAll
    static void down() throws Exception {
        if (script != null) {
            run(List.of(script.toString(), "down", "--prefix", PREFIX), 30);
        }
    }

    @Test
    void mapsReceivesUnsolicitedRenewsAndDeletes() throws Exception {
        Process client = java(PREFIX + "-cli", "client", Integer.toString(PORT), Integer.toString(LEASE));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        Thread reader = new Thread(() -> readLines(client, lines), "client-out");
        reader.setDaemon(true);
        reader.start();
        try {
            String mapped = await(lines, seen, l -> l.startsWith("MAPPED ") || l.startsWith("EVENT "), 30);
            assertEquals("MAPPED " + WAN + ":" + PORT + " lease=" + LEASE + " verified=true internal=10.0.1.2:" + PORT,
                    mapped, "same external port as the media port, read back from the IGD");
            assertTrue(nft("list chain inet miniupnpd prerouting_miniupnpd").contains("dport " + PORT));

            send(50001, "hello-1");
            await(lines, seen, l -> l.equals("RECEIVED hello-1 FROM 198.18.0.41:50001"), 20);

            // three renewals at half-lease take 1.5 leases: without them miniupnpd would have expired the
            // mapping (it does: "remove port mapping ... because it has expired"); still mapped, still reachable
            for (int i = 0; i < 3; i++) {
                await(lines, seen, l -> l.startsWith("RENEWED "), 20);
            }
            assertTrue(nft("list chain inet miniupnpd prerouting_miniupnpd").contains("dport " + PORT));
            send(50002, "hello-2");
            await(lines, seen, l -> l.equals("RECEIVED hello-2 FROM 198.18.0.41:50002"), 20);

            client.toHandle().destroy(); // SIGTERM (keeps our end of its output open): shutdown deletes the mapping
            assertEquals("DELETED " + WAN + ":" + PORT + " confirmed=true deleted",
                    await(lines, seen, l -> l.startsWith("DELETED "), 20));
            await(lines, seen, l -> l.equals("CLOSED"), 20);
            assertTrue(client.waitFor(20, TimeUnit.SECONDS), "client did not exit");
            assertFalse(nft("list chain inet miniupnpd prerouting_miniupnpd").contains("dport " + PORT));

            // a new flow after deletion: the router drops it (its counter says so), so it cannot reach the client
            long before = unsolicited();
            send(50003, "hello-3");
            awaitUnsolicitedAbove(before);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            lines.drainTo(seen);
            assertTrue(seen.stream().noneMatch(l -> l.contains("hello-3")), String.join("\n", seen));
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void natPmpMapsReceivesUnsolicitedAndDeletes() throws Exception {
        int port = 40200;
        Process client = java(PREFIX + "-cli", "natpmp", Integer.toString(port), "600");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        Thread reader = new Thread(() -> readLines(client, lines), "client-out");
        reader.setDaemon(true);
        reader.start();
        try {
            String mapped = await(lines, seen, l -> l.startsWith("MAPPED ") || l.startsWith("EVENT "), 30);
            assertTrue(mapped.startsWith("MAPPED " + WAN + ":" + port + " lease=600 verified=true"), mapped);
            assertTrue(nft("list chain inet miniupnpd prerouting_miniupnpd").contains("dport " + port));

            send(port, 50011, "pmp-1");
            await(lines, seen, l -> l.equals("RECEIVED pmp-1 FROM 198.18.0.41:50011"), 20);

            client.getOutputStream().close(); // end of input: delete and exit
            assertEquals("DELETED " + WAN + ":" + port + " confirmed=true deleted",
                    await(lines, seen, l -> l.startsWith("DELETED "), 20));
            assertTrue(client.waitFor(20, TimeUnit.SECONDS), "client did not exit");
            assertFalse(nft("list chain inet miniupnpd prerouting_miniupnpd").contains("dport " + port));

            long before = unsolicited();
            send(port, 50012, "pmp-2");
            awaitUnsolicitedAbove(before);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            lines.drainTo(seen);
            assertTrue(seen.stream().noneMatch(l -> l.contains("pmp-2")), String.join("\n", seen));
        } finally {
            client.destroyForcibly();
        }
    }

    /** Waits (20 s at most) until the router's unsolicited-drop counter passes {@code before}. */
    private static void awaitUnsolicitedAbove(long before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (unsolicited() == before) {
            if (System.nanoTime() > deadline) {
                fail("the router never saw the packet sent after deletion");
            }
            Thread.onSpinWait();
        }
    }

    private static long unsolicited() throws Exception {
        Matcher m = Pattern.compile("packets (\\d+)").matcher(nft("list counter inet filter unsolicited"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private static String nft(String command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", PREFIX + "-rtr", "nft"));
        argv.addAll(List.of(command.split(" ")));
        Result r = run(argv, 20);
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private static void send(int fromPort, String text) throws Exception {
        send(PORT, fromPort, text);
    }

    private static void send(int toPort, int fromPort, String text) throws Exception {
        Process p = java(PREFIX + "-peer", "send", WAN, Integer.toString(toPort), Integer.toString(fromPort), text);
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sender did not finish");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static Process java(String namespace, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UpnpLabClient.class.getName()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    private static String await(BlockingQueue<String> lines, List<String> seen, Predicate<String> wanted,
                                long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("no matching line from the client within " + seconds + " s; seen:\n" + String.join("\n", seen));
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    private static void readLines(Process p, BlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("READ-FAILED " + e);
        }
    }

    // ---- requirements: skip with a reason outside CI, fail in CI ----

    private static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static void missing(String reason) {
        if (inCi()) {
            fail(reason);
        }
        System.err.println("skipped: " + reason);
        Assumptions.abort(reason);
    }

    private static void requireRoot() throws Exception {
        Result id = run(List.of("id", "-u"), 10);
        if (!id.output().trim().equals("0")) {
            missing("the UPnP lab needs root (network namespaces, nftables)");
        }
    }

    private static void require(String program, String debianPackage) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return;
            }
        }
        missing(program + " not found; install Debian package " + debianPackage);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
