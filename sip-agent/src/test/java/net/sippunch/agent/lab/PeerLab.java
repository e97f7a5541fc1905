package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A two-site lab for calls with standard peers ({@link LabBaresip}) and the agent: the project's discovery
 * server in {@code disc} (the agents' discovery server, baresip's STUN server), Kamailio in {@code sip} with the
 * given users (password USER-pw, as {@link LabAgent#config} and {@link LabBaresip} use), site a and site b
 * behind the named NAT behaviours. No peer runs until a test starts one: {@code LabBaresip.start(lab.host(),
 * ...)}, {@code LabAgent.start(lab.prefix(), "a-cli", ...)}.
 */
final class PeerLab implements AutoCloseable {

    private final String prefix;
    private final LabHost host;
    private final LabAgent discovery;
    private final LabKamailio kamailio;

    private PeerLab(String prefix, LabHost host, LabAgent discovery, LabKamailio kamailio) {
        this.prefix = prefix;
        this.host = host;
        this.discovery = discovery;
        this.kamailio = kamailio;
    }

    /**
     * Brings the lab {@code prefix} up with site a behind {@code natA} and site b behind {@code natB}, starts the
     * discovery server (waits until it listens) and Kamailio ({@code dir} takes their configs and logs).
     */
    static PeerLab start(String prefix, Path dir, String natA, String natB, List<String> users)
            throws IOException, InterruptedException {
        LabHost host = new LabHost(prefix);
        LabAgent discovery = null;
        LabKamailio kamailio = null;
        try {
            host.upWith(List.of("--nat-a", natA, "--nat-b", natB));
            discovery = LabAgent.start(prefix, "disc", dir, "discovery-server", List.of("discovery-server",
                    "--listen", "198.18.0.21:3478", "--listen", "198.18.0.31:3479"));
            kamailio = LabKamailio.start(prefix, dir, LabAgent.passwords(users.toArray(String[]::new)));
            if (!discovery.awaitLine("listening on", 60)) {
                fail("the discovery server did not start:\n" + discovery.output());
            }
            return new PeerLab(prefix, host, discovery, kamailio);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            if (kamailio != null) {
                kamailio.close();
            }
            if (discovery != null) {
                discovery.close();
            }
            host.close();
            throw e;
        }
    }

    /** The lab's prefix, for {@link LabAgent#start}. */
    String prefix() {
        return prefix;
    }

    /** The lab's namespaces and script, for {@link LabBaresip#start} and NAT changes ({@link LabHost#nat}). */
    LabHost host() {
        return host;
    }

    LabKamailio proxy() {
        return kamailio;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        kamailio.close();
        discovery.close();
        host.close();
    }
}
