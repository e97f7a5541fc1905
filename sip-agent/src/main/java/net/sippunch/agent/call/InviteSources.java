package net.sippunch.agent.call;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.SipHostPort;
import net.sippunch.agent.sip.SipTransport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where INVITEs may come from. An agent that registers takes calls only through its proxy (or registrar, or
 * its domain's server when it has neither), as an outbound-proxy softphone does: an INVITE sent straight to
 * its port by anyone else is answered 403. {@code sip.acceptDirectCalls} or an agent that does not register
 * takes INVITEs from anyone.
 */
final class InviteSources {

    private static final Logger LOG = LogManager.getLogger(InviteSources.class);

    /** Null: anyone. */
    private final SipHostPort server;
    private final List<InetAddress> addresses;
    /** Over TCP and TLS a connection the proxy opens comes from any port of it: only its address counts. */
    private final boolean anyPort;

    private InviteSources(SipHostPort server, List<InetAddress> addresses, boolean anyPort) {
        this.server = server;
        this.addresses = addresses;
        this.anyPort = anyPort;
    }

    /** Resolves the proxy once, at start-up; a name that does not resolve admits nobody (logged). */
    static InviteSources of(AgentConfig config) {
        AgentConfig.Account account = config.account();
        if (config.sip().acceptDirectCalls() || !account.register()) {
            return new InviteSources(null, List.of(), true);
        }
        String text = account.proxy() != null ? account.proxy()
                : account.registrar() != null ? account.registrar() : account.domain();
        SipTransport transport = SipTransport.parse(config.sip().transport()).orElseThrow();
        Optional<SipHostPort> parsed = SipHostPort.parse(text, transport.defaultPort());
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("not host:port: " + text);
        }
        try {
            return new InviteSources(parsed.get(), List.of(InetAddress.getAllByName(parsed.get().host())),
                    transport.connected());
        } catch (UnknownHostException e) {
            LOG.warn("{} does not resolve: INVITEs are refused until the agent restarts", parsed.get().host());
            return new InviteSources(parsed.get(), List.of(), transport.connected());
        }
    }

    /** Whether an INVITE whose packet came from {@code source}:{@code port} may be answered. */
    boolean admits(InetAddress source, int port) {
        return server == null || ((anyPort || port == server.port()) && addresses.contains(source));
    }

    /** The server INVITEs must come through, for a refusal's reason. */
    String server() {
        return server == null ? "anyone" : anyPort ? server.host() : server.host() + ":" + server.port();
    }
}
