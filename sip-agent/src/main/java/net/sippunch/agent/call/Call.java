package net.sippunch.agent.call;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.media.MediaCounters;
import net.sippunch.agent.media.MediaNegotiation;
import net.sippunch.agent.media.MediaPath;
import net.sippunch.agent.media.RtpSession;
import net.sippunch.agent.media.dtls.DtlsFailure;
import net.sippunch.agent.media.TraversalSummary;
import net.sippunch.agent.sip.CallIdLabel;
import net.sippunch.agent.sip.TransactionOwner;
import net.sippunch.traversal.netty.NettyMediaPort;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * What both sides of a call share: the signalling state ({@link CallState}), the media port, negotiation and
 * RTP session, the hang-up (BYE), the end and the report. {@link OutgoingCall} adds the INVITE we send and its
 * responses, {@link IncomingCall} the INVITE we answer. Methods are called from the SIP stack's threads, the
 * agent's timer and the SDP preparation pool; the object's lock serialises them. Nothing that blocks (RTP's
 * end, a UPnP deletion, closing the port) runs under it: that is left to the agent's call-end executor.
 */
public abstract sealed class Call implements TransactionOwner permits OutgoingCall, IncomingCall {

    private static final Logger LOG = LogManager.getLogger(Call.class);

    /** Per-call choices that override the config: duration, audio, recording file. */
    public record Options(Duration duration, short[] audio, Path recordFile) {
    }

    final CallEnvironment env;
    final Options options;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final CompletableFuture<CallReport> done = new CompletableFuture<>();
    CallState state = CallState.IDLE;
    String callId;
    String from;
    String to;
    NettyMediaPort port;
    MediaNegotiation media;
    private MediaPath path;
    private RtpSession rtp;
    Dialog dialog;
    /** The SDP being prepared off the SIP thread (offer or answer), or null. */
    SdpPreparation preparation;
    private String mediaNote;
    /** Why the callee's media failed before the ACK, which then ends the call (null: it did not). */
    private String mediaFailure;
    Integer answerStatus;
    Long tInvite;
    Long tProvisional;
    Long tAnswered;
    Long tAck;
    /** Why we ended the call, for the report once the BYE or CANCEL is answered. */
    String endReason = "BYE sent";
    /** How the updated offer went, for the log and the report's reason; null when none was sent. */
    private String updatedOffer;

    Call(CallEnvironment env, Options options) {
        this.env = env;
        this.options = options;
    }

    /** True for the side that sent the INVITE. */
    private boolean caller() {
        return this instanceof OutgoingCall;
    }

    /** Completes with the report when the call has ended. */
    public CompletableFuture<CallReport> done() {
        return done;
    }

    public synchronized String callId() {
        return callId;
    }

    public synchronized CallState state() {
        return state;
    }

    /** A BYE from the peer. */
    synchronized void onBye(ServerTransaction st) throws SipException, ParseException {
        env.endpoint().respond(st, env.endpoint().newResponse(Response.OK, st.getRequest()));
        finish("completed", null, "BYE from the peer");
    }

