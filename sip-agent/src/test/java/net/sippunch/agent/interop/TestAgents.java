package net.sippunch.agent.interop;

import java.nio.file.Path;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.ConfigException;
import net.sippunch.agent.config.ConfigLoader;

/** Configs of agents on loopback for the interop tests, written as YAML so the loader is exercised too. */
final class TestAgents {

    static final String DOMAIN = "sippunch.test";

    private TestAgents() {
    }

    /**
     * @param proxyPort Kamailio's port, or 0 for no proxy (direct calls, no registration)
     * @param extra     more YAML appended at top level (policy, report)
     */
    static AgentConfig config(String user, String password, int sipPort, int mediaMin, int mediaMax, double toneHz,
                              int proxyPort, Path recordDir, String extra) throws ConfigException {
        return config(user, password, sipPort, mediaMin, mediaMax, toneHz, proxyPort, recordDir, extra, "");
    }

    /** @param media more keys of the {@code media:} section, each line indented by two spaces */
    static AgentConfig config(String user, String password, int sipPort, int mediaMin, int mediaMax, double toneHz,
                              int proxyPort, Path recordDir, String extra, String media) throws ConfigException {
        return config(user, password, sipPort, mediaMin, mediaMax, toneHz,
                proxyPort == 0 ? null : "sip:127.0.0.1:" + proxyPort, recordDir, extra, media, "");
    }

    /**
     * @param proxy the proxy's URI ({@code sips:127.0.0.1:5061}), or null for no proxy
     * @param sip   more keys of the {@code sip:} section (transport, tls), each line indented by two spaces
     */
    static AgentConfig config(String user, String password, int sipPort, int mediaMin, int mediaMax, double toneHz,
                              String proxy, Path recordDir, String extra, String media, String sip)
            throws ConfigException {
        String yaml = "account:\n"
                + "  user: " + user + "\n"
                + "  domain: " + (proxy == null ? "127.0.0.1" : DOMAIN) + "\n"
                + (password == null ? "" : "  password: " + password + "\n")
                + (proxy == null ? "  register: false\n" : "  proxy: " + proxy + "\n")
                + "  registerExpires: 300\n"
                + "sip:\n"
                + "  listenAddress: 127.0.0.1\n"
                + "  listenPort: " + sipPort + "\n"
                + sip
                + "media:\n"
                + "  localAddress: 127.0.0.1\n"
                + "  portMin: " + mediaMin + "\n"
                + "  portMax: " + mediaMax + "\n"
                + "  tone: {frequency: " + toneHz + ", amplitude: 0.3}\n"
                + (recordDir == null ? "" : "  recordDir: " + recordDir + "\n")
                + media
                + (extra != null && extra.contains("timeouts:") ? "" : "timeouts: {invite: 10, shutdown: 3}\n")
                + (extra == null ? "" : extra);
        return ConfigLoader.parse(yaml, user + " test config");
    }
}
