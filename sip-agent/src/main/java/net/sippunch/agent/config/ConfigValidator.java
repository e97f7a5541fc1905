package net.sippunch.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.sippunch.agent.media.dtls.DtlsCertificate;
import net.sippunch.agent.sip.SipTransport;
import net.sippunch.traversal.IpLiteral;

/** The value checks of a bound {@link AgentConfig}: returns every problem, each naming its key. */
final class ConfigValidator {

    private static final Set<String> ACTIONS = Set.of("accept", "refuse");
    private static final Set<String> CODECS = Set.of("pcmu", "pcma");
    private static final Set<String> KEEPALIVES = Set.of("crlf", "options", "none");
    private static final List<String> SCHEDULES = List.of("adaptive", "method");
    private static final int HOUR_MILLIS = 3_600_000;
    private static final int MAX_WINDOW = 4096;

    private ConfigValidator() {
    }

    static List<String> problems(AgentConfig c) {
        List<String> p = new ArrayList<>();
        AgentConfig.Account a = c.account();
        if (a == null) {
            p.add("account: missing (user and domain are required)");
        } else {
            if (blank(a.user())) {
                p.add("account.user: missing");
            } else if (!a.user().matches("[A-Za-z0-9._!~*'()&=+$,;?/%-]+")) {
                p.add("account.user: not a valid SIP user part: " + a.user());
            }
            if (blank(a.domain())) {
                p.add("account.domain: missing");
            } else if (SipHostPort.parse(a.domain()).isEmpty()) {
                p.add("account.domain: not a host name or address: " + a.domain());
            }
            if (a.registrar() != null && SipHostPort.parse(a.registrar()).isEmpty()) {
                p.add("account.registrar: not sip:host[:port]: " + a.registrar());
            }
            if (a.proxy() != null && SipHostPort.parse(a.proxy()).isEmpty()) {
                p.add("account.proxy: not sip:host[:port]: " + a.proxy());
            }
            if (a.registerExpires() < 30 || a.registerExpires() > 86400) {
                p.add("account.registerExpires: must be 30..86400 seconds, is " + a.registerExpires());
            }
            if (a.registerMinRefresh() < 1 || a.registerMinRefresh() > 3600) {
                p.add("account.registerMinRefresh: must be 1..3600 seconds, is " + a.registerMinRefresh());
            }
            if (a.realm() != null && a.realm().isBlank()) {
                p.add("account.realm: blank (leave it out to answer the domain's realm)");
            }
        }
        AgentConfig.Sip s = c.sip();
        ip(p, "sip.listenAddress", s.listenAddress());
        if (s.contactAddress() != null) {
            ip(p, "sip.contactAddress", s.contactAddress());
        }
        if (s.listenPort() < 0 || s.listenPort() > 65535) {
            p.add("sip.listenPort: must be 0..65535, is " + s.listenPort());
        }
        Optional<SipTransport> transport = SipTransport.parse(s.transport());
        if (transport.isEmpty()) {
            p.add("sip.transport: must be one of udp, tcp, tls, is " + s.transport());
        } else if (transport.get() != SipTransport.TLS) {
            if (s.tls().any()) {
                p.add("sip.tls: only used with sip.transport: tls (the transport is " + s.transport() + ")");
            }
            if (a != null && SipHostPort.secure(a.proxy())) {
                p.add("account.proxy: a sips: URI needs sip.transport: tls, the transport is " + s.transport());
            }
            if (a != null && SipHostPort.secure(a.registrar())) {
                p.add("account.registrar: a sips: URI needs sip.transport: tls, the transport is " + s.transport());
            }
        }
        if (s.tls().certificateFile() != null && s.tls().keyFile() == null) {
            p.add("sip.tls.keyFile: missing (sip.tls.certificateFile needs the key of its certificate)");
        }
        if (s.tls().keyFile() != null && s.tls().certificateFile() == null) {
            p.add("sip.tls.certificateFile: missing (sip.tls.keyFile is the key of a certificate)");
        }
        if (!KEEPALIVES.contains(s.keepalive())) {
            p.add("sip.keepalive: must be one of " + KEEPALIVES + ", is " + s.keepalive());
        }
        if (s.keepaliveSeconds() < 1 || s.keepaliveSeconds() > 3600) {
            p.add("sip.keepaliveSeconds: must be 1..3600, is " + s.keepaliveSeconds());
        }
        AgentConfig.Media m = c.media();
        ip(p, "media.localAddress", m.localAddress());
        if (m.publicAddress() != null) {
            ip(p, "media.publicAddress", m.publicAddress());
        }
        if (m.portMin() < 1024 || m.portMax() > 65535 || m.portMin() > m.portMax()) {
            p.add("media.portMin/portMax: need 1024 <= portMin <= portMax <= 65535, are "
                    + m.portMin() + ".." + m.portMax());
        }
        if (m.codecs().isEmpty()) {
            p.add("media.codecs: at least one of " + CODECS + " is needed");
        }
        for (String codec : m.codecs()) {
            if (codec == null || !CODECS.contains(codec.toLowerCase())) {
                p.add("media.codecs: unknown codec " + codec + " (known: " + CODECS + ")");
            }
        }
        if (m.ptime() != 20) {
            p.add("media.ptime: only 20 ms is supported, is " + m.ptime());
        }
        if (m.threads() < 1 || m.threads() > 64) {
            p.add("media.threads: must be 1..64, is " + m.threads());
        }
        if (m.play() != null && !Files.isReadable(Path.of(m.play()))) {
            p.add("media.play: no readable file " + m.play());
        }
        if (m.tone().frequency() < 20 || m.tone().frequency() > 3900) {
            p.add("media.tone.frequency: must be 20..3900 Hz, is " + m.tone().frequency());
        }
        if (m.tone().amplitude() <= 0 || m.tone().amplitude() > 1) {
            p.add("media.tone.amplitude: must be in (0, 1], is " + m.tone().amplitude());
        }
        if (!m.encryption().equals("none") && !m.sdes() && !m.dtlsSrtp()) {
            p.add("media.encryption: unknown value " + m.encryption() + " (known: none, sdes, dtls-srtp)");
        }
        if (m.encryptionRequired() && !m.sdes() && !m.dtlsSrtp()) {
            p.add("media.encryptionRequired: true needs media.encryption: sdes or dtls-srtp, is " + m.encryption());
        }
        dtls(p, m);
        for (int i = 0; i < c.discovery().servers().size(); i++) {
            String server = c.discovery().servers().get(i);
            // a STUN server has no SIP default port: the port must be written out
            Optional<SipHostPort> parsed = SipHostPort.parse(server);
            if (parsed.isEmpty() || !server.trim().endsWith(":" + parsed.get().port())) {
                p.add("discovery.servers[" + i + "]: not host:port: " + server);
            }
        }
        if (c.discovery().timeoutMillis() < 1) {
            p.add("discovery.timeoutMillis: must be positive, is " + c.discovery().timeoutMillis());
        }
        if (c.discovery().refreshSeconds() < 10 || c.discovery().refreshSeconds() > 86400) {
            p.add("discovery.refreshSeconds: must be 10..86400, is " + c.discovery().refreshSeconds());
        }
        AgentConfig.Upnp u = c.upnp();
        if (u.leaseSeconds() < 0 || u.leaseSeconds() > 604800) {
            p.add("upnp.leaseSeconds: must be 0..604800 (0: permanent), is " + u.leaseSeconds());
        }
        if (u.timeoutMillis() < 100 || u.timeoutMillis() > 30000) {
            p.add("upnp.timeoutMillis: must be 100..30000, is " + u.timeoutMillis());
        }
        if (u.enabled() && c.discovery().servers().isEmpty()) {
            p.add("upnp.enabled: needs discovery.servers (the UPnP step belongs to the NAT traversal mode)");
        }
        turn(p, c);
        AgentConfig.Policy pol = c.policy();
        action(p, "policy.action", pol.action());
        status(p, "policy.status", pol.status());
        if (pol.maxCalls() != null && (pol.maxCalls() < 1 || pol.maxCalls() > c.mediaPortCount())) {
            p.add("policy.maxCalls: must be 1.." + c.mediaPortCount() + " (one media port per call in "
                    + m.portMin() + ".." + m.portMax() + "), is " + pol.maxCalls());
        }
        for (int i = 0; i < pol.rules().size(); i++) {
            AgentConfig.Rule r = pol.rules().get(i);
            String key = "policy.rules[" + i + "]";
            if (blank(r.caller())) {
                p.add(key + ".caller: missing");
            }
            action(p, key + ".action", r.action());
            status(p, key + ".status", r.status());
        }
        for (int i = 0; i < c.calls().size(); i++) {
            AgentConfig.PlannedCall call = c.calls().get(i);
            String key = "calls[" + i + "]";
            boolean secure = SipHostPort.secure(call.target());
            if (call.target() == null || !(secure || call.target().regionMatches(true, 0, "sip:", 0, 4))
                    || SipHostPort.parse(call.target()).isEmpty()) {
                p.add(key + ".target: not a sip: or sips: URI: " + call.target());
            } else if (secure && transport.isPresent() && transport.get() != SipTransport.TLS) {
                p.add(key + ".target: a sips: URI needs sip.transport: tls, the transport is " + s.transport());
            }
            if (call.durationSeconds() < 1) {
                p.add(key + ".durationSeconds: must be positive, is " + call.durationSeconds());
            }
            if (call.delaySeconds() < 0) {
                p.add(key + ".delaySeconds: must not be negative, is " + call.delaySeconds());
            }
            if (call.repeat() < 1) {
                p.add(key + ".repeat: must be positive, is " + call.repeat());
            }
        }
        AgentConfig.Timeouts t = c.timeouts();
        positive(p, "timeouts.register", t.register());
        positive(p, "timeouts.invite", t.invite());
        positive(p, "timeouts.firstMedia", t.firstMedia());
        positive(p, "timeouts.maxCall", t.maxCall());
        positive(p, "timeouts.media", t.media());
        positive(p, "timeouts.shutdown", t.shutdown());
        punch(p, c.punch());
        if (c.metrics().listen() != null && c.metrics().address().isEmpty()) {
            p.add("metrics.listen: not IP:PORT (port 1..65535, [IPv6]:PORT): " + c.metrics().listen());
        }
        return p;
    }

