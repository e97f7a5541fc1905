package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.cli.EphemeralPort;
import net.sippunch.agent.config.AgentConfig;
import org.junit.jupiter.api.Test;

/**
 * The agent against a scripted registrar on loopback: a tiny granted expiry does not make it refresh
 * faster than its floor, a failed refresh backs off, a 423 is answered with the registrar's Min-Expires, and a challenge for a realm
 * other than the account's is not answered.
 */
class RegistrationPacingTest {

    /** A UDP registrar answering each REGISTER with the text its script returns (null: no answer). */
    private static final class ScriptedRegistrar implements AutoCloseable {
        final DatagramSocket socket;
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final Thread reader;

        ScriptedRegistrar(BiFunction<Integer, String, String> script) throws SocketException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                while (!socket.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (IOException e) {
                        return;
                    }
                    String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                    if (!text.startsWith("REGISTER ")) {
                        continue;
                    }
                    requests.add(text);
                    String answer = script.apply(requests.size(), text);
                    if (answer == null) {
                        continue;
                    }
                    byte[] out = answer.getBytes(StandardCharsets.UTF_8);
                    try {
                        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "scripted-registrar");
            reader.setDaemon(true);
            reader.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            reader.join(2000);
        }
    }

    static String header(String request, String name) {
        Matcher m = Pattern.compile("(?im)^" + name + "\\s*:\\s*(.*?)\\r?$").matcher(request);
        return m.find() ? m.group(1) : null;
    }

    /** A response to {@code request} with its dialog headers copied and {@code extra} header lines. */
    static String response(String request, String status, String... extra) {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
        b.append("Via: ").append(header(request, "Via")).append("\r\n");
        b.append("From: ").append(header(request, "From")).append("\r\n");
        b.append("To: ").append(header(request, "To")).append(";tag=registrar\r\n");
        b.append("Call-ID: ").append(header(request, "Call-ID")).append("\r\n");
        b.append("CSeq: ").append(header(request, "CSeq")).append("\r\n");
        for (String line : extra) {
            b.append(line).append("\r\n");
        }
        return b.append("Content-Length: 0\r\n\r\n").toString();
    }

    private static UserAgent agent(int registrarPort) throws Exception {
        return UserAgent.start(config(registrarPort));
    }

    private static AgentConfig config(int registrarPort) throws Exception {
        int media = Math.min(EphemeralPort.udp("127.0.0.1"), 65000);
        return TestAgents.config("alice", "alice-pw", EphemeralPort.udp("127.0.0.1"), media, media + 9, 440,
                registrarPort, null, null);
    }

    /** The config with {@code account.registerMinRefresh} lowered to 1 s. */
    private static AgentConfig withRefreshFloorOfOneSecond(AgentConfig c) {
        AgentConfig.Account a = c.account();
        AgentConfig.Account floorOfOne = new AgentConfig.Account(a.user(), a.domain(), a.displayName(), a.authUser(),
                a.password(), a.realm(), a.registrar(), a.proxy(), a.register(), a.registerExpires(), 1);
        return new AgentConfig(floorOfOne, c.sip(), c.media(), c.discovery(), c.upnp(), c.policy(), c.calls(),
                c.report(), c.timeouts(), c.punch(), c.metrics(), c.turn());
    }

    /** The REGISTERs the registrar saw by {@code millis} after the first was granted (un-REGISTER not counted). */
    private static int registersWithin(AgentConfig config, ScriptedRegistrar registrar, long millis)
            throws Exception {
        try (UserAgent alice = UserAgent.start(config)) {
            assertEquals(1, alice.register().get(10, TimeUnit.SECONDS));
            Thread.sleep(millis);
            return registrar.requests.size();
        }
    }

    @Test
    void aOneSecondGrantIsRefreshedNoSoonerThanTheFloor() throws Exception {
        try (ScriptedRegistrar registrar = new ScriptedRegistrar((n, req) -> response(req, "200 OK",
                "Contact: " + header(req, "Contact") + ";expires=1", "Expires: 1"))) {
            assertEquals(1, registersWithin(config(registrar.port()), registrar, 3000),
                    "REGISTERs within 3 s of a 1 s grant");
        }
    }

