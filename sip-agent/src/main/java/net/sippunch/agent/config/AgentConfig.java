package net.sippunch.agent.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.sippunch.traversal.IpLiteral;
import net.sippunch.traversal.punch.PunchConfig;

/**
 * The whole agent configuration, bound from one YAML file (see {@code conf/agent.example.yaml}, which
 * documents every key). Sections left out take their defaults; unknown keys are rejected.
 */
public record AgentConfig(Account account, Sip sip, Media media, Discovery discovery, Upnp upnp, Policy policy,
                          List<PlannedCall> calls, Report report, Timeouts timeouts, Punch punch, Metrics metrics,
                          Turn turn) {

    public AgentConfig {
        sip = sip != null ? sip : new Sip(null, null, null, null, null, null, null, null, null);
        media = media != null ? media : new Media(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
        discovery = discovery != null ? discovery : new Discovery(null, null, null);
        upnp = upnp != null ? upnp : new Upnp(null, null, null, null);
        policy = policy != null ? policy : new Policy(null, null, null, null);
        calls = calls != null ? List.copyOf(calls) : List.of();
        report = report != null ? report : new Report(null);
        timeouts = timeouts != null ? timeouts : new Timeouts(null, null, null, null, null, null);
        punch = punch != null ? punch : Punch.DEFAULTS;
        metrics = metrics != null ? metrics : new Metrics(null);
        turn = turn != null ? turn : new Turn(null, null, null, null, null, null, null);
    }

    /**
     * The SIP account: address-of-record {@code sip:user@domain} and its credentials.
     *
     * @param realm              the only digest realm challenges are answered for (null: {@code domain})
     * @param registerMinRefresh the earliest refresh after a successful REGISTER, seconds, whatever expiry
     *                           the registrar grants
     */
    public record Account(String user, String domain, String displayName, String authUser, String password,
                          String realm, String registrar, String proxy, Boolean register, Integer registerExpires,
                          Integer registerMinRefresh) {
        public Account {
            register = register != null ? register : Boolean.TRUE;
            registerExpires = registerExpires != null ? registerExpires : 600;
            registerMinRefresh = registerMinRefresh != null ? registerMinRefresh : 60;
        }

        /** The digest realm challenges are answered for: {@code realm}, else {@code domain}. */
        public String digestRealm() {
            return realm != null ? realm : domain;
        }

        /** The user name for digest authentication: {@code authUser}, else {@code user}. */
        public String digestUser() {
            return authUser != null ? authUser : user;
        }
    }

    /**
     * The SIP listening point and keepalives toward the proxy.
     *
     * @param transport {@code udp}, {@code tcp} or {@code tls}
     * @param tls       the TLS files (with {@code transport: tls} only)
     */
    public record Sip(String listenAddress, Integer listenPort, String transport, String contactAddress,
                      String keepalive, Integer keepaliveSeconds, String userAgent, Boolean acceptDirectCalls,
                      Tls tls) {
        public Sip {
            listenAddress = listenAddress != null ? listenAddress : "0.0.0.0";
            listenPort = listenPort != null ? listenPort : 5060;
            transport = transport != null ? transport : "udp";
            keepalive = keepalive != null ? keepalive : "crlf";
            keepaliveSeconds = keepaliveSeconds != null ? keepaliveSeconds : 25;
            userAgent = userAgent != null ? userAgent : "sippunch";
            acceptDirectCalls = acceptDirectCalls != null ? acceptDirectCalls : Boolean.FALSE;
            tls = tls != null ? tls : new Tls(null, null, null);
        }
    }

    /**
     * SIP over TLS: PEM files.
     *
     * @param caFile          the CAs the proxy's or registrar's certificate must chain to (null: the JDK's trust
     *                        store)
     * @param certificateFile the agent's certificate (chain), shown to a server that asks for a client
     *                        certificate and to the peers of incoming TLS connections (null: none)
     * @param keyFile         its unencrypted PKCS#8 private key (with {@code certificateFile})
     */
    public record Tls(String caFile, String certificateFile, String keyFile) {
        /** Whether any key is set. */
        public boolean any() {
            return caFile != null || certificateFile != null || keyFile != null;
        }
    }

    /**
     * The media port range, codecs, what to play and record, and how media is encrypted.
     *
     * @param encryption         {@code none}, {@code sdes} (SRTP keyed by {@code a=crypto}, RFC 4568) or
     *                           {@code dtls-srtp} (SRTP keyed by a DTLS handshake on the media path, RFC 5763/5764)
     * @param encryptionRequired true offers {@code RTP/SAVP} ({@code UDP/TLS/RTP/SAVP} with dtls-srtp) and refuses a
     *                           call without SRTP; false offers {@code RTP/AVP} with the keying's attributes and
     *                           falls back to plain RTP
     * @param dtlsCertificate    with dtls-srtp: a PEM certificate file (null: one is generated at start)
     * @param dtlsKey            its PEM private key file (EC or RSA), given with {@code dtlsCertificate}
     * @param dtlsTimeoutMillis  with dtls-srtp: a handshake's deadline
     */
    public record Media(String localAddress, String publicAddress, Integer portMin, Integer portMax,
                        List<String> codecs, Integer ptime, String play, Tone tone, String recordDir,
                        Integer threads, String encryption, Boolean encryptionRequired, String dtlsCertificate,
                        String dtlsKey, Integer dtlsTimeoutMillis) {
        public Media {
            localAddress = localAddress != null ? localAddress : "0.0.0.0";
            portMin = portMin != null ? portMin : 40000;
            portMax = portMax != null ? portMax : 40999;
            codecs = codecs != null ? List.copyOf(codecs) : List.of("pcmu", "pcma");
            ptime = ptime != null ? ptime : 20;
            tone = tone != null ? tone : new Tone(null, null);
            threads = threads != null ? threads : 2;
            encryption = encryption != null ? encryption : "none";
            encryptionRequired = encryptionRequired != null ? encryptionRequired : Boolean.FALSE;
            dtlsTimeoutMillis = dtlsTimeoutMillis != null ? dtlsTimeoutMillis : 10000;
        }

        /** True when calls offer and accept SDES-keyed SRTP. */
        public boolean sdes() {
            return "sdes".equals(encryption);
        }

        /** True when calls offer and accept DTLS-keyed SRTP. */
        public boolean dtlsSrtp() {
            return "dtls-srtp".equals(encryption);
        }
    }

    /** The number of even ports of the media range whose odd neighbour is in it too: one per call. */
    public int mediaPortCount() {
        int first = media.portMin() + (media.portMin() & 1);
        if (media.portMax() <= first) {
            return media.portMax() == first ? 1 : 0;
        }
        return (media.portMax() - 1 - first) / 2 + 1;
    }

    /** Calls in progress at once: {@code policy.maxCalls}, else one per port of the media range. */
    public int maxCalls() {
        return policy.maxCalls() != null ? policy.maxCalls() : mediaPortCount();
    }

    /** The tone played when no WAV file is configured. */
    public record Tone(Double frequency, Double amplitude) {
        public Tone {
            frequency = frequency != null ? frequency : 440.0;
            amplitude = amplitude != null ? amplitude : 0.3;
        }
    }

    /** Discovery (STUN) servers, {@code host:port}; the punch engine uses them. */
    public record Discovery(List<String> servers, Integer timeoutMillis, Integer refreshSeconds) {
        public Discovery {
            servers = servers != null ? List.copyOf(servers) : List.of();
            timeoutMillis = timeoutMillis != null ? timeoutMillis : 2000;
            refreshSeconds = refreshSeconds != null ? refreshSeconds : 300;
        }
    }

    /**
     * The NAT traversal mode's first step: map the media port on the LAN's UPnP IGD before discovery, so
     * the peer can reach it directly. Off by default (the search multicasts on the LAN and takes time).
     *
     * @param enabled       map the media port of every traversal call
     * @param natPmp        when no UPnP IGD answers the search, ask the default gateway over NAT-PMP
     * @param leaseSeconds  the lease asked for, renewed at half-lease while the call lasts (0: permanent,
     *                      still deleted at call end)
     * @param timeoutMillis the cap of the whole step (search, external address, add, read-back)
     */
    public record Upnp(Boolean enabled, Boolean natPmp, Integer leaseSeconds, Integer timeoutMillis) {
        public Upnp {
            enabled = enabled != null ? enabled : Boolean.FALSE;
            natPmp = natPmp != null ? natPmp : Boolean.TRUE;
            leaseSeconds = leaseSeconds != null ? leaseSeconds : 3600;
            timeoutMillis = timeoutMillis != null ? timeoutMillis : 2000;
        }
    }

    /**
     * What the callee does with an incoming call: the first rule whose caller pattern matches decides.
     *
     * @param maxCalls calls in progress at once (either direction); an INVITE beyond them is answered 503 with
     *                 a Retry-After (null: as many as the media port range has ports)
     */
    public record Policy(String action, Integer status, List<Rule> rules, Integer maxCalls) {
        public Policy {
            action = action != null ? action : "accept";
            status = status != null ? status : 603;
            rules = rules != null ? List.copyOf(rules) : List.of();
        }
    }

    /** One policy rule: a caller pattern (glob over the caller's URI, {@code *} any run) and its action. */
    public record Rule(String caller, String action, Integer status) {
        public Rule {
            status = status != null ? status : 603;
        }
    }

    /** A call the {@code run} command places. */
    public record PlannedCall(String target, Integer durationSeconds, Integer delaySeconds, Integer repeat) {
        public PlannedCall {
            durationSeconds = durationSeconds != null ? durationSeconds : 10;
            delaySeconds = delaySeconds != null ? delaySeconds : 0;
            repeat = repeat != null ? repeat : 1;
        }
    }

    /** Where per-call JSON reports go (null: none written). */
    public record Report(String dir) {
    }

    /** Timeouts, in seconds. */
    public record Timeouts(Integer register, Integer invite, Integer firstMedia, Integer maxCall, Integer shutdown,
                           Integer media) {
        public Timeouts {
            register = register != null ? register : 10;
            invite = invite != null ? invite : 32;
            firstMedia = firstMedia != null ? firstMedia : 5;
            maxCall = maxCall != null ? maxCall : 3600;
            shutdown = shutdown != null ? shutdown : 5;
            media = media != null ? media : 30;
        }
    }

    /**
     * The punch engine's tunables ({@link PunchConfig}, see its components), times in milliseconds; a key left
     * out takes the engine's default. Checked by the loader; {@link #engine()} is the engine's configuration.
     *
     * @param schedule {@code adaptive} (a strategy per NAT pair) or {@code method} (the method as written, a
     *                 baseline)
     */
    public record Punch(String schedule, Integer initialWaitMillis, Double initialWaitRtts,
                        Integer initialWaitFloorMillis, Integer probeIntervalMillis, Integer windowBelow,
                        Integer windowAbove, Integer sweepRate, Integer maxProbes, Integer birthdaySockets,
                        Integer birthdayRefreshMillis, Integer randomPortLow, Integer giveUpMillis, Double driftAim,
                        Integer settleLingerMillis, Integer consentIntervalMillis, Integer consentTimeoutMillis) {

        private static final PunchConfig ENGINE = PunchConfig.defaults();
        private static final long NANOS_PER_MILLI = 1_000_000L;
        static final Punch DEFAULTS = new Punch(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);

        public Punch {
            schedule = schedule != null ? schedule : ENGINE.schedule().name().toLowerCase(Locale.ROOT);
            initialWaitMillis = initialWaitMillis != null ? initialWaitMillis : millis(ENGINE.initialWaitNanos());
            initialWaitRtts = initialWaitRtts != null ? initialWaitRtts : ENGINE.initialWaitRtts();
            initialWaitFloorMillis = initialWaitFloorMillis != null ? initialWaitFloorMillis
                    : millis(ENGINE.initialWaitFloorNanos());
            probeIntervalMillis = probeIntervalMillis != null ? probeIntervalMillis
                    : millis(ENGINE.probeIntervalNanos());
            windowBelow = windowBelow != null ? windowBelow : ENGINE.windowBelow();
            windowAbove = windowAbove != null ? windowAbove : ENGINE.windowAbove();
            sweepRate = sweepRate != null ? sweepRate : ENGINE.sweepRate();
            maxProbes = maxProbes != null ? maxProbes : ENGINE.maxProbes();
            birthdaySockets = birthdaySockets != null ? birthdaySockets : ENGINE.birthdaySockets();
            birthdayRefreshMillis = birthdayRefreshMillis != null ? birthdayRefreshMillis
                    : millis(ENGINE.birthdayRefreshNanos());
            randomPortLow = randomPortLow != null ? randomPortLow : ENGINE.randomPortLow();
            giveUpMillis = giveUpMillis != null ? giveUpMillis : millis(ENGINE.giveUpNanos());
            driftAim = driftAim != null ? driftAim : ENGINE.driftAim();
            settleLingerMillis = settleLingerMillis != null ? settleLingerMillis : millis(ENGINE.settleLingerNanos());
            consentIntervalMillis = consentIntervalMillis != null ? consentIntervalMillis
                    : millis(ENGINE.consentIntervalNanos());
            consentTimeoutMillis = consentTimeoutMillis != null ? consentTimeoutMillis
                    : millis(ENGINE.consentTimeoutNanos());
        }

        /**
         * The engine's configuration; the probe signature stays the engine's default (it is not negotiated, so
         * both sides and standard ICE peers must agree on it).
         *
         * @throws IllegalArgumentException for values the loader would have refused
         */
        public PunchConfig engine() {
            return new PunchConfig(PunchConfig.Schedule.valueOf(schedule.toUpperCase(Locale.ROOT)),
                    nanos(initialWaitMillis), initialWaitRtts, nanos(initialWaitFloorMillis),
                    nanos(probeIntervalMillis), windowBelow, windowAbove, sweepRate, maxProbes, birthdaySockets,
                    nanos(birthdayRefreshMillis), randomPortLow, nanos(giveUpMillis), driftAim,
                    nanos(settleLingerMillis), nanos(consentIntervalMillis), nanos(consentTimeoutMillis),
                    ENGINE.sha256());
        }

        private static int millis(long nanos) {
            return Math.toIntExact(nanos / NANOS_PER_MILLI);
        }

        private static long nanos(int millis) {
            return millis * NANOS_PER_MILLI;
        }
    }

    /**
     * Prometheus metrics over HTTP ({@code GET /metrics}).
     *
     * @param listen {@code IP:PORT} ({@code [IPv6]:PORT}) to serve them on; null: no metrics endpoint
     */
    public record Metrics(String listen) {

        /** The address to serve on, when {@link #listen} is one. */
        public Optional<InetSocketAddress> address() {
            return parse(listen);
        }

        /** {@code IP:PORT} or {@code [IPv6]:PORT} with a port of 1..65535; empty for anything else. */
        static Optional<InetSocketAddress> parse(String text) {
            int colon = text == null ? -1 : text.lastIndexOf(':');
            if (colon <= 0 || !text.substring(colon + 1).matches("[0-9]{1,5}")) {
                return Optional.empty();
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                return Optional.empty();
            }
            InetAddress ip = IpLiteral.parse(host);
            int port = Integer.parseInt(text.substring(colon + 1));
            return ip == null || port < 1 || port > 65535 ? Optional.empty()
                    : Optional.of(new InetSocketAddress(ip, port));
        }
    }

    /**
     * The TURN relay (RFC 8656), the last resort of the NAT traversal mode: used only for a call whose punch
     * gave up (infeasible) or found no direct path within {@code afterMillis} (it then goes on, and a direct path
     * it settles later takes over). Off while {@code servers} is empty (the default).
     *
     * @param servers            TURN servers, {@code host:port} (UDP), in order of preference: one that refuses
     *                           or gives no relayed address within {@code timeoutMillis} is passed over for the next
     * @param transport          to the server: only {@code udp}
     * @param username           the long-term credential's user name; with {@code secret}, the user part of the
     *                           time-limited user name (default: the account's user)
     * @param password           the long-term credential's password (not with {@code secret})
     * @param secret             the shared secret of coturn's {@code use-auth-secret}: time-limited credentials
     *                           ("TURN REST API") are made per call
     * @param credentialSeconds  how long such a credential is valid from the call's start
     * @param timeoutMillis      the cap, per server, from asking it for an allocation to the relayed address being
     *                           signalled
     * @param afterMillis        how long a punch that has not given up runs without a direct path before the
     *                           relay is allocated beside it
     */
    public record Turn(List<String> servers, String transport, String username, String password, String secret,
                       Integer credentialSeconds, Integer timeoutMillis, Integer afterMillis) {
        public Turn {
            servers = servers != null ? List.copyOf(servers) : List.of();
            transport = transport != null ? transport : "udp";
            credentialSeconds = credentialSeconds != null ? credentialSeconds : 86400;
            timeoutMillis = timeoutMillis != null ? timeoutMillis : 5000;
            afterMillis = afterMillis != null ? afterMillis : 4000;
        }

        /** A relay section with {@code afterMillis} at its default. */
        public Turn(List<String> servers, String transport, String username, String password, String secret,
                    Integer credentialSeconds, Integer timeoutMillis) {
            this(servers, transport, username, password, secret, credentialSeconds, timeoutMillis, null);
        }

        /** Whether the relay is configured. */
        public boolean enabled() {
            return !servers.isEmpty();
        }
    }
}
