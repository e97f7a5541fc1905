package net.sippunch.agent.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The lines a child process prints on its standard output, read on a thread of their own, in order. */
final class ProcessLines {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    ProcessLines(Process process, String threadName) {
        this.process = process;
        Thread reader = new Thread(this::read, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /** The next line, or null when none came before {@code deadlineNanos} (on {@link System#nanoTime()}). */
    String poll(long deadlineNanos) throws InterruptedException {
        return lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
