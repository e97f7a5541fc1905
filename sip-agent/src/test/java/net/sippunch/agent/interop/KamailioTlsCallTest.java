package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.media.WavFile;
import net.sippunch.agent.sip.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents registered at a real Kamailio over TLS (and over TCP) on loopback call each other. The TLS 1.3 run checks
 * the proxy's certificate against a CA made for the test, shows each agent's client certificate (Kamailio
 * requires one), and a capture of the TLS port must hold TLS records and no SIP in clear. A proxy whose
 * certificate another CA signed, or one that names another host, is refused with the reason.
 */
class KamailioTlsCallTest {

    static final int PROXY = 25160;
    static final int PROXY_TCP = 25161;
    static final int PROXY_TLS = 25162;

    @Test
    void callOverTlsCarriesTonesBothWaysAndNoSipInClear(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir.resolve("pki"), "sippunch-test");
        TestCa.Issued proxyCert = ca.issue("kamailio", "DNS:localhost", "IP:127.0.0.1");
        TestCa.Issued aliceCert = ca.issue("alice", "DNS:alice.sippunch.test", "IP:127.0.0.1");
        TestCa.Issued bobCert = ca.issue("bob", "DNS:bob.sippunch.test", "IP:127.0.0.1");
        Path bobRecordings = Files.createDirectories(dir.resolve("bob"));
        Path heard = dir.resolve("alice-heard.wav");

