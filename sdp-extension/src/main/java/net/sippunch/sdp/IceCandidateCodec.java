package net.sippunch.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sdp.MediaDescription;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.IpLiteral;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;

/**
 * The value of {@code a=candidate} (RFC 8839 section 5.1):
 * <pre>
 * foundation SP component-id SP transport SP priority SP connection-address SP port SP "typ" SP cand-type
 *     [SP "raddr" SP rel-address SP "rport" SP rel-port] *(SP extension-att-name SP extension-att-value)
 * </pre>
 * This side writes UDP candidates only. Reading is strict about the syntax and lenient about what it
 * does not use: a well-formed candidate this side cannot use (another transport, an unknown type, a host
 * name, port 0) is {@link Skipped}, a line that breaks the grammar is {@link Malformed}; extension pairs are
 * read over and ignored. Names are never resolved. Work is linear in the value, which is at most
 * {@value #MAX_VALUE_CHARS} characters; nothing throws on any input.
 */
public final class IceCandidateCodec {

    /** The attribute name, {@code a=candidate}. */
    public static final String ATTRIBUTE = "candidate";
    /** Longest {@code a=candidate} value that is read. */
    public static final int MAX_VALUE_CHARS = 512;

    private static final String TRANSPORT = "UDP";
    private static final int MIN_FIELDS = 8;
    private static final int MAX_FOUNDATION_CHARS = 32;
    private static final int MAX_COMPONENT = 256;
    private static final long MAX_PRIORITY = 0x7FFF_FFFFL;
    /** RFC 1035: a name is at most 253 characters in text form. */
    private static final int MAX_NAME_CHARS = 253;

    private IceCandidateCodec() {
    }

    /** What one {@code a=candidate} value turned out to be. */
    public sealed interface Result {
    }

    /**
     * A UDP candidate this side can check.
     *
     * @param candidate the candidate
     */
    public record Parsed(Candidate candidate) implements Result {
        /** Checks that no component is null. */
        public Parsed {
            Objects.requireNonNull(candidate, "candidate");
        }
    }

