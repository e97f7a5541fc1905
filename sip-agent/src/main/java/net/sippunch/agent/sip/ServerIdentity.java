package net.sippunch.agent.sip;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import net.sippunch.traversal.IpLiteral;

/**
 * Whether a server certificate names the host the agent connected to (RFC 5922 section 7.1, RFC 6125): an IP
 * literal must be one of its IP address subjectAltNames; a host name one of its DNS names (a wildcard only as
 * the whole leftmost label) or {@code sip:} URIs. The subject's common name counts only when the certificate
 * has no such subjectAltName at all.
 */
public final class ServerIdentity {

    private static final int DNS = 2;
    private static final int URI = 6;
    private static final int IP = 7;

    private ServerIdentity() {
    }

    /** Empty when {@code certificate} names {@code host}; otherwise why not. */
    public static Optional<String> mismatch(X509Certificate certificate, String host) {
        List<String> names = new ArrayList<>();
        InetAddress literal = IpLiteral.parse(stripBrackets(host));
        boolean anyAltName = false;
        boolean anyIp = false;
        Collection<List<?>> altNames;
        try {
            altNames = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.of("its subjectAltName cannot be parsed: " + e.getMessage());
        }
        if (altNames != null) {
            for (List<?> entry : altNames) {
                int type = (Integer) entry.get(0);
                if (!(entry.get(1) instanceof String value) || (type != DNS && type != URI && type != IP)) {
                    continue;
                }
                anyAltName = true;
                anyIp |= type == IP;
                names.add(value);
                if (literal != null ? type == IP && literal.equals(IpLiteral.parse(value))
                        : type == DNS ? dnsMatches(value, host) : type == URI && sipUriMatches(value, host)) {
                    return Optional.empty();
                }
            }
        }
        if (!anyAltName) {
            String cn = commonName(certificate.getSubjectX500Principal());
            if (cn != null) {
                names.add(cn);
                if (literal == null ? dnsMatches(cn, host) : literal.equals(IpLiteral.parse(cn))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("it names " + (names.isEmpty() ? "no host" : String.join(", ", names)) + ", not "
                + host + (literal != null && !anyIp ? " (an IP address must be an IP subjectAltName)" : ""));
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** A DNS name matches the host, case-insensitively; {@code *.example.org} matches exactly one more label. */
    static boolean dnsMatches(String pattern, String host) {
        String p = trimDot(pattern.toLowerCase(Locale.ROOT));
        String h = trimDot(host.toLowerCase(Locale.ROOT));
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && p.substring(2).indexOf('.') > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return !p.contains("*") && p.equals(h);
    }

    private static boolean sipUriMatches(String uri, String host) {
        String u = uri.toLowerCase(Locale.ROOT);
        return u.startsWith("sip:") && !u.contains("@") && dnsMatches(u.substring(4), host);
    }

    private static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String commonName(X500Principal subject) {
        try {
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(subject.getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
        return null;
    }
}
