package net.sippunch.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.ConfigException;
import net.sippunch.agent.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sip-agent check-config --config FILE}: the config loaded and checked exactly as {@code run} and
 * {@code call} load it (the same loader, every problem listed), without starting anything: no SIP stack, no
 * media ports, no registration, no directory created. Exit 0 with a summary when it is valid, 2 with the
 * problems when it is not, as {@code run} exits for a bad config.
 */
@Command(name = "check-config",
        mixinStandardHelpOptions = true,
        description = {"Checks a config file as run and call would load it, without starting anything.",
                "Prints a summary and exits 0 when it is valid; lists every problem and exits 2 when not."})
final class CheckConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent config (YAML)")
    Path configFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AgentConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
        out.print(summary(configFile, config));
        out.flush();
        return 0;
    }

    /** "config OK: FILE" and one line per part of the agent the config sets up. */
    static String summary(Path file, AgentConfig c) {
        AgentConfig.Account a = c.account();
        AgentConfig.Media m = c.media();
        String server = a.proxy() != null ? a.proxy() : a.registrar() != null ? a.registrar() : a.domain();
        StringBuilder s = new StringBuilder("config OK: " + file + "\n");
        line(s, "account", "sip:" + a.user() + "@" + a.domain()
                + (a.register() ? ", registers at " + server + " every " + a.registerExpires() + " s" : ", no REGISTER"));
        AgentConfig.Tls tls = c.sip().tls();
        line(s, "sip", c.sip().listenAddress() + ":" + c.sip().listenPort() + " (" + c.sip().transport() + ")"
                + (c.sip().acceptDirectCalls() ? ", direct calls accepted" : "")
                + ("tls".equalsIgnoreCase(c.sip().transport()) ? ", server certificates checked against "
                + (tls.caFile() != null ? tls.caFile() : "the JDK's trust store") + ", "
                + (tls.certificateFile() != null ? "own certificate " + tls.certificateFile()
                : "no own certificate (incoming TLS refused)") : ""));
        line(s, "media", m.localAddress() + " ports " + m.portMin() + ".." + m.portMax() + ", codecs "
                + String.join(",", m.codecs()) + ", at most " + c.maxCalls() + " calls at once"
                + (m.sdes() ? ", SRTP by SDES " + (m.encryptionRequired() ? "required" : "best effort") : "")
                + (m.dtlsSrtp() ? ", SRTP by DTLS-SRTP " + (m.encryptionRequired() ? "required" : "best effort")
                + (m.dtlsCertificate() != null ? " (certificate " + m.dtlsCertificate() + ")"
                : " (certificate generated at start)") : ""));
        line(s, "mode", c.discovery().servers().isEmpty() ? "plain (no discovery.servers)"
                : "NAT traversal, discovery " + String.join(", ", c.discovery().servers())
                + (c.upnp().enabled() ? ", UPnP" + (c.upnp().natPmp() ? "/NAT-PMP" : "") + " on" : ""));
        line(s, "policy", c.policy().action() + " by default, " + c.policy().rules().size() + " rule(s)");
        line(s, "calls", c.calls().size() + " planned");
        line(s, "reports", c.report().dir() == null ? "none written" : c.report().dir());
        line(s, "metrics", c.metrics().listen() == null ? "off" : "http://" + c.metrics().listen() + "/metrics");
        return s.toString();
    }

    private static void line(StringBuilder s, String what, String value) {
        s.append("  ").append(String.format("%-8s", what)).append(' ').append(value).append('\n');
    }
}
