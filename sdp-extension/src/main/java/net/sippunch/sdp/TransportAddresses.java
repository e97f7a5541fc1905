package net.sippunch.sdp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The strict syntax of addresses, ports and integers in the extension's attribute values.
 * Parsers return {@code null} for anything malformed and never resolve a name (IP literals: {@link
 * net.sippunch.traversal.IpLiteral}).
 */
final class TransportAddresses {

    private TransportAddresses() {
    }

    /** Why {@code address} cannot appear in a tuple, or {@code null} when it can. */
    static String problem(InetSocketAddress address) {
        if (address.isUnresolved() || address.getAddress() == null) {
            return "not an IP literal";
        }
        InetAddress ip = address.getAddress();
        if (ip.isAnyLocalAddress()) {
            return "unspecified address " + ip.getHostAddress();
        }
        if (ip.isMulticastAddress()) {
            return "multicast address " + ip.getHostAddress();
        }
        if (ip instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return "scoped IPv6 address";
        }
        if (address.getPort() < 1 || address.getPort() > 65535) {
            return "port " + address.getPort() + " outside 1..65535";
        }
        return null;
    }

    /** Throws {@link IllegalArgumentException} naming {@code what} when the address is unusable. */
    static void require(InetSocketAddress address, String what) {
        String problem = problem(address);
        if (problem != null) {
            throw new IllegalArgumentException(what + ": " + problem);
        }
    }

    /** The address as written in an attribute value: IP literal (RFC 5952 form for IPv6), space, port. */
    static String format(InetSocketAddress address) {
        return format(address.getAddress()) + " " + address.getPort();
    }

    /** The IP literal as written in an attribute value (RFC 5952 form for IPv6). */
    static String format(InetAddress ip) {
        return ip instanceof Inet6Address ? formatIpv6(ip.getAddress()) : ip.getHostAddress();
    }

    /** RFC 5952 section 4: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    static String formatIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** Parses a port in 1..65535 without leading zeros; -1 when malformed or out of range. */
    static int parsePort(String text) {
        long value = parseUnsigned(text, 5);
        return value >= 1 && value <= 65535 ? (int) value : -1;
    }

    /**
     * Parses a decimal integer: optional '-', then "0" or a non-zero digit followed by digits,
     * at most {@code maxDigits} digits. Returns {@code null} when malformed.
     */
    static Long parseSigned(String text, int maxDigits) {
        boolean negative = text.startsWith("-");
        String digits = negative ? text.substring(1) : text;
        long value = parseUnsigned(digits, maxDigits);
        if (value < 0 || (negative && value == 0)) {
            return null;
        }
        return negative ? -value : value;
    }

    /** Parses "0" / non-zero digit *DIGIT with at most {@code maxDigits} digits; -1 when malformed. */
    static long parseUnsigned(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return -1;
        }
        if (text.length() > 1 && text.charAt(0) == '0') {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
