package net.sippunch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import net.sippunch.agent.media.dtls.DtlsCertificate;
import net.sippunch.traversal.punch.PunchConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                sip: {listenPort: 5070, transprt: udp, foo: {bar: 1}}
                sip2: {listenPort: 5070}
                policy: {rules: [{caller: "sip:*", action: accept, colour: red}]}
                colour: blue
                """, "test"));
        assertEquals(List.of("unknown key 'pasword' under account", "unknown key 'transprt' under sip",
                "unknown key 'foo' under sip", "unknown key 'sip2'", "unknown key 'colour' under policy.rules[0]",
                "unknown key 'colour'"), e.problems(), e.getMessage());
    }

    @Test
    void everyWrongTypeIsListedWithItsKeyPathTogetherWithTheOtherProblems() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {domain: example.org, register: maybe}
                sip: {listenPort: lots, keepaliveSeconds: [25], userAgent: {name: x}}
                media: {portMin: 40000.5, tone: {frequency: loud}, codecs: pcmu}
                policy: {rules: [{caller: "sip:*", action: refuse, status: refuse}, 7]}
                calls: [{target: "sip:bob@example.org", repeat: twice}]
                timeouts: {invite: 0}
                whatever: 1
                """, "test"));
        assertEquals(List.of(
                "account.register: expected true or false, got text 'maybe'",
                "sip.listenPort: expected a whole number, got text 'lots'",
                "sip.keepaliveSeconds: expected a whole number, got a list",
                "sip.userAgent: expected text, got a mapping",
                "media.portMin: expected a whole number, got 40000.5",
                "media.tone.frequency: expected a number, got text 'loud'",
                "media.codecs: expected a list, got text 'pcmu'",
                "policy.rules[0].status: expected a whole number, got text 'refuse'",
                "policy.rules[1]: expected a mapping, got 7",
                "calls[0].repeat: expected a whole number, got text 'twice'",
                "unknown key 'whatever'",
                "account.user: missing",
                "timeouts.invite: must be positive, is 0"), e.problems(), e.getMessage());
        assertTrue(e.getMessage().startsWith("test: 13 problem(s):"), e.getMessage());
    }

    @Test
    void aNumberTooLargeNamesItsKeyAndSaysOutOfRange() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                sip: {listenPort: 99999999999}
                media: {portMax: 123456789012345678901234567890, tone: {frequency: 1e400}}
                """, "test"));
        assertEquals(List.of("sip.listenPort: number out of range: 99999999999",
                "media.portMax: number out of range: 123456789012345678901234567890",
                "media.tone.frequency: number out of range: 1E+400"), e.problems(), e.getMessage());
    }

    @Test
    void aYamlSyntaxErrorIsReportedWithLineAndColumn() {
        ConfigException flow = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account: {user: alice, domain: example.org\nsip: [listenPort: 5\n", "test"));
        assertEquals(1, flow.problems().size(), flow.getMessage());
        assertTrue(flow.problems().get(0).startsWith("YAML syntax error at line 2, column 4: expected ',' or '}'"),
                flow.getMessage());
        assertTrue(flow.problems().get(0).endsWith("(while parsing a flow mapping at line 1, column 10)"),
                flow.getMessage());
        ConfigException tab = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account:\n  user: alice\n\tdomain: example.org\n", "test"));
        assertEquals(1, tab.problems().size(), tab.getMessage());
        assertTrue(tab.problems().get(0).startsWith("YAML syntax error at line 3, column 1: "), tab.getMessage());
        assertTrue(tab.problems().get(0).contains("TAB"), tab.getMessage());
    }

    @Test
    void duplicateKeysAreRejectedWithTheirLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org, user: bob}
                sip:
                  listenPort: 5070
                  listenPort: 5080
                sip: {listenPort: 5090}
                """, "test"));
        assertEquals(List.of("duplicate key 'user' under account (line 1)",
                "duplicate key 'listenPort' under sip (line 4)", "duplicate key 'sip' (line 5)"),
                e.problems(), e.getMessage());
    }

    @Test
    void aSecondYamlDocumentIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account: {user: alice, domain: example.org}\n---\nsip: {listenPort: 5070}\n", "test"));
        assertEquals(List.of("a second YAML document at line 3: one config per file"), e.problems(), e.getMessage());
    }

    @Test
    void maxCallsDefaultsToTheMediaRangeAndMustFitInIt() throws Exception {
        String base = "account: {user: bob, domain: example.org}\nmedia: {portMin: 40001, portMax: 40010}\n";
        assertEquals(4, ConfigLoader.parse(base, "test").maxCalls(), "even ports 40002..40008 (each with its odd "
                + "neighbour)");
        assertEquals(3, ConfigLoader.parse(base + "policy: {maxCalls: 3}\n", "test").maxCalls());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(base + "policy: {maxCalls: 5}\n", "test"));
        assertEquals(List.of("policy.maxCalls: must be 1..4 (one media port per call in 40001..40010), is 5"),
                e.problems(), e.getMessage());
    }

    @Test
    void everyInvalidValueIsListedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: "a b", registerExpires: 5, registerMinRefresh: 0, realm: " ", proxy: "sip:host:99999"}
                sip: {listenAddress: not-an-ip, transport: sctp, keepalive: sometimes}
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
    void encryptionIsOffByDefaultAndSdesOrDtlsSrtpIsTaken() throws Exception {
        AgentConfig none = ConfigLoader.parse("account: {user: alice, domain: example.org}\n", "test");
        assertEquals("none", none.media().encryption());
        assertEquals(false, none.media().encryptionRequired());
        AgentConfig sdes = ConfigLoader.parse("account: {user: alice, domain: example.org}\n"
                + "media: {encryption: sdes, encryptionRequired: true}\n", "test");
        assertTrue(sdes.media().sdes());
        assertTrue(sdes.media().encryptionRequired());
        AgentConfig dtls = ConfigLoader.parse("account: {user: alice, domain: example.org}\n"
                + "media: {encryption: dtls-srtp, encryptionRequired: true}\n", "test");
        assertTrue(dtls.media().dtlsSrtp());
        assertNull(dtls.media().dtlsCertificate(), "generated at start");
        assertEquals(10000, dtls.media().dtlsTimeoutMillis());
        ConfigException both = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account: {user: alice, domain: example.org}\n"
                        + "media: {encryption: zrtp, encryptionRequired: yes please}\n", "test"));
        assertEquals(2, both.problems().size(), both.getMessage());
        assertTrue(both.problems().stream().anyMatch(p -> p.equals("media.encryption: unknown value zrtp (known: "
                + "none, sdes, dtls-srtp)")), both.getMessage());
        assertTrue(both.problems().stream().anyMatch(p -> p.startsWith("media.encryptionRequired:")),
                both.getMessage());
    }

    @Test
    void dtlsCertificateFilesMustBothBeGivenLoadAndMatch(@TempDir Path dir) throws Exception {
        DtlsCertificate a = DtlsCertificate.generate(new SecureRandom());
        a.writePem(dir.resolve("a.pem"), dir.resolve("a.key"));
        DtlsCertificate.generate(new SecureRandom()).writePem(dir.resolve("b.pem"), dir.resolve("b.key"));
        String account = "account: {user: alice, domain: example.org}\n";
        AgentConfig ok = ConfigLoader.parse(account + "media: {encryption: dtls-srtp, dtlsCertificate: " + dir
                + "/a.pem, dtlsKey: " + dir + "/a.key, dtlsTimeoutMillis: 3000}\n", "test");
        assertEquals(dir + "/a.pem", ok.media().dtlsCertificate());
        assertEquals(3000, ok.media().dtlsTimeoutMillis());

        ConfigException half = assertThrows(ConfigException.class, () -> ConfigLoader.parse(account
                + "media: {encryption: dtls-srtp, dtlsCertificate: " + dir + "/a.pem, dtlsTimeoutMillis: 10}\n",
                "test"));
        assertEquals(List.of("media.dtlsCertificate and media.dtlsKey: give both (a PEM certificate and its private "
                + "key), or neither (a certificate is generated at start)",
                "media.dtlsTimeoutMillis: must be 1000..60000, is 10"), half.problems(), half.getMessage());
        ConfigException mismatch = assertThrows(ConfigException.class, () -> ConfigLoader.parse(account
                + "media: {encryption: dtls-srtp, dtlsCertificate: " + dir + "/a.pem, dtlsKey: " + dir
                + "/b.key}\n", "test"));
        assertEquals(List.of("media.dtlsKey: " + dir + "/b.key is not the key of media.dtlsCertificate " + dir
                + "/a.pem"), mismatch.problems(), mismatch.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.parse(account
                + "media: {encryption: dtls-srtp, dtlsCertificate: " + dir + "/none.pem, dtlsKey: " + dir
                + "/a.key}\n", "test"));
        assertTrue(missing.problems().get(0).startsWith("media.dtlsCertificate: cannot read " + dir + "/none.pem"),
                missing.getMessage());
        ConfigException unused = assertThrows(ConfigException.class, () -> ConfigLoader.parse(account
                + "media: {encryption: sdes, dtlsCertificate: " + dir + "/a.pem, dtlsKey: " + dir + "/a.key}\n",
                "test"));
        assertEquals(List.of("media.dtlsCertificate, media.dtlsKey: need media.encryption: dtls-srtp, is sdes"),
                unused.problems());
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
    void anEmptyFileOrAListIsOneClearProblem() {
        ConfigException empty = assertThrows(ConfigException.class, () -> ConfigLoader.parse("", "test"));
        assertEquals(List.of("empty config"), empty.problems(), empty.getMessage());
        ConfigException list = assertThrows(ConfigException.class, () -> ConfigLoader.parse("- a\n- b\n", "test"));
        assertEquals(List.of("the config: expected a mapping, got a list"), list.problems(), list.getMessage());
    }

    @Test
    void directoriesThatCannotBeCreatedAreStartUpErrorsNamingKeyAndPath(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                media: {recordDir: %s}
                report: {dir: %s}
                """.formatted(file.resolve("recordings"), file), "test"));
        assertEquals(List.of("media.recordDir: cannot create directory " + file.resolve("recordings") + ": " + file
                        + " is not a directory",
                "report.dir: " + file + " is not a directory"), e.problems(), e.getMessage());
        // a directory still to be made is fine, and the check makes nothing
        AgentConfig ok = ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                media: {recordDir: %s}
                report: {dir: %s}
                """.formatted(dir.resolve("new/recordings"), dir), "test");
        assertEquals(dir.resolve("new/recordings").toString(), ok.media().recordDir());
        assertFalse(Files.exists(dir.resolve("new")));
    }

    @Test
    void hostNamesThatDoNotResolveAreNamedWithTheirKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org, proxy: nosuchhost.invalid,
                          registrar: "sip:registrar.nosuchhost.invalid:5070"}
                discovery: {servers: ["127.0.0.1:3478", "stun.nosuchhost.invalid:3478"]}
                """, "test"));
        assertEquals(List.of("account.proxy: cannot resolve host 'nosuchhost.invalid'",
                "account.registrar: cannot resolve host 'registrar.nosuchhost.invalid'",
                "discovery.servers[1]: cannot resolve host 'stun.nosuchhost.invalid'"), e.problems(), e.getMessage());
    }

    @Test
    void listenAddressesMustBeOnThisMachine() throws Exception {
        String notHere = "198.51.100.7"; // TEST-NET-2 (RFC 5737)
        assertNull(NetworkInterface.getByInetAddress(InetAddress.getByName(notHere)), notHere + " is on this machine");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                sip: {listenAddress: %s}
                media: {localAddress: %s}
                """.formatted(notHere, notHere), "test"));
        assertEquals(List.of("sip.listenAddress: " + notHere + " is not an address of this machine"
                        + " (Cannot assign requested address)",
                "media.localAddress: " + notHere + " is not an address of this machine"
                        + " (Cannot assign requested address)"), e.problems(), e.getMessage());
    }

    @Test
    void sipHostPortAcceptsTheUsualSpellings() {
        assertEquals(new SipHostPort("proxy.example.org", 5060), SipHostPort.parse("sip:proxy.example.org").orElseThrow());
        assertEquals(new SipHostPort("10.0.0.1", 5080), SipHostPort.parse("10.0.0.1:5080").orElseThrow());
        assertEquals(new SipHostPort("bob.example", 5060), SipHostPort.parse("sip:bob@bob.example;transport=udp").orElseThrow());
        assertEquals(new SipHostPort("::1", 5062), SipHostPort.parse("sip:[::1]:5062").orElseThrow());
        assertEquals(new SipHostPort("proxy.example.org", 5061), SipHostPort.parse("sips:proxy.example.org").orElseThrow());
        assertEquals(new SipHostPort("proxy.example.org", 5061),
                SipHostPort.parse("sip:proxy.example.org", 5061).orElseThrow());
        assertEquals(new SipHostPort("proxy.example.org", 5070),
                SipHostPort.parse("sips:proxy.example.org:5070", 5060).orElseThrow());
        assertTrue(SipHostPort.secure("SIPS:proxy.example.org"));
        assertTrue(SipHostPort.parse("sip:host:0").isEmpty());
        assertTrue(SipHostPort.parse("sip:ho st").isEmpty());
        assertTrue(SipHostPort.parse("").isEmpty());
    }

    @Test
    void punchSectionDefaultsToTheEnginesDefaults() throws Exception {
        AgentConfig c = ConfigLoader.parse("account: {user: alice, domain: example.org}\n", "test");
        assertEquals(PunchConfig.defaults(), c.punch().engine());
        assertEquals(PunchConfig.defaults(), ConfigLoader.load(Path.of("..", "conf", "agent.example.yaml")).punch()
                .engine());
    }

    @Test
    void punchValuesReachTheEnginesConfig() throws Exception {
        AgentConfig c = ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                punch:
                  schedule: method
                  initialWaitMillis: 300
                  initialWaitRtts: 3.5
                  initialWaitFloorMillis: 30
                  probeIntervalMillis: 40
                  windowBelow: 8
                  windowAbove: 24
                  sweepRate: 200
                  maxProbes: 4000
                  birthdaySockets: 128
                  birthdayRefreshMillis: 9000
                  randomPortLow: 2048
                  giveUpMillis: 15000
                  driftAim: 0.25
                  settleLingerMillis: 1000
                  consentIntervalMillis: 4000
                  consentTimeoutMillis: 20000
                """, "test");
        long ms = 1_000_000L;
        assertEquals(new PunchConfig(PunchConfig.Schedule.METHOD, 300 * ms, 3.5, 30 * ms, 40 * ms, 8, 24, 200, 4000,
                128, 9000 * ms, 2048, 15000 * ms, 0.25, 1000 * ms, 4000 * ms, 20000 * ms, false), c.punch().engine());
        // a key left out keeps the engine's default
        AgentConfig one = ConfigLoader.parse("account: {user: alice, domain: example.org}\npunch: {maxProbes: 500}\n",
                "test");
        assertEquals(500, one.punch().engine().maxProbes());
        assertEquals(PunchConfig.defaults().giveUpNanos(), one.punch().engine().giveUpNanos());
    }

    @Test
    void everyPunchValueOutOfRangeIsListedWithItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                account: {user: alice, domain: example.org}
                punch:
                  schedule: fast
                  initialWaitMillis: 100
                  initialWaitRtts: 0
                  initialWaitFloorMillis: 150
                  probeIntervalMillis: 0
                  windowBelow: 3000
                  windowAbove: 2000
                  sweepRate: 5000
                  maxProbes: 0
                  birthdaySockets: 2000
                  randomPortLow: 70000
                  giveUpMillis: 4000000
                  driftAim: 1.5
                  consentIntervalMillis: 5000
                  consentTimeoutMillis: 5000
                  sha256: true
                """, "test"));
        assertEquals(List.of("unknown key 'sha256' under punch",
                "punch.schedule: must be one of [adaptive, method], is fast",
                "punch.initialWaitRtts: must be above 0 and at most 100 round trips, is 0.0",
                "punch.initialWaitFloorMillis: must be 0..punch.initialWaitMillis (100), is 150",
                "punch.probeIntervalMillis: must be 1..3600000, is 0",
                "punch.windowBelow/windowAbove: the window must be at most 4096 ports wide, is 5000",
                "punch.sweepRate: must be 1..2000, is 5000",
                "punch.maxProbes: must be 1..100000, is 0",
                "punch.birthdaySockets: must be 1..1024, is 2000",
                "punch.randomPortLow: must be 1..65000, is 70000",
                "punch.giveUpMillis: must be 1..3600000, is 4000000",
                "punch.driftAim: must be 0..1, is 1.5",
                "punch.consentTimeoutMillis: must be above punch.consentIntervalMillis (5000), is 5000"),
                e.problems(), e.getMessage());
    }

    @Test
    void metricsListenIsAnAddressOfThisMachineWithAPort() throws Exception {
        String base = "account: {user: alice, domain: example.org}\n";
        assertNull(ConfigLoader.parse(base, "test").metrics().listen(), "off by default");
        assertEquals(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 9464),
                ConfigLoader.parse(base + "metrics: {listen: \"127.0.0.1:9464\"}\n", "test").metrics().address()
                        .orElseThrow());
        for (String bad : List.of("127.0.0.1", "localhost:9464", "127.0.0.1:0", "127.0.0.1:70000", "::1:9464")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.parse(base + "metrics: {listen: \"" + bad + "\"}\n", "test"));
            assertEquals(List.of("metrics.listen: not IP:PORT (port 1..65535, [IPv6]:PORT): " + bad), e.problems());
        }
        ConfigException elsewhere = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(base + "metrics: {listen: \"198.51.100.7:9464\"}\n", "test"));
        assertTrue(elsewhere.problems().get(0).startsWith("metrics.listen: 198.51.100.7 is not an address of this"),
                elsewhere.getMessage());
    }

    @Test
    void turnIsOffByDefaultAndTakesOneKindOfCredentials() throws Exception {
        String base = "account: {user: alice, domain: example.org}\n"
                + "discovery: {servers: [\"198.18.0.21:3478\"]}\n";
        AgentConfig off = ConfigLoader.parse(base, "test");
        assertEquals(new AgentConfig.Turn(List.of(), "udp", null, null, null, 86400, 5000, 4000), off.turn());
        assertEquals(false, off.turn().enabled());
        AgentConfig longTerm = ConfigLoader.parse(base
                + "turn: {servers: [\"198.18.0.30:3478\"], username: relay, password: s3cret}\n", "test");
        assertEquals(true, longTerm.turn().enabled());
        assertEquals("relay", longTerm.turn().username());
        AgentConfig rest = ConfigLoader.parse(base
                + "turn: {servers: [\"198.18.0.30:3478\"], secret: shared, credentialSeconds: 3600}\n", "test");
        assertEquals("shared", rest.turn().secret());
        assertEquals(3600, rest.turn().credentialSeconds());
        assertEquals(4000, rest.turn().afterMillis(), "the default");
    }

    @Test
    void turnProblemsAreListedTogether() {
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "account: {user: alice, domain: example.org}\n"
                        + "turn: {servers: [\"relay.invalid\", \"198.18.0.30:3478\"], transport: tcp, username: u,"
                        + " password: p, secret: s, credentialSeconds: 5, timeoutMillis: 0, afterMillis: -1}\n", "test"));
        List<String> keys = List.of("turn.servers[0]:", "turn.transport:", "turn.password/secret:",
                "turn.credentialSeconds:", "turn.timeoutMillis:", "turn.afterMillis:",
                "turn.servers: needs discovery.servers");
        for (String key : keys) {
            assertTrue(bad.problems().stream().anyMatch(p -> p.startsWith(key)), key + " missing in\n"
                    + bad.getMessage());
        }
        String base = "account: {user: alice, domain: example.org}\n"
                + "discovery: {servers: [\"198.18.0.21:3478\"]}\n";
        ConfigException noCredentials = assertThrows(ConfigException.class, () -> ConfigLoader.parse(base
                + "turn: {servers: [\"198.18.0.30:3478\"], username: u}\n", "test"));
        assertEquals(List.of("turn: needs username and password, or secret"), noCredentials.problems());
        ConfigException noServer = assertThrows(ConfigException.class, () -> ConfigLoader.parse(base
                + "turn: {secret: s}\n", "test"));
        assertEquals(List.of("turn.servers: empty, but credentials are set (the relay is off without a server)"),
                noServer.problems());
        ConfigException colon = assertThrows(ConfigException.class, () -> ConfigLoader.parse(base
                + "turn: {servers: [\"198.18.0.30:3478\"], secret: s, username: \"a:b\"}\n", "test"));
        assertEquals(List.of("turn.username: the user part of a time-limited user name, without ':', is a:b"),
                colon.problems());
    }
}