    /**
     * A re-INVITE in the call's dialog: answered 200 with the session as it is when the negotiation can keep it
     * (a standard ICE peer's updated offer, RFC 8839 section 4.4), else 488 with a Warning: the session stays as
     * it is (RFC 3261 section 14.2); 481 when it names the call's Call-ID but not its dialog (the tags: a
     * third party that learned the Call-ID gets nothing). Its ACK changes nothing.
     */
    synchronized void onReInvite(ServerTransaction st) throws SipException, ParseException {
        Request request = st.getRequest();
        if (dialog == null || st.getDialog() != dialog) {
            env.endpoint().respond(st, env.endpoint().newResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
                    request));
            return;
        }
        String offer = body(request);
        // the session is agreed once the answer left in the 200 OK: a re-INVITE may overtake the ACK
        boolean agreed = state == CallState.ANSWERED || state == CallState.ESTABLISHED;
        Optional<String> answer = agreed && offer != null && media != null
                ? media.keepSession(offer) : Optional.empty();
        if (answer.isEmpty()) {
            env.endpoint().respond(st, env.endpoint().newResponse(Response.NOT_ACCEPTABLE_HERE, request,
                    "re-INVITE not supported: the session stays as it is"));
            return;
        }
        Response ok = env.endpoint().newResponse(Response.OK, request);
        ok.addHeader(env.endpoint().contact(env.config().account().user()));
        ok.setContent(answer.get(), sdpType());
        env.endpoint().respond(st, ok);
        LOG.info("re-INVITE answered with the session as it is");
    }

    /** Ends the call from our side: CANCEL before an answer, BYE after it. */
    public synchronized void hangup(String reason) {
        ThreadContext.put("call", CallIdLabel.log(callId));
        try {
            switch (state) {
                case IDLE -> finish("failed", null, reason);
                case CALLING, PROCEEDING, INCOMING -> endUnanswered(reason);
                case ANSWERED, ESTABLISHED -> {
                    state = state.moveTo(CallState.ENDING);
                    endReason = reason;
                    sendBye(reason);
                }
                case CANCELLING, ENDING, ENDED -> {
                    // already on its way out
                }
            }
        } finally {
            ThreadContext.remove("call");
        }
    }

    /** Ends the call before it was answered: CANCEL (caller) or 480 (callee whose answer is not ready). */
    abstract void endUnanswered(String reason);

    /**
     * A response to a request this call sent: the BYE's final response ends the call; the others are the
     * caller's ({@link OutgoingCall}).
     */
    @Override
    public synchronized void onResponse(ResponseEvent event) {
        Response r = event.getResponse();
        String method = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod();
        if (Request.BYE.equals(method)) {
            if (r.getStatusCode() >= 200) {
                finish("completed", null, endReason);
            }
            return;
        }
        onOtherResponse(method, event);
    }

    /** A response to a request other than BYE, under the call's lock. */
    void onOtherResponse(String method, ResponseEvent event) {
        // nothing but the BYE by default
    }

    void sendBye(String reason) {
        stopMedia();
        try {
            Request bye = dialog.createRequest(Request.BYE);
            env.endpoint().sendInDialog(dialog, bye, this);
            schedule(() -> finishLater("completed", reason), env.config().timeouts().shutdown());
        } catch (SipException | RuntimeException e) {
            finish("completed", null, reason + "; BYE not sent: " + e.getMessage());
        }
    }

    @Override
    public synchronized void onTimeout(String reason) {
        if (state == CallState.ENDING) {
            finish("completed", null, endReason + "; " + reason);
        } else if (state != CallState.ENDED) {
            finish("failed", null, reason);
        }
    }

    @Override
    public synchronized void onDialogTerminated(Dialog ended) {
        if (ended != dialog) {
            // the dialog of an INVITE that was challenged and sent again: the call lives on in its own
            LOG.debug("an earlier dialog of the call ended");
            return;
        }
        if (state == CallState.ANSWERED) {
            finish("failed", null, "no ACK for the 200 OK");
        } else if (state == CallState.ESTABLISHED) {
            finish("completed", null, "dialog ended by the SIP stack");
        }
    }

    /** Ends the call now, whatever it still waits for (the agent is stopping); nothing when it has ended. */
    synchronized void abandon(String reason) {
        finish(tAnswered != null ? "completed" : "cancelled", null, reason);
    }

    synchronized void finishLater(String outcome, String reason) {
        finish(outcome, null, reason);
    }

    void startMedia() {
        // a relayed address goes to the peer before the path is ready: a DTLS handshake on it needs the peer there
        media.updatedOfferDue().thenRunAsync(labelled(() -> {
            synchronized (Call.this) {
                sendUpdatedOffer();
            }
        }), env.timer());
        // completes on the media loop: the call's lock is taken on the agent's timer thread instead
        media.start().whenCompleteAsync((p, error) -> {
            synchronized (Call.this) {
                ThreadContext.put("call", CallIdLabel.log(callId));
                try {
                    if (state == CallState.ENDED || state == CallState.ENDING) {
                        return;
                    }
                    if (error != null) {
                        String why = mediaFailure(error);
                        if (state == CallState.ANSWERED) {
                            // no BYE before the ACK (RFC 3261 section 15): the ACK hangs up
                            mediaFailure = why;
                            return;
                        }
                        hangup(why);
                        return;
                    }
                    path = p;
                    if (p.trust() != MediaPath.Trust.PUNCHED && state == CallState.ANSWERED) {
                        // no consent yet but the SDP's word: RTP waits for the ACK (voice hammer)
                        LOG.debug("media to {} waits for the ACK", p.remote());
                        return;
                    }
                    startRtp();
                } finally {
                    ThreadContext.remove("call");
                }
            }
        }, env.timer());
    }

    /** Why the media path failed: a refused DTLS-SRTP handshake says so itself; anything else has no path. */
    private static String mediaFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof DtlsFailure ? cause.getMessage() : "no media path: " + error.getMessage();
    }

    /**
     * The ACK came (callee): the call ends if its media failed meanwhile; otherwise RTP starts now if its path
     * was waiting for it.
     */
    void ackReceived() {
        if (mediaFailure != null) {
            hangup(mediaFailure);
        } else if (path != null && rtp == null) {
            startRtp();
        } else if (path != null) {
            sendUpdatedOffer();
        }
    }

    /**
     * The negotiation's updated offer, when it has one due: RFC 8839's (the controlling ICE agent whose selected
     * pair is not the default it signalled), a re-INVITE once the path is ready and the dialog confirmed, or the
     * caller's relayed address, once allocated. Its answer changes nothing here (the pair is already in use, the
     * relay is checked by the peer); a refusal or no answer leaves the call as it is, and is told in the log and
     * the report.
     */
    private void sendUpdatedOffer() {
        if (state != CallState.ESTABLISHED || media == null || dialog == null) {
            return;
        }
        try {
            Optional<String> offer = media.updatedOffer();
            if (offer.isEmpty()) {
                return;
            }
            Request reInvite = dialog.createRequest(Request.INVITE);
            reInvite.addHeader(env.endpoint().contact(env.config().account().user()));
            reInvite.setContent(offer.get(), sdpType());
            env.endpoint().sendInDialog(dialog, reInvite, new UpdatedOffer());
            updatedOffer = "sent";
        } catch (SipException | ParseException | RuntimeException e) {
            updatedOffer = "not sent: " + e;
            LOG.warn("updated offer {}", updatedOffer, e);
        }
    }

    /** The responses to the updated offer's re-INVITE: a 2xx is acknowledged, anything else only noted. */
    private final class UpdatedOffer implements TransactionOwner {
        @Override
        public void onResponse(ResponseEvent event) {
            synchronized (Call.this) {
                Response r = event.getResponse();
                if (r.getStatusCode() < 200) {
                    return;
                }
                if (r.getStatusCode() >= 300) {
                    updatedOffer = "refused: " + r.getStatusCode() + " " + r.getReasonPhrase();
                    LOG.info("updated offer {}; the call goes on as it is", updatedOffer);
                    return;
                }
                try {
                    long cseq = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
                    Dialog d = event.getDialog() != null ? event.getDialog() : dialog;
                    d.sendAck(d.createAck(cseq));
                    updatedOffer = "answered " + r.getStatusCode();
                    LOG.info("updated offer answered {}", r.getStatusCode());
                } catch (SipException | InvalidArgumentException | RuntimeException e) {
                    updatedOffer = "answered " + r.getStatusCode() + ", ACK not sent: " + e.getMessage();
                    LOG.warn("updated offer {}", updatedOffer);
                }
            }
        }

        @Override
        public void onTimeout(String reason) {
            synchronized (Call.this) {
                updatedOffer = "unanswered: " + reason;
                LOG.info("updated offer {}; the call goes on as it is", updatedOffer);
            }
        }
    }

    private void startRtp() {
        MediaPath p = path;
        short[] audio = options.audio() != null ? options.audio() : env.audio();
        // a punched path has consent checks; other paths end on the peer's silence
        long timeout = p.trust() == MediaPath.Trust.PUNCHED ? 0
                : TimeUnit.SECONDS.toNanos(env.config().timeouts().media());
        rtp = new RtpSession(media.transport(port), p, audio, recordFile(), env.random(), callId, timeout, this::hangupLater,
                media.srtp().orElse(null));
        media.dtlsRecords().ifPresent(rtp::onDtls);
        rtp.start();
        RtpSession stream = rtp;
        media.watch(new MediaNegotiation.PathWatch() {
            @Override
            public void moved(int localPort, InetSocketAddress to) {
                stream.retarget(localPort, to);
            }

            @Override
            public void lost(String reason) {
                hangupLater(reason);
            }
        });
        LOG.info("media: {} to {} ({}), encryption {}", p.codec(), p.remote(), p.trust(), media.encryption());
        schedule(this::checkFirstMedia, env.config().timeouts().firstMedia());
        sendUpdatedOffer();
    }

    /** Hangs up from the media loop without taking the call's lock there. */
    private void hangupLater(String reason) {
        env.timer().execute(labelled(() -> hangup(reason)));
    }

    /** Stops RTP at once (the BYE is on its way, or the call is over); its counters are taken at the end. */
    private void stopMedia() {
        if (rtp != null) {
            rtp.stopSending();
        }
    }

    private synchronized void checkFirstMedia() {
        if (rtp != null && state != CallState.ENDED && rtp.firstRtpReceivedMillis() == null) {
            mediaNote = "no RTP from the peer within " + env.config().timeouts().firstMedia() + " s of the answer";
            LOG.warn("{} (expected from {})", mediaNote, path.remote());
        }
    }

    private Path recordFile() {
        if (options.recordFile() != null) {
            return options.recordFile();
        }
        if (env.recordDir() == null) {
            return null;
        }
        return env.recordDir().resolve((caller() ? "out-" : "in-") + CallIdLabel.fileName(callId) + ".wav");
    }

    /**
     * Ends the call: under the lock only the state and timers change; stopping RTP, the negotiation (which may
     * wait for a UPnP deletion) and the port, and the report, run on the agent's call-end executor.
     */
    void finish(String outcome, Integer status, String reason) {
        if (state == CallState.ENDED) {
            return;
        }
        state = CallState.ENDED;
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        if (preparation != null) {
            preparation.abandon();
        }
        stopMedia(); // at once: the rest of the release may wait in the call-end executor's queue
        String why = (mediaNote != null ? reason + "; " + mediaNote : reason)
                + (updatedOffer != null ? "; updated offer (RFC 8839) " + updatedOffer : "");
        Integer finalStatus = status != null ? status : answerStatus;
        CallReport.Timings partial = new CallReport.Timings(tInvite, tProvisional, tAnswered, tAck, null, null,
                null, System.currentTimeMillis(), caller());
        RtpSession stream = rtp;
        env.cleanup().execute(labelled(() -> release(outcome, finalStatus, why, partial, stream)));
    }

    /** The blocking part of {@link #finish}, off the call's lock: media, port, report. */
    private void release(String outcome, Integer status, String reason, CallReport.Timings partial,
                         RtpSession stream) {
        MediaCounters counters = stream != null ? stream.stop() : null;
        TraversalSummary summary = null;
        String encryption = null;
        if (media != null) {
            media.stop();
            summary = media.summary();
            encryption = media.encryption();
        }
        if (port != null) {
            port.closeAsync();
        }
        if (partial.answered() != null && (counters == null || !counters.bothWays())) {
            reason = reason + "; media never flowed both ways: " + whyNoMedia(counters, summary);
        }
        CallReport report = CallReport.of(callId, caller() ? "caller" : "callee", from, to, outcome, status, reason,
                new CallReport.Timings(partial.invite(), partial.provisional(), partial.answered(), partial.ack(),
                        counters != null ? counters.firstRtpSentMillis() : null,
                        counters != null ? counters.firstRtpReceivedMillis() : null,
                        counters != null ? counters.firstTwoWayRtpMillis() : null, partial.ended(), partial.dialled()),
                localMedia(), path, counters, encryption, summary);
        LOG.info("ended: {} ({})", outcome, reason);
        env.onEnded().accept(this);
        done.complete(report);
    }

    /** Where media left from: the media port, or the birthday socket the punch settled on. */
    private InetSocketAddress localMedia() {
        if (port == null) {
            return null;
        }
        return path == null ? port.localAddress()
                : new InetSocketAddress(port.localAddress().getAddress(), path.localPort());
    }

    private static String whyNoMedia(MediaCounters counters, TraversalSummary summary) {
        if (counters == null) {
            return summary != null && summary.reason() != null ? "no media path (" + summary.reason() + ")"
                    : "RTP never started";
        }
        if (counters.rtpSent() == 0) {
            return "none sent";
        }
        return "nothing received from the peer (" + counters.rtpDropped() + " datagrams dropped)";
    }

    void schedule(Runnable task, long seconds) {
        schedule(task, seconds, TimeUnit.SECONDS);
    }

    void schedule(Runnable task, long delay, TimeUnit unit) {
        timers.add(env.timer().schedule(labelled(task), delay, unit));
    }

    /** {@code task} with this call's id in the logging context, for another thread. */
    private Runnable labelled(Runnable task) {
        String id = callId;
        return () -> {
            ThreadContext.put("call", CallIdLabel.log(id));
            try {
                task.run();
            } finally {
                ThreadContext.remove("call");
            }
        };
    }

    ContentTypeHeader sdpType() throws ParseException {
        return env.endpoint().headers().createContentTypeHeader("application", "sdp");
    }

    static String body(Message m) {
        byte[] raw = m.getRawContent();
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }
}
