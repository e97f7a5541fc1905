package net.sippunch.agent.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.ListIterator;
import java.util.Map;
import java.util.random.RandomGenerator;
import javax.sip.InvalidArgumentException;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.sip.DigestCredentials;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The registrar (RFC 3261 section 10.3): turns a REGISTER into changes of the {@link BindingTable} and the
 * response to send. Expiry from the Contact's {@code expires} parameter, else the Expires header, else the
 * default; capped at the maximum. With passwords it challenges with digest (MD5, qop auth) and checks the
 * answer; without, everyone may register. Time and randomness are arguments; it sends nothing itself.
 */
public final class Registrar {

    private static final Logger LOG = LogManager.getLogger(Registrar.class);
    private static final long NONCE_LIFETIME_NANOS = 300_000_000_000L;
    private static final int MAX_NONCES = 4096;

    private final BindingTable table;
    private final ProxyDomain domain;
    private final Map<String, String> passwords;
    private final int defaultExpires;
    private final int maxExpires;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final AddressFactory addresses;
    private final RandomGenerator random;
    private final Map<String, Long> nonces = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_NONCES;
        }
    };

    /**
     * @param passwords user to password for digest authentication; empty: no authentication
     */
    public Registrar(BindingTable table, ProxyDomain domain, Map<String, String> passwords, int defaultExpires,
                     int maxExpires, HeaderFactory headers, MessageFactory messages, AddressFactory addresses,
                     RandomGenerator random) {
        this.table = table;
        this.domain = domain;
        this.passwords = Map.copyOf(passwords);
        this.defaultExpires = defaultExpires;
        this.maxExpires = maxExpires;
        this.headers = headers;
        this.messages = messages;
        this.addresses = addresses;
        this.random = random;
    }

    /** The response to a REGISTER received at {@code nowNanos}; the table is updated when it is a 200. */
    public synchronized Response register(Request request, long nowNanos) throws ParseException {
        if (!(((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI() instanceof SipURI to)
                || to.getUser() == null) {
            return response(Response.BAD_REQUEST, request, "To is not sip:user@domain");
        }
        if (!domain.isLocalDomain(to.getHost())) {
            return response(Response.FORBIDDEN, request, "Not our domain");
        }
        String aor = domain.aor(to.getUser());
        if (!passwords.isEmpty()) {
            Response challenge = authenticate(request, to.getUser(), nowNanos);
            if (challenge != null) {
                return challenge;
            }
        }
        ExpiresHeader expiresHeader = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
        int requestDefault = expiresHeader != null ? expiresHeader.getExpires() : defaultExpires;
        ListIterator<?> it = request.getHeaders(ContactHeader.NAME);
        while (it.hasNext()) {
            ContactHeader c = (ContactHeader) it.next();
            if (c.isWildCard()) {
                if (requestDefault != 0) {
                    return response(Response.BAD_REQUEST, request, "Contact * needs Expires: 0");
                }
                table.removeAll(aor);
                continue;
            }
            String contact = c.getAddress().getURI().toString();
            int expires = Math.min(maxExpires, c.getExpires() >= 0 ? c.getExpires() : requestDefault);
            if (expires <= 0) {
                table.remove(aor, contact);
                LOG.debug("{} un-registered {}", aor, contact);
            } else {
                table.put(aor, contact, expires, nowNanos);
                LOG.debug("{} registered {} for {} s", aor, contact, expires);
            }
        }
        Response ok = response(Response.OK, request, null);
        for (Binding b : table.lookup(aor, nowNanos)) {
            ContactHeader c = headers.createContactHeader(addresses.createAddress(b.contact()));
            try {
                c.setExpires(b.remainingSeconds(nowNanos));
            } catch (InvalidArgumentException e) {
                throw new IllegalStateException(e);
            }
            ok.addHeader(c);
        }
        return ok;
    }

    /** Null when the request carries a valid answer to one of our nonces; else the 401 to send. */
    private Response authenticate(Request request, String user, long nowNanos) throws ParseException {
        AuthorizationHeader auth = (AuthorizationHeader) request.getHeader(AuthorizationHeader.NAME);
        String password = passwords.get(user);
        if (auth != null && password != null && user.equals(auth.getUsername())
                && domain.realm().equals(auth.getRealm()) && fresh(auth.getNonce(), nowNanos)) {
            String qop = auth.getQop();
            String expected = new DigestCredentials(user, password).answer(
                    new DigestCredentials.Challenge(domain.realm(), auth.getNonce(), "MD5", qop, null),
                    request.getMethod(), auth.getURI().toString(), auth.getCNonce(), auth.getNonceCount()).response();
            String given = auth.getResponse() == null ? "" : auth.getResponse();
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    given.getBytes(StandardCharsets.US_ASCII))) {
                return null;
            }
            LOG.debug("REGISTER of {}: wrong digest response", user);
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String nonce = HexFormat.of().formatHex(bytes);
        nonces.put(nonce, nowNanos);
        Response challenge = response(Response.UNAUTHORIZED, request, null);
        WWWAuthenticateHeader www = headers.createWWWAuthenticateHeader("Digest");
        www.setRealm(domain.realm());
        www.setNonce(nonce);
        www.setAlgorithm("MD5");
        www.setQop("auth");
        challenge.addHeader(www);
        return challenge;
    }

    private boolean fresh(String nonce, long nowNanos) {
        Long issued = nonce == null ? null : nonces.get(nonce);
        return issued != null && nowNanos - issued < NONCE_LIFETIME_NANOS;
    }

    private Response response(int status, Request request, String phrase) throws ParseException {
        Response r = messages.createResponse(status, request);
        if (phrase != null) {
            r.setReasonPhrase(phrase);
        }
        ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
        if (to.getTag() == null) {
            to.setTag(Long.toHexString(random.nextLong()));
        }
        return r;
    }
}
