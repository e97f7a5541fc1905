package net.sippunch.agent.sip;

import gov.nist.javax.sip.Utils;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.ListIterator;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.sip.InvalidArgumentException;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Answers a 401/407 challenge: a copy of the request with the next CSeq, a new branch and an
 * Authorization or Proxy-Authorization header per challenge. Only challenges for the account's realm are
 * answered: the password is not offered to whoever sends a 401.
 */
public final class DigestAuthorization {

    private final SipEndpoint endpoint;
    private final DigestCredentials credentials;
    private final RandomGenerator random;
    private final String realm;

    /** @param realm the only realm whose challenges are answered */
    public DigestAuthorization(SipEndpoint endpoint, DigestCredentials credentials, RandomGenerator random,
                               String realm) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.random = random;
        this.realm = realm;
    }

    /**
     * The request to send next, or empty when the challenge cannot be answered (no password, a realm other
     * than the account's, an algorithm or qop this code does not speak); the reason is in {@code why}.
     */
    public Optional<Request> answer(Request sent, Response challenge, StringBuilder why) {
        if (credentials == null || credentials.password() == null) {
            why.append("challenged (").append(challenge.getStatusCode()).append(") but no password configured");
            return Optional.empty();
        }
        try {
            Request next = (Request) sent.clone();
            CSeqHeader cseq = (CSeqHeader) next.getHeader(CSeqHeader.NAME);
            cseq.setSeqNumber(cseq.getSeqNumber() + 1);
            ViaHeader via = (ViaHeader) next.getHeader(ViaHeader.NAME);
            via.setBranch(Utils.getInstance().generateBranchId());
            next.removeHeader(AuthorizationHeader.NAME);
            next.removeHeader(ProxyAuthorizationHeader.NAME);
            String uri = next.getRequestURI().toString();
            boolean any = false;
            String foreign = null;
            for (String name : new String[] {WWWAuthenticateHeader.NAME, ProxyAuthenticateHeader.NAME}) {
                ListIterator<?> it = challenge.getHeaders(name);
                while (it.hasNext()) {
                    WWWAuthenticateHeader h = (WWWAuthenticateHeader) it.next();
                    if (!"Digest".equalsIgnoreCase(h.getScheme())) {
                        continue;
                    }
                    if (!realm.equals(h.getRealm())) {
                        foreign = h.getRealm();
                        continue;
                    }
                    DigestCredentials.Challenge c = new DigestCredentials.Challenge(h.getRealm(), h.getNonce(),
                            h.getAlgorithm(), h.getQop(), h.getOpaque());
                    byte[] cn = new byte[8];
                    random.nextBytes(cn);
                    DigestCredentials.Answer a = credentials.answer(c, next.getMethod(), uri,
                            HexFormat.of().formatHex(cn), 1);
                    AuthorizationHeader auth = name.equals(WWWAuthenticateHeader.NAME)
                            ? endpoint.headers().createAuthorizationHeader("Digest")
                            : endpoint.headers().createProxyAuthorizationHeader("Digest");
                    auth.setUsername(credentials.user());
                    auth.setRealm(c.realm());
                    auth.setNonce(c.nonce());
                    auth.setURI(next.getRequestURI());
                    auth.setResponse(a.response());
                    auth.setAlgorithm(a.algorithm());
                    if (c.opaque() != null) {
                        auth.setOpaque(c.opaque());
                    }
                    if (a.qop() != null) {
                        auth.setQop(a.qop());
                        auth.setCNonce(a.cnonce());
                        auth.setNonceCount(a.nonceCount());
                    }
                    next.addHeader(auth);
                    any = true;
                }
            }
            if (!any && foreign != null) {
                why.append("challenged for realm \"").append(foreign).append("\", not the account's realm \"")
                        .append(realm).append("\"; not answered");
                return Optional.empty();
            }
            if (!any) {
                why.append("challenge without a Digest header");
                return Optional.empty();
            }
            return Optional.of(next);
        } catch (ParseException | InvalidArgumentException | IllegalArgumentException e) {
            why.append("cannot answer the challenge: ").append(e.getMessage());
            return Optional.empty();
        }
    }
}