        String tcpdump = ExternalTools.require("tcpdump", "tcpdump");
        List<byte[]> segments = new CopyOnWriteArrayList<>();
        AtomicLong tlsRecords = new AtomicLong();
        var listener = new Kamailio.TlsListener(PROXY_TLS, PROXY_TCP, proxyCert.certificate(), proxyCert.key(),
                ca.certificate(), "TLSv1.2+");
        try (LoopbackCapture capture = LoopbackCapture.start(tcpdump, "tcp port " + PROXY_TLS,
                (from, to, payload) -> {
                    segments.add(payload);
                    if (payload.length >= 5 && payload[1] == 0x03 && (payload[0] == 0x16 || payload[0] == 0x17)) {
                        tlsRecords.incrementAndGet(); // a handshake or application data record
                    }
                });
             Kamailio kamailio = Kamailio.start(dir, PROXY, KamailioCallTest.PASSWORDS, listener);
             // alice names the proxy by a sips: URI, bob by sip: with transport tls: both go over TLS
             UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 25110, 25200, 25249, 440,
                     "sips:127.0.0.1:" + PROXY_TLS, null, null, "", tls(ca.certificate(), aliceCert)));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 25120, 25250, 25299, 1000,
                     "sip:127.0.0.1:" + PROXY_TLS, bobRecordings, null, "", tls(ca.certificate(), bobCert)))) {
            assertEquals(300, alice.register().get(10, TimeUnit.SECONDS), kamailio.log());
            assertEquals(300, bob.register().get(10, TimeUnit.SECONDS), kamailio.log());
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);

            Call call = alice.dial("sip:bob@" + TestAgents.DOMAIN, new Call.Options(Duration.ofSeconds(3), null, heard));
            CallReport caller = call.done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);

            assertEquals("completed", caller.outcome(), caller.reason() + "\n" + kamailio.log());
            assertEquals("duration reached", caller.reason(), caller.toJson()); // the caller sent the BYE
            assertTrue(caller.mediaBothWays(), caller.toJson());
            assertEquals("completed", callee.outcome(), callee.reason());
            assertTrue(callee.mediaBothWays(), callee.toJson());
            ToneCheck.assertTone(WavFile.read(heard), 1000, 440);
            ToneCheck.assertTone(WavFile.read(AgentLoopbackTest.onlyWav(bobRecordings, "in-")), 440, 1000);

            String log = kamailio.log();
            assertTrue(log.contains("location saved for sip:alice@" + TestAgents.DOMAIN)
                    && log.contains("location saved for sip:bob@" + TestAgents.DOMAIN), log);
            for (String line : log.lines().toList()) {
                if (line.matches(".*request (REGISTER|INVITE|BYE) sip.*") || line.contains("location saved")) {
                    assertTrue(line.contains(" over tls"), "not over TLS: " + line);
                }
            }
            assertTrue(log.contains("request BYE"), log);
            assertTrue(log.contains("request INVITE over TLSv1.3"), log);
            assertTrue(capture.problems().isEmpty(), capture.problems().toString());
        }
        // every byte on the TLS port is a TLS record: no request line or status line in clear
        assertTrue(tlsRecords.get() >= 10, "TLS records captured: " + tlsRecords.get());
        StringBuilder all = new StringBuilder();
        for (byte[] s : segments) {
            all.append(new String(s, StandardCharsets.ISO_8859_1));
        }
        for (String clear : List.of("REGISTER sip", "INVITE sip", "BYE sip", "SIP/2.0", "Via:", "m=audio")) {
            assertFalse(all.toString().contains(clear), "in clear on the TLS port: " + clear);
        }
    }

    @Test
    void proxyCertificateFromAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        TestCa ours = TestCa.create(dir.resolve("pki"), "ours");
        TestCa theirs = TestCa.create(dir.resolve("pki"), "theirs");
        TestCa.Issued proxyCert = theirs.issue("kamailio", "DNS:localhost", "IP:127.0.0.1");
        String reason = registrationFailure(dir, ours, proxyCert);
        assertTrue(reason.contains("is not signed by a CA in sip.tls.caFile (" + ours.certificate() + ")"), reason);
        assertTrue(reason.contains("the certificate of 127.0.0.1"), reason);
    }

    @Test
    void proxyCertificateForAnotherHostIsRefused(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir.resolve("pki"), "sippunch-test");
        TestCa.Issued proxyCert = ca.issue("elsewhere", "DNS:sip.elsewhere.test", "IP:127.0.0.9");
        String reason = registrationFailure(dir, ca, proxyCert);
        assertTrue(reason.contains("does not match the host: it names sip.elsewhere.test, 127.0.0.9, not 127.0.0.1"),
                reason);
    }

    /**
     * A proxy named by a host name is checked by that name (the name the stack looked up reaches the certificate
     * check, not the address it resolved to): a certificate naming only localhost is good for
     * {@code sips:localhost}, and refused for {@code sips:127.0.0.1}.
     */
    @Test
    void proxyNamedByHostNameIsCheckedByThatName(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir.resolve("pki"), "sippunch-test");
        TestCa.Issued proxyCert = ca.issue("kamailio", "DNS:localhost");
        var listener = new Kamailio.TlsListener(PROXY_TLS, PROXY_TCP, proxyCert.certificate(), proxyCert.key(), null,
                "TLSv1.2+");
        String tls = "  transport: tls\n  tls: {caFile: " + ca.certificate() + "}\n";
        try (Kamailio kamailio = Kamailio.start(dir, PROXY, KamailioCallTest.PASSWORDS, listener);
             UserAgent byName = UserAgent.start(TestAgents.config("alice", "alice-pw", 25110, 25200, 25249, 440,
                     "sips:localhost:" + PROXY_TLS, null, null, "", tls));
             UserAgent byAddress = UserAgent.start(TestAgents.config("bob", "bob-pw", 25120, 25250, 25299, 1000,
                     "sips:127.0.0.1:" + PROXY_TLS, null, null, "", tls))) {
            assertEquals(300, byName.register().get(10, TimeUnit.SECONDS), kamailio.log());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> byAddress.register().get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("it names localhost, not 127.0.0.1"),
                    e.getCause().getMessage());
        }
    }

    /** Alice's REGISTER to a Kamailio showing {@code proxyCert}: it must fail; its reason. */
    private static String registrationFailure(Path dir, TestCa trusted, TestCa.Issued proxyCert) throws Exception {
        var listener = new Kamailio.TlsListener(PROXY_TLS, PROXY_TCP, proxyCert.certificate(), proxyCert.key(), null,
                "TLSv1.2+");
        try (Kamailio kamailio = Kamailio.start(dir, PROXY, KamailioCallTest.PASSWORDS, listener);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 25110, 25200, 25249, 440,
                     "sips:127.0.0.1:" + PROXY_TLS, null, null, "", "  transport: tls\n  tls:\n    caFile: "
                             + trusted.certificate() + "\n"))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> alice.register().get(10, TimeUnit.SECONDS));
            String log = kamailio.log();
            assertFalse(log.contains("request REGISTER"), "Kamailio got a REGISTER: " + log);
            return e.getCause().getMessage();
        }
    }

    /**
     * Alice over TCP calls bob over TLS 1.2 (the proxy accepts no other version; bob has no certificate of his own
     * and the JDK's trust store is not asked: his CA file is the test's).
     */
    @Test
    void callFromTcpToTls12(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir.resolve("pki"), "sippunch-test");
        TestCa.Issued proxyCert = ca.issue("kamailio", "IP:127.0.0.1");
        var listener = new Kamailio.TlsListener(PROXY_TLS, PROXY_TCP, proxyCert.certificate(), proxyCert.key(), null,
                "TLSv1.2");
        try (Kamailio kamailio = Kamailio.start(dir, PROXY, KamailioCallTest.PASSWORDS, listener);
             UserAgent alice = UserAgent.start(TestAgents.config("alice", "alice-pw", 25110, 25200, 25249, 440,
                     "sip:127.0.0.1:" + PROXY_TCP, null, null, "", "  transport: tcp\n"));
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 25120, 25250, 25299, 1000,
                     "sips:127.0.0.1:" + PROXY_TLS, null, null, "",
                     "  transport: tls\n  tls: {caFile: " + ca.certificate() + "}\n"))) {
            assertEquals(300, alice.register().get(10, TimeUnit.SECONDS), kamailio.log());
            assertEquals(300, bob.register().get(10, TimeUnit.SECONDS), kamailio.log());
            LinkedBlockingQueue<CallReport> bobsCalls = new LinkedBlockingQueue<>();
            bob.onCallEnded(bobsCalls::add);
            CallReport caller = alice.dial("sip:bob@" + TestAgents.DOMAIN,
                    new Call.Options(Duration.ofSeconds(2), null, null)).done().get(30, TimeUnit.SECONDS);
            CallReport callee = bobsCalls.poll(10, TimeUnit.SECONDS);
            assertEquals("completed", caller.outcome(), caller.reason() + "\n" + kamailio.log());
            assertTrue(caller.mediaBothWays(), caller.toJson() + "\n" + callee.toJson() + "\n" + kamailio.log());
            assertEquals("completed", callee.outcome(), callee.reason());
            String log = kamailio.log();
            assertTrue(log.lines().anyMatch(l -> l.contains("request INVITE sip:bob@") && l.contains(" over tcp")), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("location saved for sip:bob@") && l.contains(" over tls")),
                    log);
            assertTrue(log.contains("request REGISTER over TLSv1.2"), log);
            assertFalse(log.contains("over TLSv1.3"), log);
        }
    }

    /** The sip: section's keys of an agent over TLS with its own certificate. */
    private static String tls(Path caFile, TestCa.Issued own) {
        return "  transport: tls\n  tls:\n    caFile: " + caFile + "\n    certificateFile: " + own.certificate()
                + "\n    keyFile: " + own.key() + "\n";
    }
}