    /**
     * The engine's own limits (see {@code PunchConfig}), each named by its key, and at most an hour for a time.
     * What the engine still refuses after these is listed under {@code punch}.
     */
    private static void punch(List<String> p, AgentConfig.Punch k) {
        int before = p.size();
        if (!SCHEDULES.contains(k.schedule())) {
            p.add("punch.schedule: must be one of " + SCHEDULES + ", is " + k.schedule());
        }
        range(p, "punch.initialWaitMillis", k.initialWaitMillis(), 0, HOUR_MILLIS);
        if (!(k.initialWaitRtts() > 0 && k.initialWaitRtts() <= 100)) {
            p.add("punch.initialWaitRtts: must be above 0 and at most 100 round trips, is " + k.initialWaitRtts());
        }
        if (k.initialWaitFloorMillis() < 0 || k.initialWaitFloorMillis() > k.initialWaitMillis()) {
            p.add("punch.initialWaitFloorMillis: must be 0..punch.initialWaitMillis (" + k.initialWaitMillis()
                    + "), is " + k.initialWaitFloorMillis());
        }
        range(p, "punch.probeIntervalMillis", k.probeIntervalMillis(), 1, HOUR_MILLIS);
        range(p, "punch.windowBelow", k.windowBelow(), 0, MAX_WINDOW);
        range(p, "punch.windowAbove", k.windowAbove(), 0, MAX_WINDOW);
        if (k.windowBelow() >= 0 && k.windowAbove() >= 0 && k.windowBelow() + k.windowAbove() > MAX_WINDOW) {
            p.add("punch.windowBelow/windowAbove: the window must be at most " + MAX_WINDOW + " ports wide, is "
                    + (k.windowBelow() + k.windowAbove()));
        }
        range(p, "punch.sweepRate", k.sweepRate(), 1, 2000);
        range(p, "punch.maxProbes", k.maxProbes(), 1, 100_000);
        range(p, "punch.birthdaySockets", k.birthdaySockets(), 1, 1024);
        range(p, "punch.birthdayRefreshMillis", k.birthdayRefreshMillis(), 1, HOUR_MILLIS);
        range(p, "punch.randomPortLow", k.randomPortLow(), 1, 65000);
        range(p, "punch.giveUpMillis", k.giveUpMillis(), 1, HOUR_MILLIS);
        if (!(k.driftAim() >= 0 && k.driftAim() <= 1)) {
            p.add("punch.driftAim: must be 0..1, is " + k.driftAim());
        }
        range(p, "punch.settleLingerMillis", k.settleLingerMillis(), 0, HOUR_MILLIS);
        range(p, "punch.consentIntervalMillis", k.consentIntervalMillis(), 1, HOUR_MILLIS);
        range(p, "punch.consentTimeoutMillis", k.consentTimeoutMillis(), 1, HOUR_MILLIS);
        if (k.consentTimeoutMillis() <= k.consentIntervalMillis()) {
            p.add("punch.consentTimeoutMillis: must be above punch.consentIntervalMillis ("
                    + k.consentIntervalMillis() + "), is " + k.consentTimeoutMillis());
        }
        if (p.size() == before) {
            try {
                k.engine();
            } catch (IllegalArgumentException e) {
                p.add("punch: " + e.getMessage());
            }
        }
    }

