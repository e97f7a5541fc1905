package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DigestCredentialsTest {

    @Test
    void rfc2617Example() {
        DigestCredentials mufasa = new DigestCredentials("Mufasa", "Circle Of Life");
        DigestCredentials.Answer a = mufasa.answer(new DigestCredentials.Challenge("testrealm@host.com",
                        "dcd98b7102dd2f0e8b11d0f600bfb0c093", null, "auth,auth-int", "5ccc069c403ebaf9f0171e9517f40e41"),
                "GET", "/dir/index.html", "0a4f113b", 1);
        assertEquals("6629fae49393a05397450978507c4ef1", a.response());
        assertEquals("auth", a.qop());
        assertEquals("00000001", a.nc());
    }

    @Test
    void rfc7616ExamplesMd5AndSha256() {
        DigestCredentials mufasa = new DigestCredentials("Mufasa", "Circle of Life");
        String nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        String opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", mufasa.answer(new DigestCredentials.Challenge(
                "http-auth@example.org", nonce, "MD5", "auth", opaque), "GET", "/dir/index.html", cnonce, 1).response());
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                mufasa.answer(new DigestCredentials.Challenge("http-auth@example.org", nonce, "SHA-256", "auth", opaque),
                        "GET", "/dir/index.html", cnonce, 1).response());
    }

    @Test
    void withoutQopTheResponseIsRfc2069Style() {
        DigestCredentials c = new DigestCredentials("alice", "secret");
        DigestCredentials.Answer a = c.answer(new DigestCredentials.Challenge("example.org", "abc", null, null, null),
                "REGISTER", "sip:example.org", "ignored", 1);
        String ha1 = DigestCredentials.hash("MD5", "alice:example.org:secret");
        String ha2 = DigestCredentials.hash("MD5", "REGISTER:sip:example.org");
        assertEquals(DigestCredentials.hash("MD5", ha1 + ":abc:" + ha2), a.response());
        assertNull(a.qop());
        assertNull(a.cnonce());
    }

    @Test
    void unsupportedAlgorithmOrQopIsAClearError() {
        DigestCredentials c = new DigestCredentials("alice", "secret");
        assertThrows(IllegalArgumentException.class, () -> c.answer(
                new DigestCredentials.Challenge("r", "n", "SHA-512-256", "auth", null), "INVITE", "sip:x", "c", 1));
        assertThrows(IllegalArgumentException.class, () -> c.answer(
                new DigestCredentials.Challenge("r", "n", "MD5", "auth-int", null), "INVITE", "sip:x", "c", 1));
    }
}