    @Test
    void aRegisterBetweenRefreshesLeavesOneRefreshScheduled() throws Exception {
        try (ScriptedRegistrar registrar = new ScriptedRegistrar((n, req) -> response(req, "200 OK",
                "Contact: " + header(req, "Contact") + ";expires=2"))) {
            try (UserAgent alice = UserAgent.start(withRefreshFloorOfOneSecond(config(registrar.port())))) {
                assertEquals(2, alice.register().get(10, TimeUnit.SECONDS));
                assertEquals(2, alice.register().get(10, TimeUnit.SECONDS));
                // a 2 s grant is refreshed every 1 s: one refresh chain makes about 3 REGISTERs in 3.5 s, two
                // chains (the first register's refresh left scheduled) about 6; the window is the measurement of a
                // rate, as in registersWithin
                Thread.sleep(3500);
                int refreshes = registrar.requests.size() - 2;
                assertTrue(refreshes >= 1 && refreshes <= 4, refreshes + " refreshes in 3.5 s");
            }
        }
    }

    /**
     * A REGISTER while another is under way (a refresh as the user registers again): the registrar never answers
     * the first, and the first's caller still learns the outcome of the second. Before, the first future was
     * dropped and never completed (the fault lab's "no registration within 30 s" when a refresh met the test's
     * REGISTER under loss).
     */
    @Test
    void aRegisterWhileAnotherIsUnderWayCompletesBoth() throws Exception {
        try (ScriptedRegistrar registrar = new ScriptedRegistrar((n, req) -> header(req, "CSeq").startsWith("1 ")
                ? null
                : response(req, "200 OK", "Contact: " + header(req, "Contact") + ";expires=300"))) {
            try (UserAgent alice = agent(registrar.port())) {
                CompletableFuture<Integer> first = alice.register();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (registrar.requests.isEmpty() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertFalse(registrar.requests.isEmpty(), "the first REGISTER reached the registrar");
                CompletableFuture<Integer> second = alice.register();
                assertEquals(300, second.get(10, TimeUnit.SECONDS));
                assertEquals(300, first.get(10, TimeUnit.SECONDS), "the first caller learns the outcome too");
            }
        }
    }

    @Test
    void aFailedRefreshBacksOffInsteadOfRetryingAtOnce() throws Exception {
        try (ScriptedRegistrar registrar = new ScriptedRegistrar((n, req) -> n == 1
                ? response(req, "200 OK", "Contact: " + header(req, "Contact") + ";expires=1")
                : response(req, "503 Service Unavailable"))) {
            // the refresh after the 1 s floor, then at least 30 s of back-off after its 503
            assertEquals(2, registersWithin(withRefreshFloorOfOneSecond(config(registrar.port())), registrar, 4000),
                    "REGISTERs within 4 s");
        }
    }

    @Test
    void intervalTooBriefIsAnsweredWithTheRegistrarsMinExpires() throws Exception {
        try (ScriptedRegistrar registrar = new ScriptedRegistrar((n, req) -> n == 1
                ? response(req, "423 Interval Too Brief", "Min-Expires: 3600")
                : response(req, "200 OK", "Contact: " + header(req, "Contact") + ";expires="
                        + header(req, "Expires")))) {
            try (UserAgent alice = agent(registrar.port())) {
                assertEquals(3600, alice.register().get(10, TimeUnit.SECONDS));
                assertEquals(2, registrar.requests.size());
                assertEquals("300", header(registrar.requests.get(0), "Expires"));
                assertEquals("3600", header(registrar.requests.get(1), "Expires"));
            }
        }
    }

    @Test
    void aChallengeForAForeignRealmIsNotAnswered() throws Exception {
        try (ScriptedRegistrar registrar = new ScriptedRegistrar((n, req) -> header(req, "Expires").equals("0")
                ? response(req, "200 OK")
                : response(req, "401 Unauthorized",
                        "WWW-Authenticate: Digest realm=\"elsewhere.example\", nonce=\"abc123\", algorithm=MD5"))) {
            try (UserAgent alice = agent(registrar.port())) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> alice.register().get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("elsewhere.example"), e.getCause().getMessage());
                assertEquals(1, registrar.requests.size());
                assertFalse(registrar.requests.get(0).contains("Authorization"));
            }
        }
    }

    @Test
    void aChallengeForTheAccountsDomainIsAnswered() throws Exception {
        try (ScriptedRegistrar registrar = new ScriptedRegistrar((n, req) -> req.contains("Authorization:")
                ? response(req, "200 OK", "Contact: " + header(req, "Contact") + ";expires=300")
                : response(req, "401 Unauthorized", "WWW-Authenticate: Digest realm=\"" + TestAgents.DOMAIN
                        + "\", nonce=\"abc123\", algorithm=MD5"))) {
            try (UserAgent alice = agent(registrar.port())) {
                assertEquals(300, alice.register().get(10, TimeUnit.SECONDS));
                assertEquals(2, registrar.requests.size());
            }
        }
    }
}