    private static void range(List<String> p, String key, int value, int min, int max) {
        if (value < min || value > max) {
            p.add(key + ": must be " + min + ".." + max + ", is " + value);
        }
    }

    /** The DTLS-SRTP keys: the certificate and key files (both or neither, and they must load), the deadline. */
    private static void dtls(List<String> p, AgentConfig.Media m) {
        boolean files = m.dtlsCertificate() != null || m.dtlsKey() != null;
        if (files && !m.dtlsSrtp()) {
            p.add("media.dtlsCertificate, media.dtlsKey: need media.encryption: dtls-srtp, is " + m.encryption());
        } else if (files && (m.dtlsCertificate() == null || m.dtlsKey() == null)) {
            p.add("media.dtlsCertificate and media.dtlsKey: give both (a PEM certificate and its private key), or "
                    + "neither (a certificate is generated at start)");
        } else if (files) {
            try {
                DtlsCertificate.load(Path.of(m.dtlsCertificate()), Path.of(m.dtlsKey()));
            } catch (IOException | RuntimeException e) {
                p.add(e.getMessage());
            }
        }
        if (m.dtlsTimeoutMillis() < 1000 || m.dtlsTimeoutMillis() > 60000) {
            p.add("media.dtlsTimeoutMillis: must be 1000..60000, is " + m.dtlsTimeoutMillis());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** An IP literal; a name is refused rather than resolved. */
    private static void ip(List<String> p, String key, String value) {
        if (value == null || IpLiteral.parse(value) == null) {
            p.add(key + ": not an IP address: " + value);
        }
    }

    private static void action(List<String> p, String key, String value) {
        if (value == null || !ACTIONS.contains(value)) {
            p.add(key + ": must be one of " + ACTIONS + ", is " + value);
        }
    }

    private static void status(List<String> p, String key, int value) {
        if (value < 400 || value > 699) {
            p.add(key + ": a refusal needs a 4xx, 5xx or 6xx status, is " + value);
        }
    }

    private static void positive(List<String> p, String key, int value) {
        if (value < 1) {
            p.add(key + ": must be positive, is " + value);
        }
    }

    /** The TURN section: servers, one kind of credentials, and what the relay needs of the rest. */
    private static void turn(List<String> p, AgentConfig c) {
        AgentConfig.Turn t = c.turn();
        for (int i = 0; i < t.servers().size(); i++) {
            String server = t.servers().get(i);
            Optional<SipHostPort> parsed = server == null ? Optional.empty() : SipHostPort.parse(server);
            if (parsed.isEmpty() || !server.trim().endsWith(":" + parsed.get().port())) {
                p.add("turn.servers[" + i + "]: not host:port: " + server);
            }
        }
        if (!"udp".equalsIgnoreCase(t.transport())) {
            p.add("turn.transport: only udp is supported, is " + t.transport());
        }
        boolean credentials = t.username() != null || t.password() != null || t.secret() != null;
        if (!t.enabled()) {
            if (credentials) {
                p.add("turn.servers: empty, but credentials are set (the relay is off without a server)");
            }
            return;
        }
        if (t.password() != null && t.secret() != null) {
            p.add("turn.password/secret: set one, not both (secret: coturn's use-auth-secret REST credentials)");
        } else if (t.secret() != null) {
            if (t.secret().isEmpty()) {
                p.add("turn.secret: empty");
            }
            if (t.username() != null && (t.username().isBlank() || t.username().contains(":"))) {
                p.add("turn.username: the user part of a time-limited user name, without ':', is " + t.username());
            }
        } else if (t.password() == null || blank(t.username())) {
            p.add("turn: needs username and password, or secret");
        } else if (t.password().isEmpty()) {
            p.add("turn.password: empty");
        }
        if (t.credentialSeconds() < 60 || t.credentialSeconds() > 604800) {
            p.add("turn.credentialSeconds: must be 60..604800, is " + t.credentialSeconds());
        }
        if (t.timeoutMillis() < 100 || t.timeoutMillis() > 60000) {
            p.add("turn.timeoutMillis: must be 100..60000, is " + t.timeoutMillis());
        }
        if (t.afterMillis() < 0 || t.afterMillis() > 3_600_000) {
            p.add("turn.afterMillis: must be 0..3600000, is " + t.afterMillis());
        }
        if (c.discovery().servers().isEmpty()) {
            p.add("turn.servers: needs discovery.servers (the relay is the NAT traversal mode's last resort)");
        }
    }
}
