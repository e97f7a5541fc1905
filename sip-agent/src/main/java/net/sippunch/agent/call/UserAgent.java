package net.sippunch.agent.call;

import gov.nist.javax.sip.message.SIPMessage;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.SipHostPort;
import net.sippunch.agent.media.Codec;
import net.sippunch.agent.media.DtlsSrtpNegotiation;
import net.sippunch.agent.media.MediaPortMapping;
import net.sippunch.agent.media.MediaPortRange;
import net.sippunch.agent.media.NatLearning;
import net.sippunch.agent.media.PlainRtpNegotiation;
import net.sippunch.agent.media.PunchNegotiation;
import net.sippunch.agent.media.SdesNegotiation;
import net.sippunch.agent.media.TurnRelay;
import net.sippunch.agent.media.WavFile;
import net.sippunch.agent.media.dtls.DtlsCertificate;
import net.sippunch.agent.media.dtls.DtlsHandshake;
import net.sippunch.agent.sip.CallIdLabel;
import net.sippunch.agent.sip.DigestAuthorization;
import net.sippunch.agent.sip.DigestCredentials;
import net.sippunch.agent.sip.Registration;
import net.sippunch.agent.sip.SipEndpoint;
import net.sippunch.agent.sip.SipTransport;
import net.sippunch.agent.sip.TlsSettings;
import net.sippunch.agent.sip.TransactionOwner;
import net.sippunch.traversal.netty.NettyTransport;
import net.sippunch.traversal.turn.TurnCredentials;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The agent: one SIP endpoint, its registration and keepalives, and its calls. Built from the config
 * in one place and closed in reverse order: calls hung up, un-REGISTER, SDP preparations ended, timer
 * stopped, stack stopped, each step bounded by {@code timeouts.shutdown}.
 */
