package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.sip.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct calls over TLS between agents that do not register: the callee's own certificate is its TLS server's,
 * checked by the caller against its CA file and the IP address it dialled; a callee without a certificate
 * cannot be called over TLS, and the caller says why.
 */
class DirectTlsCallTest {

    private static final int ALICE = 25310;
    private static final int BOB = 25320;

    @Test
    void calleeWithACertificateIsCalledOverTls(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "sippunch-test");
        TestCa.Issued aliceCert = ca.issue("alice", "IP:127.0.0.1");
        TestCa.Issued bobCert = ca.issue("bob", "IP:127.0.0.1");
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, ALICE, 25400, 25449, 440, null, null,
                null, "", tls(ca, aliceCert)));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 25450, 25499, 1000, null, null,
                     null, "", tls(ca, bobCert)))) {
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            CallReport caller = alice.dial("sips:bob@127.0.0.1:" + BOB, new Call.Options(Duration.ofSeconds(1), null,
                    null)).done().get(30, TimeUnit.SECONDS);
            assertEquals("completed", caller.outcome(), caller.reason());
            assertTrue(caller.mediaBothWays(), caller.toJson());
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertEquals("completed", callee.outcome(), String.valueOf(callee));
        }
    }

    @Test
    void calleeWithoutACertificateCannotBeCalledOverTls(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir, "sippunch-test");
        TestCa.Issued aliceCert = ca.issue("alice", "IP:127.0.0.1");
        try (UserAgent alice = UserAgent.start(TestAgents.config("alice", null, ALICE, 25400, 25449, 440, null, null,
                null, "", tls(ca, aliceCert)));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 25450, 25499, 1000, null, null,
                     null, "", "  transport: tls\n  tls: {caFile: " + ca.certificate() + "}\n"))) {
            CallReport caller = alice.dial("sip:bob@127.0.0.1:" + BOB + ";transport=tls",
                    new Call.Options(Duration.ofSeconds(1), null, null)).done().get(30, TimeUnit.SECONDS);
            assertEquals("failed", caller.outcome(), caller.toJson());
            assertTrue(caller.reason().contains("cannot send over tls") && caller.reason().contains("handshake"),
                    caller.reason());
        }
    }

    private static String tls(TestCa ca, TestCa.Issued own) {
        return "  transport: tls\n  tls:\n    caFile: " + ca.certificate() + "\n    certificateFile: "
                + own.certificate() + "\n    keyFile: " + own.key() + "\n";
    }
}
