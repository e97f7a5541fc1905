package net.sippunch.agent.cli;

import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import picocli.CommandLine;

/**
 * Runs {@code punch-test} trials one after another in one warm JVM inside a lab namespace, driven line by
 * line on standard input (a new JVM per trial costs more than the trial):
 *
 * <pre>
 * run ARGS...     starts {@code punch-test ARGS...}; its lines (OFFER, ANSWER, the result) go to standard
 *                 output, then {@code exit N}
 * peer LINE       gives LINE to the running trial's standard input (the peer's OFFER or ANSWER)
 * close           closes the media ports of finished trials -> {@code closed N}
 * </pre>
 * It prints {@code ready} once it reads commands and ends when its standard input closes.
 */
public final class PunchTestWorker {

    private PunchTestWorker() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        EventLoopGroup group = NettyTransport.newGroup(1, "punch-worker");
        List<NettyMediaPort> finished = new ArrayList<>();
        BlockingQueue<String> peerLines = new LinkedBlockingQueue<>();
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("run ")) {
                peerLines.clear();
                String[] trialArgs = line.substring(4).trim().split("\\s+");
                Thread trial = new Thread(() -> {
                    PunchTestCommand command = new PunchTestCommand(new QueueReader(peerLines), System.out, group,
                            port -> {
                                synchronized (finished) {
                                    finished.add(port);
                                }
                            });
                    int code = new CommandLine(command).execute(trialArgs);
                    System.out.println("exit " + code);
                }, "trial");
                trial.setDaemon(true); // a trial still waiting for its peer's line must not keep the worker alive
                trial.start();
            } else if (line.startsWith("peer ")) {
                peerLines.add(line.substring(5));
            } else if (line.equals("close")) {
                List<NettyMediaPort> ports;
                synchronized (finished) {
                    ports = List.copyOf(finished);
                    finished.clear();
                }
                ports.forEach(NettyMediaPort::close);
                System.out.println("closed " + ports.size());
            } else if (!line.isBlank()) {
                System.out.println("error unknown command " + Arrays.toString(line.split(" ", 2)));
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** Standard input of one trial: the peer lines the worker was given. */
    static final class QueueReader extends BufferedReader {
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
