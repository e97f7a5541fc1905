package net.sippunch.agent.config;

import java.util.Optional;

/**
 * A SIP server's host and port as the config names it: {@code sip:host[:port][;params]} or {@code host[:port]}.
 * IPv6 literals go in brackets.
 */
public record SipHostPort(String host, int port) {

    public static final int DEFAULT_PORT = 5060;

    /** Parses the text; empty when it is not a host with an optional port in range. */
    public static Optional<SipHostPort> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.regionMatches(true, 0, "sip:", 0, 4)) {
            s = s.substring(4);
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
        int p = DEFAULT_PORT;
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