    /**
     * A well-formed candidate this side does not use: another transport, an unknown type, a host name
     * (never resolved), port 0, or an address no packet can go to.
     *
     * @param reason why it is not used, quoting at most 40 characters of the peer's text
     */
    public record Skipped(String reason) implements Result {
        /** Checks that no component is null. */
        public Skipped {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A value that breaks the grammar or a numeric range.
     *
     * @param problem what is wrong, quoting at most 40 characters of the peer's text
     */
    public record Malformed(String problem) implements Result {
        /** Checks that no component is null. */
        public Malformed {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * The candidate as the value of {@code a=candidate}, transport {@code UDP}, IPv6 in the RFC 5952 form.
     * A server-reflexive, peer-reflexive or relayed candidate without a related address gets
     * {@code raddr 0.0.0.0 rport 0} ({@code ::} for IPv6), as RFC 8839 wants the pair present and browsers
     * write it when they hide the base; the reader takes that back as no related address.
     *
     * @throws IllegalArgumentException when the foundation has a character outside ice-char, or the address
     *                                  or the related address is one that cannot appear in a candidate
     */
    public static String format(Candidate candidate) {
        if (!IceCredentials.iceChars(candidate.foundation())) {
            throw new IllegalArgumentException("foundation has a character outside ALPHA / DIGIT / '+' / '/'");
        }
        TransportAddresses.require(candidate.address(), "candidate address");
        candidate.related().ifPresent(r -> TransportAddresses.require(r, "related address"));
        StringBuilder out = new StringBuilder(96)
                .append(candidate.foundation()).append(' ')
                .append(candidate.component()).append(' ')
                .append(TRANSPORT).append(' ')
                .append(candidate.priority()).append(' ')
                .append(TransportAddresses.format(candidate.address()))
                .append(" typ ").append(candidate.type().token());
        if (candidate.related().isPresent()) {
            InetSocketAddress related = candidate.related().get();
            appendRelated(out, related.getAddress(), related.getPort());
        } else if (candidate.type() != CandidateType.HOST) {
            appendRelated(out, hidden(candidate.address().getAddress()), 0);
        }
        return out.toString();
    }

    private static void appendRelated(StringBuilder out, InetAddress address, int port) {
        out.append(" raddr ").append(TransportAddresses.format(address)).append(" rport ").append(port);
    }

    /** The unspecified address of the family of {@code address}: what a hidden base is written as. */
    private static InetAddress hidden(InetAddress address) {
        return IpLiteral.parse(address.getAddress().length == 4 ? "0.0.0.0" : "::");
    }

    /**
     * Replaces the {@code a=candidate} lines of {@code media} with {@code candidates}, in their order, at
     * the end of its attributes. Every other attribute keeps its place; nothing else is written (the
     * credentials go in with {@link OfferAnswer#writeOffer} or {@link OfferAnswer#writeAnswer}, at media
     * level too).
     *
     * @throws IllegalArgumentException when a candidate cannot be {@linkplain #format formatted} or
     *                                  {@code media} is not a working {@code javax.sdp} object
     */
    public static void write(MediaDescription media, List<Candidate> candidates) {
        PunchCodec.replace(media, ATTRIBUTE::equals,
                candidates.stream().map(c -> new PunchCodec.Line(ATTRIBUTE, format(c))).toList());
    }

    /** Reads one {@code a=candidate} value (the text after {@code a=candidate:}). Never throws. */
    public static Result parse(String value) {
        if (value.length() > MAX_VALUE_CHARS) {
            return new Malformed("longer than " + MAX_VALUE_CHARS + " characters (" + value.length() + ")");
        }
        if (value.isEmpty()) {
            return new Malformed("has no value");
        }
        String[] f = value.split(" ", -1);
        for (String field : f) {
            if (field.isEmpty()) {
                return new Malformed("fields must be separated by exactly one space");
            }
        }
        if (f.length < MIN_FIELDS) {
            return new Malformed("expected at least " + MIN_FIELDS + " fields (foundation, component, transport,"
                    + " priority, address, port, typ, type), got " + f.length);
        }
        if (f[0].length() > MAX_FOUNDATION_CHARS || !IceCredentials.iceChars(f[0])) {
            return new Malformed("foundation '" + ValueParser.shorten(f[0]) + "' is not 1 to "
                    + MAX_FOUNDATION_CHARS + " characters of ALPHA / DIGIT / '+' / '/'");
        }
        long component = TransportAddresses.parseUnsigned(f[1], 3);
        if (component < 1 || component > MAX_COMPONENT) {
            return new Malformed("component '" + ValueParser.shorten(f[1]) + "' is not a decimal integer in 1.."
                    + MAX_COMPONENT);
        }
        if (!token(f[2])) {
            return new Malformed("transport '" + ValueParser.shorten(f[2]) + "' is not a token");
        }
        long priority = TransportAddresses.parseUnsigned(f[3], 10);
        if (priority < 1 || priority > MAX_PRIORITY) {
            return new Malformed("priority '" + ValueParser.shorten(f[3]) + "' is not a decimal integer in 1.."
                    + MAX_PRIORITY);
        }
        InetAddress ip = IpLiteral.parse(f[4]);
        if (ip == null && !hostName(f[4])) {
            return new Malformed("address '" + ValueParser.shorten(f[4]) + "' is neither an IP literal nor a name");
        }
        long port = TransportAddresses.parseUnsigned(f[5], 5);
        if (port < 0 || port > 65535) {
            return new Malformed("port '" + ValueParser.shorten(f[5]) + "' is not a decimal integer in 0..65535");
        }
        if (!"typ".equalsIgnoreCase(f[6])) {
            return new Malformed("'typ' expected after the port, got '" + ValueParser.shorten(f[6]) + "'");
        }
        if (!token(f[7])) {
            return new Malformed("candidate type '" + ValueParser.shorten(f[7]) + "' is not a token");
        }
        Object related = related(f);
        if (related instanceof Malformed m) {
            return m;
        }
        int extensions = related == null ? MIN_FIELDS : MIN_FIELDS + 4;
        if ((f.length - extensions) % 2 != 0) {
            return new Malformed("extension '" + ValueParser.shorten(f[f.length - 1]) + "' has no value");
        }
        return usable(f, (int) component, priority, ip, (int) port, (InetSocketAddress) related);
    }

    /**
     * The {@code raddr}/{@code rport} pair after the type: {@code null} when there is none, an address
     * (unresolved when the peer hides or names it) or a {@link Malformed}.
     */
    private static Object related(String[] f) {
        boolean raddr = f.length > MIN_FIELDS && "raddr".equalsIgnoreCase(f[MIN_FIELDS]);
        boolean rport = f.length > MIN_FIELDS && "rport".equalsIgnoreCase(f[MIN_FIELDS]);
        if (rport) {
            return new Malformed("rport without raddr");
        }
        if (!raddr) {
            return null;
        }
        if (f.length < MIN_FIELDS + 4 || !"rport".equalsIgnoreCase(f[MIN_FIELDS + 2])) {
            return new Malformed("raddr without rport");
        }
        String address = f[MIN_FIELDS + 1];
        InetAddress ip = IpLiteral.parse(address);
        if (ip == null && !hostName(address)) {
            return new Malformed("raddr '" + ValueParser.shorten(address) + "' is neither an IP literal nor a name");
        }
        long port = TransportAddresses.parseUnsigned(f[MIN_FIELDS + 3], 5);
        if (port < 0 || port > 65535) {
            return new Malformed("rport '" + ValueParser.shorten(f[MIN_FIELDS + 3])
                    + "' is not a decimal integer in 0..65535");
        }
        return ip == null ? InetSocketAddress.createUnresolved(address, (int) port)
                : new InetSocketAddress(ip, (int) port);
    }

    /** The candidate of a well-formed value, or why this side skips it. */
    private static Result usable(String[] f, int component, long priority, InetAddress ip, int port,
                                 InetSocketAddress related) {
        if (!TRANSPORT.equalsIgnoreCase(f[2])) {
            return new Skipped("transport " + ValueParser.shorten(f[2]));
        }
        CandidateType type = CandidateType.ofToken(f[7]);
        if (type == null) {
            return new Skipped("unknown candidate type " + ValueParser.shorten(f[7]));
        }
        if (ip == null) {
            return new Skipped((f[4].regionMatches(true, f[4].length() - 6, ".local", 0, 6) ? "mDNS name "
                    : "name ") + ValueParser.shorten(f[4]) + " (names are not resolved)");
        }
        if (port == 0) {
            return new Skipped("port 0");
        }
        InetSocketAddress address = new InetSocketAddress(ip, port);
        String problem = TransportAddresses.problem(address);
        if (problem != null) {
            return new Skipped(problem);
        }
        // A hidden (0.0.0.0 / port 0), named or otherwise unusable base is the same as none.
        Optional<InetSocketAddress> base = related == null || TransportAddresses.problem(related) != null
                ? Optional.empty() : Optional.of(related);
        return new Parsed(new Candidate(f[0], component, priority, address, type, base));
    }

    /** RFC 8866 token: 1*(token-char), the visible ASCII characters but for a few separators. */
    private static boolean token(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '!' || (c >= '#' && c <= '\'') || c == '*' || c == '+' || c == '-' || c == '.'
                    || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= '^' && c <= '~');
            if (!ok) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** A syntactically possible host name (RFC 1123 letters, digits, '-' and '.'), e.g. an mDNS UUID name. */
    private static boolean hostName(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME_CHARS || s.charAt(0) == '.' || s.charAt(0) == '-') {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            letter |= alpha;
            if (!alpha && c != '-' && c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return letter; // all digits and dots would be a broken IPv4 literal, not a name
    }
}
