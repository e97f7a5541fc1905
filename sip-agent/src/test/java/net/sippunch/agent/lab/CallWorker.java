package net.sippunch.agent.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.sip.SipException;
import net.sippunch.agent.call.Call;
import net.sippunch.agent.call.CallReport;
import net.sippunch.agent.call.UserAgent;
import net.sippunch.agent.config.ConfigException;
import net.sippunch.agent.config.ConfigLoader;

/**
 * A warm agent in a lab client: one {@link UserAgent} started from a config file, as {@code sip-agent run}
 * starts it (NAT traversal mode when the config names discovery servers; incoming calls answered per its
 * policy), that registers and places calls when told, line by line on standard input. A matrix of calls
 * then costs one JVM and one SIP stack per client instead of one per call.
 *
 * <pre>
 * register              the site's NAT changed: learn it again, REGISTER -> registered SECONDS
 * call URI SECONDS      calls URI, hangs up SECONDS after the answer
 * a call ended          -> report JSON      (the call report on one line, calls placed and answered alike)
 * a command that failed -> error MESSAGE
 * </pre>
 * It prints {@code ready} once it reads commands and closes the agent (calls hung up, un-REGISTER, stack
 * stopped) when its standard input closes. Usage: {@code CallWorker CONFIG.yaml}.
 */
final class CallWorker {

    private CallWorker() {
    }

    public static void main(String[] args) throws IOException, ConfigException, SipException {
        PrintStream out = System.out; // println is synchronized: lines from the agent's threads never mix
        ObjectMapper json = new ObjectMapper();
        try (UserAgent agent = UserAgent.start(ConfigLoader.load(Path.of(args[0])))) {
            agent.onCallEnded(report -> out.println("report " + oneLine(json, report)));
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] w = line.trim().split("\\s+");
                switch (w[0]) {
                    // the site's NAT changed: the agent learns it again, then registers through it
                    case "register" -> agent.networkChanged().thenCompose(learnt -> agent.register())
                            .whenComplete((granted, e) -> out.println(e == null
                                    ? "registered " + granted : "error register: " + e.getMessage()));
                    case "call" -> agent.dial(w[1], new Call.Options(Duration.ofSeconds(Long.parseLong(w[2])),
                            null, null));
                    case "" -> {
                    }
                    default -> out.println("error unknown command " + w[0]);
                }
            }
        }
    }

    private static String oneLine(ObjectMapper json, CallReport report) {
        try {
            return json.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report not serialisable", e);
        }
    }
}
