package net.sippunch.traversal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals from peers and config: an IPv4 dotted quad or an IPv6 literal without scope. Parsing
 * never resolves a name; whatever is not a literal is refused.
 */
public final class IpLiteral {

    /** Longest literal accepted (a full IPv6 address with an embedded IPv4 tail is 45). */
    public static final int MAX_CHARS = 45;

    private IpLiteral() {
    }

    /** The address {@code text} spells, or {@code null} when it is not a literal. */
    public static InetAddress parse(String text) {
        if (text.isEmpty() || text.length() > MAX_CHARS) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return parseIpv4(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9')
                    || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null;
            }
        }
        try {
            // The brackets make the JDK treat the text as an IPv6 literal only: no name lookup.
            return InetAddress.getByName("[" + text + "]");
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Four decimal parts 0..255 without leading zeros. */
    private static InetAddress parseIpv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                int value = octet(text, start, i);
                if (part > 3 || value < 0) {
                    return null;
                }
                bytes[part++] = (byte) value;
                start = i + 1;
            }
        }
        if (part != 4) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // cannot happen with four bytes
        }
    }

    /** The value of {@code text[from, to)} as one part of a dotted quad, or -1. */
    private static int octet(String text, int from, int to) {
        int length = to - from;
        if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }
}