public final class UserAgent implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(UserAgent.class);
    private static final int SDP_PREPARATION_THREADS = 4;
    /** Handshakes at once; Bouncy Castle's DTLS blocks a thread per handshake. */
    private static final int HANDSHAKE_THREADS = 16;
    private static final int SDP_PREPARATION_QUEUE = 64;

    private final AgentConfig config;
    private final SipEndpoint endpoint;
    private final ScheduledExecutorService timer;
    private final ExecutorService sdpPreparation = sdpPreparationPool();
    private final ExecutorService cleanup = callEndPool();
    private final EventLoopGroup mediaGroup;
    private final Registration registration;
    private final CallEnvironment env;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    /** Held while an INVITE is admitted against {@code policy.maxCalls}, so that two cannot both take the last room. */
    private final Object admission = new Object();
    /** INVITEs answered 503 since the agent last reached {@code policy.maxCalls}. */
    private final AtomicLong refusedOverCapacity = new AtomicLong();
    private final InviteSources inviteSources;
    private final List<Consumer<CallReport>> listeners = new CopyOnWriteArrayList<>();
    private boolean registered;
    private MediaPortMapping.Plan upnp;
    private NatLearning learning;
    /** Where DTLS handshakes run; null without dtls-srtp. */
    private ExecutorService handshakes;

    private UserAgent(AgentConfig config, SipEndpoint endpoint, ScheduledExecutorService timer,
                      EventLoopGroup mediaGroup, CallEnvironment.Negotiations negotiations, short[] audio,
                      SecureRandom random) {
        this.config = config;
        this.endpoint = endpoint;
        this.timer = timer;
        this.mediaGroup = mediaGroup;
        AgentConfig.Account account = config.account();
        DigestAuthorization authorization = new DigestAuthorization(endpoint,
                account.password() == null ? null : new DigestCredentials(account.digestUser(), account.password()),
                random, account.digestRealm());
        this.registration = new Registration(endpoint, account, authorization, timer, random);
        this.inviteSources = InviteSources.of(config);
        AgentConfig.Media m = config.media();
        try {
            this.env = new CallEnvironment(endpoint, config, timer, sdpPreparation, cleanup,
                    new MediaPortRange(mediaGroup, InetAddress.getByName(m.localAddress()), m.portMin(), m.portMax(),
                            random),
                    negotiations, authorization, new CallPolicy(config.policy()), audio,
                    m.recordDir() == null ? null : Path.of(m.recordDir()), random, this::ended);
        } catch (IOException e) {
            throw new IllegalArgumentException("media.localAddress: " + e.getMessage(), e);
        }
        endpoint.handle(Request.INVITE, this::onInvite);
        endpoint.handle(Request.ACK, this::onAck);
        endpoint.handle(Request.BYE, this::onBye);
        endpoint.handle(Request.CANCEL, this::onCancel);
        endpoint.handle(Request.OPTIONS, this::onOptions);
    }

    /** Starts the SIP stack and the keepalives of a validated config (plain media mode). */
    public static UserAgent start(AgentConfig config) throws SipException, IOException {
        return start(config, null);
    }

    /**
     * Starts the agent with another media negotiation (the NAT traversal mode plugs in here).
     *
     * @param negotiations creates each call's negotiation on its media port; null: plain SDP and symmetric RTP
     */
    public static UserAgent start(AgentConfig config, CallEnvironment.Negotiations negotiations)
            throws SipException, IOException {
        AgentConfig.Sip sip = config.sip();
        AgentConfig.Account account = config.account();
        AgentConfig.Media m = config.media();
        // the files and values first, so that a failure leaves nothing running
        short[] audio;
        try {
            audio = m.play() != null ? WavFile.read(Path.of(m.play()))
                    : WavFile.tone(m.tone().frequency(), 1.0, m.tone().amplitude());
        } catch (IOException e) {
            throw new IOException("media.play: " + e.getMessage(), e);
        }
        List<Codec> codecs = m.codecs().stream().map(c -> Codec.valueOf(c.toUpperCase())).toList();
        DtlsCertificate certificate = !m.dtlsSrtp() ? null : m.dtlsCertificate() != null
                ? DtlsCertificate.load(Path.of(m.dtlsCertificate()), Path.of(m.dtlsKey()))
                : DtlsCertificate.generate(new SecureRandom());
        String proxyText = account.proxy() != null ? account.proxy() : account.registrar();
        SipTransport transport = SipTransport.parse(sip.transport()).orElseThrow();
        SipHostPort proxy = proxyText == null ? null
                : SipHostPort.parse(proxyText, transport.defaultPort()).orElseThrow();
        createDirectory("media.recordDir", m.recordDir());
        createDirectory("report.dir", config.report().dir());
        AgentConfig.Tls tls = sip.tls();
        SipEndpoint endpoint = new SipEndpoint(sip.listenAddress(), sip.listenPort(), proxy, sip.contactAddress(),
                sip.userAgent(), transport, transport != SipTransport.TLS ? null : new TlsSettings(path(tls.caFile()),
                        path(tls.certificateFile()), path(tls.keyFile())));
        // probes, credentials, tie-breakers and transaction ids go on the wire: a cryptographic generator
        SecureRandom random = new SecureRandom();
        EventLoopGroup mediaGroup = NettyTransport.newGroup(m.threads(), "media");
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "agent-timer");
            t.setDaemon(true);
            return t;
        });
        // an ended call cancels its timers (the hour-long maxCall one too): out of the queue at once, or each
        // would hold its call until the hour is up
        timer.setRemoveOnCancelPolicy(true);
        String advertised = m.publicAddress() != null ? m.publicAddress()
                : InetAddress.getByName(m.localAddress()).isAnyLocalAddress() ? endpoint.contactHost() : m.localAddress();
        CallEnvironment.Negotiations plain = (port, caller) ->
                new PlainRtpNegotiation(advertised, port.localAddress().getPort(), codecs, random.nextLong());
        CallEnvironment.Negotiations chosen = negotiations != null ? negotiations : plain;
        MediaPortMapping.Plan upnp = null;
        NatLearning learning = null;
        if (negotiations == null && !config.discovery().servers().isEmpty()) {
            // NAT traversal mode: discovery, the SDP extension and the punch engine on every call
            AgentConfig.Upnp u = config.upnp();
            upnp = u.enabled() ? MediaPortMapping.Plan.open(u.natPmp(), u.leaseSeconds(),
                    Duration.ofMillis(u.timeoutMillis()))
                    : null;
            List<InetSocketAddress> servers = config.discovery().servers().stream().map(PunchNegotiation::server)
                    .toList();
            Duration cap = Duration.ofMillis(config.discovery().timeoutMillis());
            // the NAT's filtering, learned from a spare port now and on a timer: each call's discovery then
            // costs one round trip
            learning = new NatLearning(PunchNegotiation.Settings.discovery(servers, cap), mediaGroup,
                    InetAddress.getByName(m.localAddress()), Duration.ofSeconds(config.discovery().refreshSeconds()),
                    random, timer);
            PunchNegotiation.Settings traversal = new PunchNegotiation.Settings(servers, cap, config.punch().engine(),
                    codecs, Optional.ofNullable(upnp), Optional.of(learning));
            PunchNegotiation.Settings settings = config.turn().enabled()
                    ? traversal.withRelay(relaySettings(config)) : traversal;
            chosen = (port, caller) -> new PunchNegotiation(settings, port, caller, random);
        }
        if (m.sdes()) {
            // SDES-keyed SRTP around either mode: the a=crypto lines and keys are the wrapper's, the rest is the mode's
            CallEnvironment.Negotiations unencrypted = chosen;
            boolean required = m.encryptionRequired();
            chosen = (port, caller) -> new SdesNegotiation(unencrypted.create(port, caller), required, random);
        }
        ExecutorService handshakes = null;
        if (m.dtlsSrtp()) {
            // DTLS-keyed SRTP around either mode: a=fingerprint, a=setup and the handshake on the path are the
            // wrapper's, the rest is the mode's; one certificate for every call
            LOG.info("DTLS-SRTP certificate {}", certificate.fingerprint());
            handshakes = handshakePool();
            DtlsHandshake.warmUp(handshakes, certificate, random).whenComplete((agreed, e) ->
                    LOG.debug("DTLS warm-up handshake: {}", e == null ? (agreed ? "done" : "keys differ") : e.toString()));
            DtlsSrtpNegotiation.Settings dtls = new DtlsSrtpNegotiation.Settings(certificate, m.encryptionRequired(),
                    handshakes, Duration.ofMillis(m.dtlsTimeoutMillis()), random);
            CallEnvironment.Negotiations unencrypted = chosen;
            chosen = (port, caller) -> new DtlsSrtpNegotiation(unencrypted.create(port, caller), port, caller, dtls);
        }
        UserAgent agent = new UserAgent(config, endpoint, timer, mediaGroup, chosen, audio, random);
        agent.handshakes = handshakes;
        agent.upnp = upnp;
        agent.learning = learning;
        if (learning != null) {
            learning.start();
        }
        agent.startKeepalive();
        return agent;
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file);
    }

    /** Creates a configured directory (null: none); the config check made sure it can be. */
    private static void createDirectory(String key, String dir) throws IOException {
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new IOException(key + ": cannot create directory " + dir + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Where an ended call releases its media and writes its report, off the call's lock and the SIP threads:
     * two daemon threads (a UPnP deletion may wait for its cap).
     */
    private static ExecutorService callEndPool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "call-end-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Where the calls' DTLS handshakes run, each blocking its thread until done (Bouncy Castle's handshake is
     * blocking; the media loops only feed it): {@value #HANDSHAKE_THREADS} daemon threads, started on demand; a
     * handshake beyond them waits its turn, its peer's retransmissions covering the wait.
     */
    private static ExecutorService handshakePool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(HANDSHAKE_THREADS, HANDSHAKE_THREADS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "dtls-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * The callee's SDP preparation pool: a few daemon threads, started on demand, with a bounded queue (an
     * INVITE beyond it is answered 503).
     */
    private static ExecutorService sdpPreparationPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(SDP_PREPARATION_THREADS, SDP_PREPARATION_THREADS,
                10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SDP_PREPARATION_QUEUE), r -> {
                    Thread t = new Thread(r, "sdp-preparation-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private void startKeepalive() {
        AgentConfig.Sip sip = config.sip();
        if (endpoint.outboundProxy() == null || "none".equals(sip.keepalive())) {
            return;
        }
        TransactionOwner ignore = new TransactionOwner() {
            @Override
            public void onResponse(ResponseEvent event) {
                // any answer keeps the NAT binding; nothing to do
            }

            @Override
            public void onTimeout(String reason) {
                LOG.debug("keepalive OPTIONS: {}", reason);
            }
        };
        long period = sip.keepaliveSeconds();
        timer.scheduleAtFixedRate(() -> {
            try {
                if ("crlf".equals(sip.keepalive())) {
                    endpoint.sendCrlfKeepalive();
                } else {
                    AgentConfig.Account a = config.account();
                    var aor = endpoint.addresses().createAddress("sip:" + a.user() + "@" + a.domain());
                    var target = endpoint.addresses().createAddress("sip:" + endpoint.outboundProxy());
                    Request options = endpoint.newRequest(Request.OPTIONS, target.getURI(), aor,
                            gov.nist.javax.sip.Utils.getInstance().generateTag(), target, endpoint.newCallId(), 1);
                    endpoint.send(options, ignore);
                }
            } catch (IOException | ParseException | SipException | RuntimeException e) {
                LOG.debug("keepalive not sent: {}", e.toString());
            }
        }, period, period, TimeUnit.SECONDS);
    }

    /**
     * Tells the agent the network changed under it (another NAT or access network, a router that restarted):
     * in NAT traversal mode what it learned of its NAT is dropped and learned again now (calls meanwhile run
     * the whole discovery). An application that sees the network change calls it, then {@link #register()}.
     *
     * @return completes when the NAT has been learned again (at once in plain mode)
     */
    public CompletableFuture<Void> networkChanged() {
        return learning == null ? CompletableFuture.completedFuture(null) : learning.relearn();
    }

    /** Registers (when the config asks for it); completes with the granted expiry. */
    public CompletableFuture<Integer> register() {
        if (!config.account().register()) {
            return CompletableFuture.completedFuture(0);
        }
        return registration.register().thenApply(granted -> {
            synchronized (this) {
                registered = true;
            }
            return granted;
        });
    }

    /** Places a call; the returned call's {@link Call#done()} completes with its report. */
    public Call dial(String target, Call.Options options) {
        OutgoingCall call = new OutgoingCall(env, options);
        synchronized (call) {
            String id = call.dial(target);
            if (call.state() != CallState.ENDED) {
                synchronized (admission) {
                    calls.put(id, call);
                }
            }
        }
        return call;
    }

    /** Calls in progress. */
    public int activeCalls() {
        return calls.size();
    }

    /** Adds a listener told about every ended call (after its report is written). */
    public void onCallEnded(Consumer<CallReport> listener) {
        listeners.add(listener);
    }

    public SipEndpoint endpoint() {
        return endpoint;
    }

    private void ended(Call call) {
        if (call.callId() != null) {
            calls.remove(call.callId(), call);
        }
        long refused = refusedOverCapacity.getAndSet(0);
        if (refused > 0) {
            LOG.warn("below capacity again: {} INVITEs were refused with 503 meanwhile", refused);
        }
        call.done().thenAccept(report -> {
            writeReport(report);
            for (Consumer<CallReport> l : listeners) {
                l.accept(report);
            }
        });
    }

    private void writeReport(CallReport report) {
        if (config.report().dir() == null) {
            return;
        }
        try {
            Path dir = Path.of(config.report().dir());
            Files.createDirectories(dir);
            String name = report.role() + "-" + report.timings().invite() + "-"
                    + CallIdLabel.fileName(report.callId()) + ".json";
            Files.writeString(dir.resolve(name), report.toJson());
        } catch (IOException e) {
            LOG.warn("report not written: {}", e.toString());
        }
    }

    private void onInvite(RequestEvent event, ServerTransaction st) throws SipException, ParseException {
        Request r = event.getRequest();
        String callId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
        SIPMessage raw = (SIPMessage) r;
        if (!inviteSources.admits(raw.getPeerPacketSourceAddress(), raw.getPeerPacketSourcePort())) {
            LOG.info("INVITE from {}:{} refused: calls come through {} (sip.acceptDirectCalls is false)",
                    raw.getPeerPacketSourceAddress(), raw.getPeerPacketSourcePort(), inviteSources.server());
            endpoint.respond(st, endpoint.newResponse(Response.FORBIDDEN, r));
            return;
        }
        if (((ToHeader) r.getHeader(ToHeader.NAME)).getTag() != null) {
            Call call = calls.get(callId);
            if (call != null) {
                call.onReInvite(st); // answered with the session as it is, or 488; 481 outside its dialog
            } else {
                endpoint.respond(st, endpoint.newResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, r));
            }
            return;
        }
        IncomingCall call = new IncomingCall(env);
        int inProgress;
        synchronized (admission) {
            if (calls.containsKey(callId)) {
                return; // a retransmission racing the first
            }
            inProgress = calls.size();
            if (inProgress < config.maxCalls()) {
                calls.put(callId, call);
            }
        }
        if (inProgress >= config.maxCalls()) {
            // refused before any work: a flood beyond capacity costs one parse and one answer per INVITE
            if (refusedOverCapacity.getAndIncrement() == 0) {
                LOG.warn("at capacity: {} calls in progress (policy.maxCalls); INVITEs get 503 until calls end",
                        inProgress);
            }
            LOG.debug("INVITE refused: {} calls in progress (policy.maxCalls)", inProgress);
            endpoint.respond(st, endpoint.newServiceUnavailable(r, "busy: " + inProgress + " calls in progress",
                    env.retryAfterSeconds()));
            return;
        }
        call.onInvite(event, st);
    }

    private void onAck(RequestEvent event, ServerTransaction ignored) {
        if (calls.get(callIdOf(event.getRequest())) instanceof IncomingCall call) {
            call.onAck(event.getRequest());
        }
    }

    private void onBye(RequestEvent event, ServerTransaction st) throws SipException, ParseException {
        Call call = calls.get(callIdOf(event.getRequest()));
        if (call == null) {
            endpoint.respond(st, endpoint.newResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, event.getRequest()));
            return;
        }
        call.onBye(st);
    }

    private void onCancel(RequestEvent event, ServerTransaction st) throws SipException, ParseException {
        if (!(calls.get(callIdOf(event.getRequest())) instanceof IncomingCall call)) {
            endpoint.respond(st, endpoint.newResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, event.getRequest()));
            return;
        }
        call.onCancel(st);
    }

    private void onOptions(RequestEvent event, ServerTransaction st) throws SipException, ParseException {
        Response ok = endpoint.newResponse(Response.OK, event.getRequest());
        ok.addHeader(endpoint.headers().createAllowHeader("INVITE, ACK, BYE, CANCEL, OPTIONS"));
        ok.addHeader(endpoint.headers().createAcceptHeader("application", "sdp"));
        endpoint.respond(st, ok);
    }

    private static String callIdOf(Request r) {
        return ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
    }

    /** Hangs up every call, un-registers, stops the timer and the stack; each step bounded. */
    @Override
    public void close() {
        long bound = config.timeouts().shutdown();
        List<Call> ending = new ArrayList<>(calls.values());
        for (Call call : ending) {
            call.hangup("agent shutting down");
        }
        await(CompletableFuture.allOf(ending.stream().map(Call::done).toArray(CompletableFuture[]::new)), bound,
                "calls to end");
        for (Call call : ending) {
            // its BYE or CANCEL unanswered: ended now, so that its report is written before the loops stop
            call.abandon("agent shutting down: the peer did not answer within " + bound + " s");
        }
        boolean unregister;
        synchronized (this) {
            unregister = registered;
        }
        if (unregister) {
            await(registration.unregister(), bound, "un-REGISTER");
        }
        sdpPreparation.shutdownNow(); // answers still being prepared belong to calls that have ended
        try {
            if (!sdpPreparation.awaitTermination(bound, TimeUnit.SECONDS)) {
                LOG.warn("shutdown: gave up waiting for SDP preparations after {} s", bound);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (learning != null) {
            learning.close();
        }
        if (handshakes != null) {
            handshakes.shutdownNow(); // the calls have ended: their handshakes' transports are closed
        }
        timer.shutdownNow();
        cleanup.shutdown(); // the calls' releases and reports still queued run, on the media loops still up
        try {
            if (!cleanup.awaitTermination(bound, TimeUnit.SECONDS)) {
                LOG.warn("shutdown: gave up waiting for call reports after {} s", bound);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (upnp != null) {
            upnp.close(); // after the calls, whose ends deleted their mappings
        }
        mediaGroup.shutdownGracefully(0, bound, TimeUnit.SECONDS).awaitUninterruptibly(bound, TimeUnit.SECONDS);
        endpoint.close();
    }

    private static void await(CompletableFuture<?> f, long seconds, String what) {
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("shutdown: gave up waiting for {} after {} s", what, seconds);
        } catch (ExecutionException e) {
            LOG.warn("shutdown: {} failed: {}", what, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The TURN relay of {@code turn:}: its servers in their order, and per allocation the long-term credentials
     * or, with a shared secret, time-limited ones made then ({@code <expiry>:<user>}, valid
     * {@code credentialSeconds}).
     */
    static TurnRelay.Settings relaySettings(AgentConfig config) {
        AgentConfig.Turn t = config.turn();
        List<InetSocketAddress> servers = t.servers().stream().map(PunchNegotiation::server).toList();
        Supplier<TurnCredentials> credentials;
        if (t.secret() != null) {
            String user = t.username() != null ? t.username() : config.account().user();
            credentials = () -> TurnCredentials.timeLimited(t.secret(), user,
                    System.currentTimeMillis() / 1000 + t.credentialSeconds());
        } else {
            TurnCredentials fixed = new TurnCredentials(t.username(), t.password());
            credentials = () -> fixed;
        }
        return new TurnRelay.Settings(servers, credentials, Duration.ofMillis(t.timeoutMillis()),
                Duration.ofMillis(t.afterMillis()));
    }
}
