package net.sippunch.agent.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The UDP conntrack tables of lab routers ({@code conntrack -L -p udp} in their namespaces), listed once or
 * sampled at a fixed period on a thread of its own until closed.
 */
final class ConntrackWatch implements AutoCloseable {

    /**
     * One UDP flow: its original direction (as the first packet left) and its reply direction (after NAT),
     * the seconds it has left, and whether it has seen traffic both ways long enough to be assured.
     */
    record Entry(String src, int sport, String dst, int dport, String replySrc, int replySport, String replyDst,
                 int replyDport, int timeoutSeconds, boolean assured) {

        /** An entry from one line of {@code conntrack -L -p udp}; empty for other lines. */
        static Optional<Entry> parse(String line) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 3 || !w[0].equals("udp") || !w[2].matches("\\d+")) {
                return Optional.empty();
            }
            List<String> src = new ArrayList<>();
            List<String> dst = new ArrayList<>();
            List<Integer> sport = new ArrayList<>();
            List<Integer> dport = new ArrayList<>();
            boolean assured = false;
            for (String word : w) {
                if (word.startsWith("src=")) {
                    src.add(word.substring(4));
                } else if (word.startsWith("dst=")) {
                    dst.add(word.substring(4));
                } else if (word.startsWith("sport=")) {
                    sport.add(Integer.parseInt(word.substring(6)));
                } else if (word.startsWith("dport=")) {
                    dport.add(Integer.parseInt(word.substring(6)));
                } else if (word.equals("[ASSURED]")) {
                    assured = true;
                }
            }
            if (src.size() != 2 || dst.size() != 2 || sport.size() != 2 || dport.size() != 2) {
                return Optional.empty();
            }
            return Optional.of(new Entry(src.get(0), sport.get(0), dst.get(0), dport.get(0), src.get(1),
                    sport.get(1), dst.get(1), dport.get(1), Integer.parseInt(w[2]), assured));
        }

        /** The port the router maps the flow to on its public side (where the peer sends to). */
        int natPort() {
            return replyDport;
        }
    }

    /** One listing of one router, taken at {@code atMillis} (epoch milliseconds, when the listing started). */
    record Snapshot(String node, long atMillis, List<Entry> entries) {
    }

    private final LabHost lab;
    private final List<String> nodes;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "conntrack-watch");
        t.setDaemon(true);
        return t;
    });

    private ConntrackWatch(LabHost lab, List<String> nodes) {
        this.lab = lab;
        this.nodes = List.copyOf(nodes);
    }

    /** Starts sampling the routers {@code nodes} (like {@code a-nat}) every {@code period}. */
    static ConntrackWatch start(LabHost lab, List<String> nodes, Duration period) {
        ConntrackWatch watch = new ConntrackWatch(lab, nodes);
        watch.sampler.scheduleAtFixedRate(watch::sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** The UDP flows of router {@code node} now. */
    static List<Entry> list(LabHost lab, String node) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.namespace(node), "conntrack", "-L", "-p", "udp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("conntrack -L in " + node + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("conntrack -L in " + node + " exited " + p.exitValue());
        }
        return out.lines().map(Entry::parse).flatMap(Optional::stream).toList();
    }

    private void sample() {
        for (String node : nodes) {
            long at = System.currentTimeMillis();
            try {
                Snapshot s = new Snapshot(node, at, list(lab, node));
                synchronized (this) {
                    snapshots.add(s);
                }
            } catch (IOException e) {
                synchronized (this) {
                    problems.add(node + " at " + at + ": " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The snapshots so far, in the order taken. */
    synchronized List<Snapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /** Listings that failed. */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Stops sampling; a listing under way finishes first (bounded). */
    @Override
    public void close() throws InterruptedException {
        sampler.shutdown();
        if (!sampler.awaitTermination(15, TimeUnit.SECONDS)) {
            sampler.shutdownNow();
        }
    }
}
