package net.sippunch.agent.media;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import net.sippunch.agent.media.dtls.DtlsCertificate;
import net.sippunch.agent.media.dtls.DtlsDatagrams;
import net.sippunch.agent.media.dtls.DtlsFailure;
import net.sippunch.agent.media.dtls.DtlsHandshake;
import net.sippunch.agent.media.dtls.Fingerprint;
import net.sippunch.agent.media.dtls.Setup;
import net.sippunch.agent.media.srtp.SrtpKeys;
import net.sippunch.traversal.netty.DatagramSessionDriver;
import net.sippunch.traversal.netty.NettyMediaPort;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * DTLS-keyed SRTP (RFC 5763, RFC 5764) around either mode's negotiation: {@code a=fingerprint}, {@code a=setup}
 * and the audio stream's transport are this class's; the rest of the SDP, and the path, are the wrapped
 * negotiation's, which sees {@code RTP/AVP} in place of {@code UDP/TLS/RTP/SAVP}.
 *
 * <p>Our offer carries our certificate's {@code sha-256} fingerprint and {@code a=setup:actpass}; with encryption
 * required its transport is {@code UDP/TLS/RTP/SAVP}, else {@code RTP/AVP} (best effort). Our answer repeats the
 * offer's transport and takes {@code a=setup:active} to an actpass offer (RFC 5763 section 5: the answerer sends the
 * ClientHello). Once the wrapped negotiation's path is ready the DTLS 1.2 handshake runs on it, on the same socket
 * and 5-tuple as probes and RTP (the media port tells the records apart by their first byte, RFC 7983): in
 * traversal mode when the punch adopted its pair, in plain mode at once for the caller and after the ACK for a
 * callee that is the client (no packet goes to an unconfirmed SDP address before then). {@link #start()}
 * completes after it, with the SRTP keys in {@link #srtp()}.
 *
 * <p>Refused: an offer or answer whose peer certificate does not match its {@code a=fingerprint} (the call ends,
 * whatever the setting), a {@code UDP/TLS/RTP/SAVP} SDP without a usable fingerprint, and with encryption required
 * any SDP without one or a handshake that fails or times out. Best effort goes on with plain RTP when the peer's SDP
 * has no fingerprint or its handshake fails, and {@link #encryption()} says why.
 */
public final class DtlsSrtpNegotiation extends ForwardingNegotiation {

    /** The transport of RFC 5764 section 8, and its feedback variant. */
    static final String DTLS_SAVP = "UDP/TLS/RTP/SAVP";
    private static final String AVP = "RTP/AVP";
    private static final Logger LOG = LogManager.getLogger(DtlsSrtpNegotiation.class);

    /**
     * What every call's DTLS-SRTP shares.
     *
     * @param certificate the agent's certificate
     * @param required    true: offer {@code UDP/TLS/RTP/SAVP} and end a call without SRTP; false: best effort
     * @param handshakes  where the blocking handshakes run
     * @param timeout     a handshake's deadline
     */
    public record Settings(DtlsCertificate certificate, boolean required, Executor handshakes, Duration timeout,
                           SecureRandom random) {
    }

    /** Records that came before the handshake started, at most this many. */
    private static final int EARLY_RECORDS = 16;

    /** A DTLS record that came before the handshake started. */
    private record EarlyRecord(int localPort, InetSocketAddress source, byte[] datagram) {
    }

    /** Only touched on the port's loop. */
    private final Queue<EarlyRecord> early = new ArrayDeque<>();
    private final NettyMediaPort port;
    private final boolean caller;
    private final Settings settings;
    private final CompletableFuture<Void> confirmed = new CompletableFuture<>();
    /** The peer's fingerprint once offer and answer agreed on DTLS-SRTP (null: plain RTP). */
    private volatile Fingerprint peer;
    /** Whether we send the ClientHello. */
    private volatile boolean client;
    /** Our {@code a=setup} in the agreed exchange. */
    private volatile Setup ourSetup = Setup.ACTPASS;
    private volatile boolean secureTransport;
    private volatile String transport = DTLS_SAVP;
    private volatile SrtpKeys keys;
    private volatile DtlsDatagrams datagrams;
    /** Where the handshake's records and the path's events run. */
    private volatile Executor loop;
    private volatile boolean stopped;
    private volatile String encryption = "none (not negotiated)";
    /** What moved or lost the path during and after the handshake, for the call's watch (on the port's loop). */
    private final PathFollower follower = new PathFollower();

    /**
     * @param port   the call's media port, whose path the handshake runs on
     * @param caller true for the side that sent the INVITE
     */
    public DtlsSrtpNegotiation(MediaNegotiation inner, NettyMediaPort port, boolean caller, Settings settings) {
        super(inner);
        this.port = port;
        this.caller = caller;
        this.settings = settings;
    }

    @Override
    public String offer() throws SdpProblem {
        String sdp = inner.offer();
        ourSetup = Setup.ACTPASS;
        keepEarlyRecords(); // actpass: the answerer may open the association at once
        return SdpAudio.withLines(settings.required() ? SdpAudio.withTransport(sdp, DTLS_SAVP) : sdp, ourLines());
    }

    @Override
    public String answer(String offer) throws SdpProblem {
        String offered = SdpAudio.transport(offer);
        boolean secure = isDtlsTransport(offered);
        Optional<Fingerprint> theirs = fingerprint(offer, "offer", secure);
        if (theirs.isEmpty()) {
            String answer = inner.answer(offer);
            encryption = "none (peer offered no a=fingerprint)";
            return answer;
        }
        Setup setup = setup(offer).answer();
        String answer = inner.answer(secure ? SdpAudio.withTransport(offer, plainTransport(offered)) : offer);
        agree(theirs.get(), setup == Setup.ACTIVE, setup, secure, offered);
        return SdpAudio.withLines(secure ? SdpAudio.withTransport(answer, offered) : answer, ourLines());
    }

    @Override
    public void acceptAnswer(String answer) throws SdpProblem {
        String answered = SdpAudio.transport(answer);
        boolean secure = isDtlsTransport(answered);
        Optional<Fingerprint> theirs = fingerprint(answer, "answer", secure);
        if (theirs.isEmpty()) {
            inner.acceptAnswer(answer);
            encryption = "none (peer answered without a=fingerprint)";
            return;
        }
        boolean weAreClient = setup(answer).offererIsClient();
        inner.acceptAnswer(secure ? SdpAudio.withTransport(answer, plainTransport(answered)) : answer);
        agree(theirs.get(), weAreClient, Setup.ACTPASS, secure, secure ? answered : DTLS_SAVP);
    }

    /**
     * The peer's usable fingerprint (the first of its {@code a=fingerprint} lines we read), or empty when it has
     * none and plain RTP may follow.
     */
    private Optional<Fingerprint> fingerprint(String sdp, String what, boolean secure) throws SdpProblem {
        List<String> problems = new ArrayList<>();
        for (String value : SdpAudio.valuesAtEitherLevel(sdp, "fingerprint")) {
            try {
                return Optional.of(Fingerprint.parse(value));
            } catch (SdpProblem e) {
                problems.add(e.getMessage());
            }
        }
        String why = problems.isEmpty() ? "the " + what + " has no a=fingerprint"
                : "no usable a=fingerprint in the " + what + " (" + String.join("; ", problems) + ")";
        if (secure) {
            throw new SdpProblem(DTLS_SAVP + " " + what + " refused: " + why);
        }
        if (settings.required()) {
            throw new SdpProblem("encryption required: " + why);
        }
        return Optional.empty();
    }

    private static Setup setup(String sdp) throws SdpProblem {
        List<String> values = SdpAudio.valuesAtEitherLevel(sdp, "setup");
        return Setup.parse(values.isEmpty() ? null : values.get(0));
    }

    private void agree(Fingerprint theirs, boolean weAreClient, Setup setup, boolean secure, String dtlsTransport) {
        peer = theirs;
        client = weAreClient;
        ourSetup = setup;
        secureTransport = secure;
        transport = dtlsTransport;
        encryption = "none (DTLS handshake not done)";
        if (!weAreClient) {
            keepEarlyRecords();
        }
    }

    /**
     * From now until the handshake starts, DTLS records that reach the port are kept: the peer's ClientHello
     * may come before our path is ready (to an offerer it often overtakes the 200 OK, which crosses a proxy), and
     * waiting for its retransmission would cost a second.
     */
    private void keepEarlyRecords() {
        if (port == null) {
            return;
        }
        port.execute(() -> port.onUnhandled((onPort, source, datagram) -> {
            if (PacketKind.of(datagram) == PacketKind.DTLS && early.size() < EARLY_RECORDS) {
                early.add(new EarlyRecord(onPort, source, datagram));
            }
        }));
    }

    private List<String> ourLines() {
        return List.of(ourSetup.line(), settings.certificate().fingerprint().line());
    }

    /**
     * The wrapped path, after the handshake when the SDP agreed on DTLS-SRTP. A failed handshake fails the path
     * (its message says why) when encryption is required or the peer's certificate is not the fingerprinted one;
     * a best-effort call goes on without SRTP otherwise.
     */
    @Override
    public CompletableFuture<MediaPath> start() {
        CompletableFuture<MediaPath> path = inner.start();
        if (peer == null) {
            return path;
        }
        return path.thenCompose(p -> {
            // a plain callee that opens the association waits for the ACK, as its RTP does (voice hammer)
            boolean waits = client && !caller && p.trust() != MediaPath.Trust.PUNCHED;
            return waits ? confirmed.thenCompose(v -> handshake(p)) : handshake(p);
        });
    }

    private CompletableFuture<MediaPath> handshake(MediaPath p) {
        if (stopped) {
            return CompletableFuture.failedFuture(new DtlsFailure(DtlsFailure.Kind.FAILED,
                    "DTLS handshake not started: the call's media stopped", null));
        }
        // the records go where the path's RTP goes: the media port, or the TURN relay of a relayed path
        MediaTransport transport = inner.transport(port);
        DtlsDatagrams records = new DtlsDatagrams(transport, p.localPort(), p.remote(),
                p.trust() == MediaPath.Trust.LEARNED);
        loop = transport.loop();
        datagrams = records;
        transport.loop().execute(() -> {
            transport.onUnhandled(records::deliver);
            for (EarlyRecord r = early.poll(); r != null; r = early.poll()) {
                records.deliver(r.localPort(), r.source(), r.datagram());
            }
        });
        // the path may move while the handshake runs (a relayed path once the peer's check came through): the
        // records follow it, and the call's watch hears of it when it comes
        inner.watch(new PathWatch() {
            @Override
            public void moved(int localPort, InetSocketAddress to) {
                records.retarget(localPort, to);
                follower.moved(localPort, to);
            }

            @Override
            public void lost(String reason) {
                follower.lost(reason);
            }
        });
        LOG.info("DTLS handshake as {} with {} (its certificate {})", client ? "client" : "server", p.remote(), peer);
        return DtlsHandshake.start(settings.handshakes(), client, settings.certificate(), peer, records,
                settings.timeout(), settings.random()).handle((k, error) -> {
                    if (error == null) {
                        records.handshakeDone(!client);
                        keys = k;
                        encryption = "srtp " + k.suite().sdesName() + " (dtls-srtp)";
                        return p;
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    DtlsFailure failure = cause instanceof DtlsFailure f ? f
                            : new DtlsFailure(DtlsFailure.Kind.FAILED, "DTLS handshake failed: " + cause, cause);
                    if (settings.required() || secureTransport || failure.kind() == DtlsFailure.Kind.CERTIFICATE) {
                        throw new CompletionException(failure);
                    }
                    encryption = "none (" + failure.getMessage() + ")";
                    LOG.info("media goes on without SRTP: {}", failure.getMessage());
                    return p;
                });
    }

    /** The call's watch: told at once what moved the path during the handshake, then whatever moves it. */
    @Override
    public void watch(PathWatch next) {
        Executor onLoop = loop;
        if (onLoop == null) {
            inner.watch(next);
            return;
        }
        onLoop.execute(() -> follower.follow(next));
    }

    /** Whether we send the ClientHello, once offer and answer agreed on DTLS-SRTP; empty before or without. */
    Optional<Boolean> dtlsClient() {
        return peer == null ? Optional.empty() : Optional.of(client);
    }

    @Override
    public Optional<DatagramSessionDriver.Unhandled> dtlsRecords() {
        DtlsDatagrams records = datagrams;
        return records == null || keys == null ? Optional.empty() : Optional.of(records::deliver);
    }

    @Override
    public Optional<SrtpKeys> srtp() {
        return Optional.ofNullable(keys);
    }

    @Override
    public String encryption() {
        return encryption;
    }

    @Override
    public void confirmed() {
        inner.confirmed();
        confirmed.complete(null);
    }

    /**
     * Keeps the session when the inner negotiation can and, with DTLS-SRTP, the offer repeats the peer's
     * fingerprint (a new certificate would need a new handshake, which a kept session does not get); our answer
     * keeps our role and fingerprint.
     */
    @Override
    public Optional<String> keepSession(String offer) {
        Fingerprint theirs = peer;
        if (theirs == null) {
            return inner.keepSession(offer);
        }
        boolean same = SdpAudio.valuesAtEitherLevel(offer, "fingerprint").stream().anyMatch(v -> {
            try {
                return Fingerprint.parse(v).equals(theirs);
            } catch (SdpProblem e) {
                return false;
            }
        });
        String offered = SdpAudio.transport(offer);
        if (!same || offered == null) {
            return Optional.empty();
        }
        boolean secure = isDtlsTransport(offered);
        Setup kept = client ? Setup.ACTIVE : Setup.PASSIVE;
        return inner.keepSession(secure ? SdpAudio.withTransport(offer, plainTransport(offered)) : offer)
                .map(a -> SdpAudio.withLines(secure ? SdpAudio.withTransport(a, offered) : a,
                        List.of(kept.line(), settings.certificate().fingerprint().line())));
    }

    /** The inner updated offer with our fingerprint, actpass and the transport in use (RFC 8842 section 5.5). */
    @Override
    public Optional<String> updatedOffer() {
        Optional<String> offer = inner.updatedOffer();
        if (peer == null) {
            return offer;
        }
        return offer.map(o -> SdpAudio.withLines(secureTransport ? SdpAudio.withTransport(o, transport) : o,
                List.of(Setup.ACTPASS.line(), settings.certificate().fingerprint().line())));
    }



    @Override
    public void stop() {
        stopped = true;
        confirmed.completeExceptionally(new DtlsFailure(DtlsFailure.Kind.FAILED, "the call's media stopped", null));
        DtlsDatagrams records = datagrams;
        if (records != null) {
            records.close();
        }
        inner.stop();
    }


    static boolean isDtlsTransport(String transport) {
        return transport != null && transport.toUpperCase(Locale.ROOT).startsWith(DTLS_SAVP);
    }

    /** {@code UDP/TLS/RTP/SAVP} to {@code RTP/AVP}, the feedback variant to {@code RTP/AVPF}. */
    private static String plainTransport(String transport) {
        return AVP + transport.substring(DTLS_SAVP.length());
    }
}
