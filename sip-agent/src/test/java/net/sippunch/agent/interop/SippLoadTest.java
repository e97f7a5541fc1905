package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * sipp places 1000 calls at 50 calls/s through Kamailio (digest auth, record-routing) to the agent as
 * callee, with our own scenario (sipp's built-in uac fails through a record-routing proxy). Every call
 * must succeed on both sides.
 */
@Order(CpuLock.LAST)
@ResourceLock(CpuLock.CPU)
class SippLoadTest {

    static final int CALLS = 1000;
    static final int RATE = 50;

    @Test
    void thousandCallsAtFiftyPerSecondWithoutFailure(@TempDir Path dir) throws Exception {
        String sipp = ExternalTools.require("sipp", "sip-tester");
        Path scenario = Path.of("src", "test", "resources", "sipp", "uac-auth-rr.xml").toAbsolutePath();
        try (Kamailio kamailio = Kamailio.start(dir, KamailioCallTest.PROXY, KamailioCallTest.PASSWORDS);
             UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", 26020, 26400, 26999, 1000,
                     KamailioCallTest.PROXY, null, null))) {
            bob.register().get(10, TimeUnit.SECONDS);
            LinkedBlockingQueue<CallReport> calls = new LinkedBlockingQueue<>();
            bob.onCallEnded(calls::add);

            Path stat = dir.resolve("sipp-stat.csv");
            Path errors = dir.resolve("sipp-errors.log");
            Process p = new ProcessBuilder(List.of(sipp, "127.0.0.1:" + KamailioCallTest.PROXY,
                    "-sf", scenario.toString(), "-s", "bob", "-key", "domain", TestAgents.DOMAIN, "-key", "caller", "alice",
                    "-au", "alice", "-ap", "alice-pw", "-d", "500",
                    "-i", "127.0.0.1", "-p", "26030", "-mp", "26090",
                    "-r", String.valueOf(RATE), "-m", String.valueOf(CALLS), "-l", "200",
                    "-recv_timeout", "10000", "-timeout", "120", "-nostdin",
                    "-trace_stat", "-stf", stat.toString(), "-fd", "1",
                    "-trace_err", "-error_file", errors.toString()))
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("sipp.out").toFile())
                    .start();
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "sipp did not finish");
            Map<String, String> last = lastStatLine(stat);
            String context = "sipp stats " + last + "\nerrors:\n" + (Files.exists(errors) ? tail(errors) : "none");
            assertEquals(0, p.exitValue(), context);
            assertEquals(String.valueOf(CALLS), last.get("SuccessfulCall(C)"), context);
            assertEquals("0", last.get("FailedCall(C)"), context);

            List<CallReport> reports = new ArrayList<>();
            while (reports.size() < CALLS) {
                CallReport r = calls.poll(30, TimeUnit.SECONDS);
                if (r == null) {
                    break;
                }
                reports.add(r);
            }
            assertEquals(CALLS, reports.size(), "reports of ended calls at the agent");
            List<CallReport> bad = reports.stream()
                    .filter(r -> !"completed".equals(r.outcome()) || r.media() == null || r.media().rtpSent() == 0)
                    .toList();
            assertTrue(bad.isEmpty(), bad.size() + " calls not completed with media, first: "
                    + (bad.isEmpty() ? "" : bad.get(0).toJson()));
            assertEquals(0, bob.activeCalls());
        }
    }

    private static Map<String, String> lastStatLine(Path csv) throws java.io.IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(";");
        String[] values = lines.get(lines.size() - 1).split(";");
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < header.length && i < values.length; i++) {
            m.put(header[i], values[i]);
        }
        return m;
    }

    private static String tail(Path file) throws java.io.IOException {
        String s = Files.readString(file);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
