package net.sippunch.agent.proxy;

import java.util.Locale;
import javax.sip.address.SipURI;
import javax.sip.address.URI;

/**
 * Who the proxy is: the SIP domain it serves (and its digest realm), and the address and port it listens on.
 * Requests for {@code user@domain} (or {@code user@host:port} of the proxy itself) are resolved through the
 * registrar's bindings; a Route naming {@code host:port} is the proxy's own and is removed.
 */
public record ProxyDomain(String domain, String host, int port) {

    public ProxyDomain {
        domain = domain.toLowerCase(Locale.ROOT);
    }

    /** The digest realm: the domain. */
    public String realm() {
        return domain;
    }

    /** The address-of-record key of a user of this domain. */
    public String aor(String user) {
        return user + "@" + domain;
    }

    /** True for the domain name and for the proxy's own address. */
    public boolean isLocalDomain(String uriHost) {
        return uriHost != null && (domain.equalsIgnoreCase(uriHost) || host.equals(uriHost));
    }

    /** True when the request URI names a user this proxy resolves (in its domain, or at its own address). */
    public boolean resolvesHere(URI uri) {
        if (!(uri instanceof SipURI sip)) {
            return false;
        }
        return domain.equalsIgnoreCase(sip.getHost()) || isProxy(sip);
    }

    /** True when the URI is the proxy's own {@code host:port} (a Route or Record-Route of this proxy). */
    public boolean isProxy(URI uri) {
        if (!(uri instanceof SipURI sip)) {
            return false;
        }
        int p = sip.getPort() > 0 ? sip.getPort() : 5060;
        return p == port && (host.equals(sip.getHost()) || domain.equalsIgnoreCase(sip.getHost()));
    }
}
