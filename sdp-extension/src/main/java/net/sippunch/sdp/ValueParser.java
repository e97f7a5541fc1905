package net.sippunch.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.sippunch.traversal.IpLiteral;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;

/**
 * Parsers of single attribute values. Each returns the value or a {@link Failure} naming what is
 * wrong; none throws on any input.
 */
final class ValueParser {

    /** A failed parse: the reason, without the attribute name (the caller adds it). */
    record Failure(String problem) {
    }

    private ValueParser() {
    }

    /** {@code version = "1".."255"}. Returns an Integer or a Failure. */
    static Object version(String value) {
        long v = TransportAddresses.parseUnsigned(value, 3);
        if (v < 0) {
            return new Failure("version '" + value + "' is not a decimal integer without leading zeros");
        }
        if (v < 1 || v > PunchAttributes.MAX_VERSION) {
            return new Failure("version " + v + " outside 1.." + PunchAttributes.MAX_VERSION);
        }
        return (int) v;
    }

    /** {@code IP SP PORT}. Returns an InetSocketAddress or a Failure. */
    static Object tuple(String value) {
        String[] f = fields(value, 2);
        if (f == null) {
            return new Failure(fieldCountProblem(value, 2, "address and port"));
        }
        return tuple(f[0], f[1], "");
    }

    /** {@code IP SP PORT SP SERVER-IP SP SERVER-PORT SP OFFSET-MS}. Returns a MappedSample or a Failure. */
    static Object mapped(String value) {
        String[] f = fields(value, 5);
        if (f == null) {
            return new Failure(fieldCountProblem(value, 5, "address, port, server address, server port, offset"));
        }
        Object mapped = tuple(f[0], f[1], "");
        if (mapped instanceof Failure) {
            return mapped;
        }
        Object server = tuple(f[2], f[3], "server ");
        if (server instanceof Failure) {
            return server;
        }
        Long offset = TransportAddresses.parseSigned(f[4], 7);
        if (offset == null) {
            return new Failure("offset '" + f[4] + "' is not a decimal integer of at most 7 digits");
        }
        if (Math.abs(offset) > MappedSample.MAX_OFFSET_MILLIS) {
            return new Failure("offset " + offset + " beyond ±" + MappedSample.MAX_OFFSET_MILLIS + " ms");
        }
        return new MappedSample((InetSocketAddress) mapped, (InetSocketAddress) server, offset);
    }

    /** {@code ["-"] 1*5DIGIT} within ±65534. Returns an Integer or a Failure. */
    static Object delta(String value) {
        Long d = TransportAddresses.parseSigned(value, 5);
        if (d == null) {
            return new Failure("'" + value + "' is not a decimal integer of at most 5 digits");
        }
        if (Math.abs(d) > PunchAttributes.MAX_DELTA) {
            return new Failure("delta " + d + " beyond ±" + PunchAttributes.MAX_DELTA);
        }
        return d.intValue();
    }

    /** {@code TYPE SP MAPPING SP FILTERING SP ALLOCATION}. Returns a NatClassification or a Failure. */
    static Object nat(String value) {
        String[] f = fields(value, 4);
        if (f == null) {
            return new Failure(fieldCountProblem(value, 4, "type, mapping, filtering, allocation"));
        }
        NatType type = NatClassification.fromToken(NatType.class, f[0]);
        if (type == null) {
            return new Failure("unknown NAT type '" + f[0] + "'");
        }
        MappingBehavior mapping = NatClassification.fromToken(MappingBehavior.class, f[1]);
        if (mapping == null) {
            return new Failure("unknown mapping behaviour '" + f[1] + "'");
        }
        FilteringBehavior filtering = NatClassification.fromToken(FilteringBehavior.class, f[2]);
        if (filtering == null) {
            return new Failure("unknown filtering behaviour '" + f[2] + "'");
        }
        PortAllocation allocation = NatClassification.fromToken(PortAllocation.class, f[3]);
        if (allocation == null) {
            return new Failure("unknown port allocation '" + f[3] + "'");
        }
        return new NatClassification(type, mapping, filtering, allocation);
    }

    private static Object tuple(String ip, String port, String what) {
        InetAddress address = IpLiteral.parse(ip);
        if (address == null) {
            return new Failure(what + "address '" + shorten(ip) + "' is not an IPv4 or IPv6 literal");
        }
        int p = TransportAddresses.parsePort(port);
        if (p < 0) {
            return new Failure(what + "port '" + shorten(port) + "' is not a decimal integer in 1..65535");
        }
        InetSocketAddress tuple = new InetSocketAddress(address, p);
        String problem = TransportAddresses.problem(tuple);
        return problem == null ? tuple : new Failure(what + problem);
    }

    /** Splits on single spaces; {@code null} unless there are exactly {@code n} non-empty fields. */
    static String[] fields(String value, int n) {
        String[] f = value.split(" ", -1);
        if (f.length != n) {
            return null;
        }
        for (String s : f) {
            if (s.isEmpty()) {
                return null;
            }
        }
        return f;
    }

    private static String fieldCountProblem(String value, int n, String names) {
        String[] f = value.split(" ", -1);
        for (String s : f) {
            if (s.isEmpty()) {
                return "fields must be separated by exactly one space";
            }
        }
        return "expected " + n + " fields (" + names + "), got " + f.length;
    }

    /** Quotes at most 40 characters of hostile input in an error message. */
    static String shorten(String s) {
        String head = s.length() <= 40 ? s : s.substring(0, 40);
        StringBuilder out = new StringBuilder(head.length() + 20);
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() <= 40 ? out.toString() : out + "...(" + s.length() + " chars)";
    }
}
