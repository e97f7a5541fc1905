package net.sippunch.agent.config;

import java.util.Optional;

/**
 * A SIP server's host and port as the config names it: {@code sip:host[:port][;params]},
 * {@code sips:host[:port][;params]} or {@code host[:port]}. IPv6 literals go in brackets. A port left out is
 * 5061 for {@code sips:}, else the caller's default (5060, or 5061 over TLS).
 */
public record SipHostPort(String host, int port) {

    public static final int DEFAULT_PORT = 5060;

    /** The default port of a {@code sips:} URI and of TLS (RFC 3263 section 4.2). */
    public static final int TLS_PORT = 5061;

    /** Parses the text; empty when it is not a host with an optional port in range (5060 when left out). */
    public static Optional<SipHostPort> parse(String text) {
        return parse(text, DEFAULT_PORT);
    }

    /** Whether the text is a {@code sips:} URI. */
    public static boolean secure(String text) {
        return text != null && text.trim().regionMatches(true, 0, "sips:", 0, 5);
    }

    /** Parses the text; a port left out is {@code defaultPort} (5061 for a {@code sips:} URI). */
    public static Optional<SipHostPort> parse(String text, int defaultPort) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        int p = defaultPort;
        if (s.regionMatches(true, 0, "sip:", 0, 4)) {
            s = s.substring(4);
        } else if (s.regionMatches(true, 0, "sips:", 0, 5)) {
            s = s.substring(5);
            p = TLS_PORT;
        }
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        int semi = s.indexOf(';');
        if (semi >= 0) {
            s = s.substring(0, semi);
        }
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                return Optional.empty();
            }
            host = s.substring(1, end);
            if (end + 1 < s.length()) {
                if (s.charAt(end + 1) != ':') {
                    return Optional.empty();
                }
                port = s.substring(end + 2);
            }
        } else {
            int colon = s.lastIndexOf(':');
            host = colon >= 0 ? s.substring(0, colon) : s;
            port = colon >= 0 ? s.substring(colon + 1) : null;
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:_-]+")) {
            return Optional.empty();
        }
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (p < 1 || p > 65535) {
                return Optional.empty();
            }
        }
        return Optional.of(new SipHostPort(host, p));
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
