package net.sippunch.agent.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.sip.DigestCredentials;
import org.junit.jupiter.api.Test;

/** REGISTER handling on parsed messages and a virtual clock: expiry rules, wildcard removal, digest auth. */
class RegistrarTest {

    private static final long SECOND = 1_000_000_000L;
    private final MessageFactoryImpl messages = new MessageFactoryImpl();
    private final HeaderFactoryImpl headers = new HeaderFactoryImpl();
    private final BindingTable table = new BindingTable();
    private final ProxyDomain domain = new ProxyDomain("example.test", "127.0.0.1", 5060);

    private Registrar registrar(Map<String, String> passwords) {
        return new Registrar(table, domain, passwords, 3600, 600, headers, messages, new AddressFactoryImpl(),
                new SplittableRandom(7));
    }

    private Request register(String user, String host, String contactLine, String expiresLine, int cseq)
            throws Exception {
        String text = "REGISTER sip:" + host + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + cseq + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + host + ">;tag=f1\r\n"
                + "To: <sip:" + user + "@" + host + ">\r\n"
                + "Call-ID: reg-1@127.0.0.1\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + contactLine + expiresLine
                + "Content-Length: 0\r\n\r\n";
        return messages.createRequest(text);
    }

    @Test
    void expiryComesFromTheContactThenTheHeaderThenTheDefaultCappedAtTheMaximum() throws Exception {
        Registrar r = registrar(Map.of());
        Response ok = r.register(register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5070>;expires=30\r\n",
                "Expires: 300\r\n", 1), 0);
        assertEquals(200, ok.getStatusCode());
        assertNotNull(((javax.sip.header.ToHeader) ok.getHeader("To")).getTag());
        assertEquals(30, ((ContactHeader) ok.getHeader(ContactHeader.NAME)).getExpires());

        r.register(register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5070>\r\n", "Expires: 300\r\n", 2), 0);
        assertEquals(300, table.lookup("bob@example.test", 0).get(0).remainingSeconds(0));
        r.register(register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5070>\r\n", "", 3), 0);
        assertEquals(600, table.lookup("bob@example.test", 0).get(0).remainingSeconds(0), "default 3600 capped");
        assertEquals(List.of(), table.lookup("bob@example.test", 600 * SECOND));
    }

    @Test
    void expiresZeroRemovesOneContactAndWildcardRemovesAll() throws Exception {
        Registrar r = registrar(Map.of());
        r.register(register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5070>\r\n", "", 1), 0);
        r.register(register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5072>\r\n", "", 2), 0);
        assertEquals(2, table.lookup("bob@example.test", 0).size());

        Response ok = r.register(register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5070>\r\n",
                "Expires: 0\r\n", 3), SECOND);
        assertEquals(200, ok.getStatusCode());
        assertEquals(List.of("sip:bob@127.0.0.1:5072"),
                table.lookup("bob@example.test", SECOND).stream().map(Binding::contact).toList());

        assertEquals(400, r.register(register("bob", "example.test", "Contact: *\r\n", "Expires: 60\r\n", 4), SECOND)
                .getStatusCode(), "a wildcard needs Expires: 0");
        assertEquals(200, r.register(register("bob", "example.test", "Contact: *\r\n", "Expires: 0\r\n", 5), SECOND)
                .getStatusCode());
        assertEquals(0, table.size(SECOND));
    }

    @Test
    void otherDomainsAreForbidden() throws Exception {
        Response r = registrar(Map.of()).register(register("bob", "elsewhere.test",
                "Contact: <sip:bob@127.0.0.1:5070>\r\n", "", 1), 0);
        assertEquals(403, r.getStatusCode());
        assertEquals(0, table.size(0));
    }

    @Test
    void digestChallengeThenTheRightAnswerRegistersAndAWrongOneIsChallengedAgain() throws Exception {
        Registrar r = registrar(Map.of("bob", "bob-pw"));
        Request first = register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5070>\r\n", "", 1);
        Response challenge = r.register(first, 0);
        assertEquals(401, challenge.getStatusCode());
        assertEquals(0, table.size(0));
        WWWAuthenticateHeader www = (WWWAuthenticateHeader) challenge.getHeader(WWWAuthenticateHeader.NAME);
        assertEquals("example.test", www.getRealm());

        assertEquals(401, r.register(answered(www, "not-the-pw", 2), SECOND).getStatusCode());
        assertEquals(0, table.size(SECOND));
        assertEquals(200, r.register(answered(www, "bob-pw", 3), SECOND).getStatusCode());
        assertEquals(1, table.size(SECOND));
        assertEquals(401, r.register(answered(www, "bob-pw", 4), 301 * SECOND).getStatusCode(), "stale nonce");
    }

    private Request answered(WWWAuthenticateHeader www, String password, int cseq) throws Exception {
        Request retry = register("bob", "example.test", "Contact: <sip:bob@127.0.0.1:5070>\r\n", "", cseq);
        DigestCredentials.Answer a = new DigestCredentials("bob", password).answer(
                new DigestCredentials.Challenge(www.getRealm(), www.getNonce(), www.getAlgorithm(), www.getQop(), null),
                Request.REGISTER, "sip:example.test", "c0ffee", 1);
        AuthorizationHeader auth = headers.createAuthorizationHeader("Digest");
        auth.setUsername("bob");
        auth.setRealm(www.getRealm());
        auth.setNonce(www.getNonce());
        auth.setURI(new AddressFactoryImpl().createURI("sip:example.test"));
        auth.setResponse(a.response());
        auth.setAlgorithm("MD5");
        auth.setQop(a.qop());
        auth.setCNonce(a.cnonce());
        auth.setNonceCount(a.nonceCount());
        retry.addHeader(auth);
        assertTrue(retry.toString().contains("Authorization: Digest"), retry.toString());
        return retry;
    }
}
