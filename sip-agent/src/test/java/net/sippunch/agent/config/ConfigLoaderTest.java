package net.sippunch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    @Test
    void exampleFileIsValidAndDocumentsTheDefaults() throws Exception {
        AgentConfig c = ConfigLoader.load(Path.of("..", "conf", "agent.example.yaml"));
        assertEquals("alice", c.account().user());
        assertEquals(600, c.account().registerExpires());
        assertEquals(60, c.account().registerMinRefresh());
        assertEquals(c.account().domain(), c.account().digestRealm());
        assertEquals(5060, c.sip().listenPort());
        assertEquals("crlf", c.sip().keepalive());
        assertEquals(List.of("pcmu", "pcma"), c.media().codecs());
        assertEquals(20, c.media().ptime());
        assertEquals(440.0, c.media().tone().frequency());
        assertEquals("accept", c.policy().action());
        assertEquals(32, c.timeouts().invite());
        // what the example spells out equals what a minimal file gets by default
        AgentConfig minimal = ConfigLoader.parse("account: {user: alice, domain: example.org}\n", "minimal");
        assertEquals(minimal, c);
    }

    @Test
    void unknownKeysAreRejectedEachNamedWithItsPlace() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org, pasword: x}
                sip: {listenPort: 5070, transprt: udp}
                colour: blue
                """, "test"));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().contains("unknown key 'pasword' under account"), e.getMessage());
        assertTrue(e.problems().contains("unknown key 'transprt' under sip"), e.getMessage());
        assertTrue(e.problems().contains("unknown key 'colour' at top level"), e.getMessage());
    }

    @Test
    void everyInvalidValueIsListedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: "a b", registerExpires: 5, registerMinRefresh: 0, realm: " ", proxy: "sip:host:99999"}
                sip: {listenAddress: not-an-ip, transport: tcp, keepalive: sometimes}
                media: {portMin: 5000, portMax: 4000, codecs: [opus], ptime: 30, play: /no/such.wav}
                policy: {action: maybe, rules: [{caller: "sip:*", action: refuse, status: 200}]}
                calls: [{target: "tel:123", durationSeconds: 0}]
                timeouts: {invite: 0}
                """, "test"));
        List<String> expectedKeys = List.of("account.user", "account.domain", "account.proxy",
                "account.registerExpires", "account.registerMinRefresh", "account.realm", "sip.listenAddress",
                "sip.transport", "sip.keepalive",
                "media.portMin/portMax", "media.codecs", "media.ptime", "media.play", "policy.action",
                "policy.rules[0].status", "calls[0].target", "calls[0].durationSeconds", "timeouts.invite");
        for (String key : expectedKeys) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(key + ":")), key + " missing in\n" + e.getMessage());
        }
        assertEquals(expectedKeys.size(), e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("test: 18 problem(s):"), e.getMessage());
    }

    @Test
    void aConfiguredRealmIsTheOneAnswered() throws Exception {
        AgentConfig c = ConfigLoader.parse("account: {user: alice, domain: example.org, realm: auth.example.org,"
                + " registerMinRefresh: 300}\n", "test");
        assertEquals("auth.example.org", c.account().digestRealm());
        assertEquals(300, c.account().registerMinRefresh());
    }

    @Test
    void upnpSectionIsBoundAndChecked() throws Exception {
        AgentConfig on = ConfigLoader.parse("account: {user: alice, domain: example.org}\n"
                + "discovery: {servers: [\"198.18.0.21:3478\"]}\n"
                + "upnp: {enabled: true, leaseSeconds: 600, timeoutMillis: 1500}\n", "test");
        assertEquals(new AgentConfig.Upnp(true, true, 600, 1500), on.upnp());
        assertEquals(new AgentConfig.Upnp(false, true, 3600, 2000),
                ConfigLoader.parse("account: {user: alice, domain: example.org}\n", "test").upnp());
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account: {user: alice, domain: example.org}\n"
                        + "upnp: {enabled: true, leaseSeconds: -1, timeoutMillis: 50}\n", "test"));
        for (String key : List.of("upnp.leaseSeconds", "upnp.timeoutMillis", "upnp.enabled")) {
            assertTrue(bad.problems().stream().anyMatch(p -> p.startsWith(key + ":")), key + " missing in\n"
                    + bad.getMessage());
        }
    }

    @Test
    void discoveryServersNeedTheirPortWrittenOut() throws Exception {
        AgentConfig ok = ConfigLoader.parse("account: {user: alice, domain: example.org}\n"
                + "discovery: {servers: [\"198.18.0.21:3478\", \"[::1]:3479\"]}\n", "test");
        assertEquals(2, ok.discovery().servers().size());
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account: {user: alice, domain: example.org}\n"
                        + "discovery: {servers: [\"198.18.0.21\", \"stun.example.org:x\"]}\n", "test"));
        assertEquals(List.of("discovery.servers[0]: not host:port: 198.18.0.21",
                "discovery.servers[1]: not host:port: stun.example.org:x"), bad.problems(), bad.getMessage());
    }

    @Test
    void wrongTypesAndBrokenYamlGiveAClearError() {
        ConfigException type = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account: {user: alice, domain: example.org}\nsip: {listenPort: lots}\n", "test"));
        assertTrue(type.problems().get(0).startsWith("wrong type at sip.listenPort"), type.getMessage());
        ConfigException yaml = assertThrows(ConfigException.class, () -> ConfigLoader.parse("account: {user: alice\n  domain: \"x\n", "test"));
        assertTrue(yaml.problems().get(0).startsWith("not valid YAML"), yaml.getMessage());
        ConfigException empty = assertThrows(ConfigException.class, () -> ConfigLoader.parse("", "test"));
        assertEquals(1, empty.problems().size(), empty.getMessage());
    }

    @Test
    void sipHostPortAcceptsTheUsualSpellings() {
        assertEquals(new SipHostPort("proxy.example.org", 5060), SipHostPort.parse("sip:proxy.example.org").orElseThrow());
        assertEquals(new SipHostPort("10.0.0.1", 5080), SipHostPort.parse("10.0.0.1:5080").orElseThrow());
        assertEquals(new SipHostPort("bob.example", 5060), SipHostPort.parse("sip:bob@bob.example;transport=udp").orElseThrow());
        assertEquals(new SipHostPort("::1", 5062), SipHostPort.parse("sip:[::1]:5062").orElseThrow());
        assertTrue(SipHostPort.parse("sip:host:0").isEmpty());
        assertTrue(SipHostPort.parse("sip:ho st").isEmpty());
        assertTrue(SipHostPort.parse("").isEmpty());
    }
}
