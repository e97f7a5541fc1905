package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.sip.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A "proxy" that accepts the TCP connection and never answers the TLS handshake: the REGISTER fails after the
 * handshake timeout (8 s) with a reason, instead of holding the agent's thread for ever.
 */
class TlsHandshakeTimeoutTest {

    @Test
    void aSilentTlsServerFailsTheRegistrationInBoundedTime(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "test");
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Thread holder = new Thread(() -> {
                try (Socket held = silent.accept()) {
                    held.getInputStream().readAllBytes(); // reads the ClientHello, answers nothing, until closed
                } catch (java.io.IOException e) {
                    // the server socket closed at the end of the test
                }
            }, "silent-tls-server");
            holder.setDaemon(true);
            holder.start();
            try (UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 25330, 25500, 25549, 440,
                    "sips:127.0.0.1:" + silent.getLocalPort(), null, null, "",
                    "  transport: tls\n  tls: {caFile: " + ca.certificate() + "}\n"))) {
                long start = System.nanoTime();
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> alice.register().get(30, TimeUnit.SECONDS));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis >= 7000 && millis < 20000, "failed after " + millis + " ms");
                String reason = e.getCause().getMessage();
                assertTrue(reason.startsWith("REGISTER not sent: cannot send over tls: no TLS handshake within 8 s"),
                        reason);
            }
        }
    }
}
