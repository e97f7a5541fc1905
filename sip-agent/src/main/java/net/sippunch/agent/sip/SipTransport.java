package net.sippunch.agent.sip;

import java.util.Locale;
import java.util.Optional;

/** The transport the agent's SIP runs on ({@code sip.transport}), with its JAIN-SIP name and default port. */
public enum SipTransport {
    UDP(5060), TCP(5060), TLS(5061);

    private final int defaultPort;

    SipTransport(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** The transport a config value names ({@code udp}, {@code tcp}, {@code tls}; any case); empty otherwise. */
    public static Optional<SipTransport> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "udp" -> Optional.of(UDP);
            case "tcp" -> Optional.of(TCP);
            case "tls" -> Optional.of(TLS);
            default -> Optional.empty();
        };
    }

    /** The port of a server named without one (RFC 3263 section 4.2: 5061 for TLS). */
    public int defaultPort() {
        return defaultPort;
    }

    /** The name in Via, {@code ;transport=} and JAIN-SIP's listening points ({@code udp}, {@code tcp}, {@code tls}). */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the transport is connection-oriented (TCP, TLS). */
    public boolean connected() {
        return this != UDP;
    }
}
