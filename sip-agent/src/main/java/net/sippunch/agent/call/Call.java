package net.sippunch.agent.call;

import gov.nist.javax.sip.Utils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.media.MediaCounters;
import net.sippunch.agent.media.MediaNegotiation;
import net.sippunch.agent.media.MediaPath;
import net.sippunch.agent.media.RtpSession;
import net.sippunch.agent.media.SdpProblem;
import net.sippunch.agent.media.TraversalSummary;
import net.sippunch.agent.sip.TransactionOwner;
import net.sippunch.traversal.netty.NettyMediaPort;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * One call, caller or callee side: its signalling state machine ({@link CallState}), its media port,
 * negotiation and RTP session, and its report. Methods are called from the SIP stack's threads, the agent's
 * timer and (the callee's prepared answer) its SDP preparation pool; the object's lock serialises them.
 */
public final class Call implements TransactionOwner {

    private static final Logger LOG = LogManager.getLogger(Call.class);
    private static final int MAX_CHALLENGES = 2;

    /** Per-call choices that override the config: duration, audio, recording file. */
    public record Options(Duration duration, short[] audio, Path recordFile) {
    }

    private final CallEnvironment env;
    private final boolean caller;
    private final Options options;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final CompletableFuture<CallReport> done = new CompletableFuture<>();
    private CallState state = CallState.IDLE;
    private String callId;
    private String from;
    private String to;
    private NettyMediaPort port;
    private MediaNegotiation media;
    private MediaPath path;
    private RtpSession rtp;
    private Dialog dialog;
    private Request invite;
    private ClientTransaction inviteTransaction;
    private ServerTransaction inviteServerTransaction;
    private int challenges;
    private boolean provisionalSeen;
    private boolean cancelWanted;
    private boolean ackSent;
    private boolean lateOffer;
    private String toTag;
    private SdpPreparation preparation;
    private String mediaNote;
    private Integer answerStatus;
    private Long tInvite;
    private Long tProvisional;
    private Long tAnswered;
    private Long tAck;

    private Call(CallEnvironment env, boolean caller, Options options) {
        this.env = env;
        this.caller = caller;
        this.options = options;
    }

    /** A new outgoing call; {@link #dial(String)} starts it. */
    static Call outgoing(CallEnvironment env, Options options) {
        return new Call(env, true, options);
    }

    /** A new incoming call; {@link #onInvite(RequestEvent, ServerTransaction)} handles its INVITE. */
    static Call incoming(CallEnvironment env) {
        return new Call(env, false, new Options(null, null, null));
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

    // ---------------------------------------------------------------- caller

    /**
     * Starts the call to {@code target} and returns its Call-ID at once: the offer is prepared (discovery and
     * the UPnP step in traversal mode) on the agent's SDP preparation pool, never on the dialling thread, and
     * the INVITE leaves when it is ready; plain mode sends it at once.
     */
    synchronized String dial(String target) {
        var account = env.config().account();
        CallIdHeader callIdHeader = env.endpoint().newCallId();
        callId = callIdHeader.getCallId();
        ThreadContext.put("call", callId);
        try {
            from = "sip:" + account.user() + "@" + account.domain();
            to = target;
            state = state.moveTo(CallState.CALLING);
            port = env.ports().bind();
            media = env.negotiations().create(port, true);
            schedule(this::inviteTimedOut, env.config().timeouts().invite());
            if (!media.preparationWaits()) {
                sendInvite(SdpPreparation.prepare(media, null));
            } else {
                preparation = SdpPreparation.start(env.sdpPreparation(), media, null, callId, this::onOfferPrepared);
            }
        } catch (IOException e) {
            finish("failed", null, "INVITE not sent: " + e.getMessage());
        } catch (RejectedExecutionException e) {
            finish("failed", null, "INVITE not sent: no room to prepare the offer");
        } finally {
            ThreadContext.remove("call");
        }
        return callId;
    }

    /** The offer prepared off the dialling thread: the INVITE leaves unless the call ended meanwhile. */
    private synchronized void onOfferPrepared(SdpPreparation.Outcome outcome) {
        ThreadContext.put("call", callId);
        try {
            preparation = null;
            if (state != CallState.CALLING) {
                LOG.debug("offer prepared after the call ended: no INVITE sent");
                return; // finish released the negotiation
            }
            sendInvite(outcome);
        } finally {
            ThreadContext.remove("call");
        }
    }

    private void sendInvite(SdpPreparation.Outcome outcome) {
        if (outcome instanceof SdpPreparation.Outcome.Unacceptable u) {
            finish("failed", null, "INVITE not sent: " + u.problem().getMessage());
            return;
        }
        if (outcome instanceof SdpPreparation.Outcome.Failed f) {
            finish("failed", null, "INVITE not sent: " + f.error());
            return;
        }
        try {
            var account = env.config().account();
            Address fromAddress = env.endpoint().addresses().createAddress(from);
            if (account.displayName() != null) {
                fromAddress.setDisplayName(account.displayName());
            }
            Address toAddress = env.endpoint().addresses().createAddress(to);
            Request r = env.endpoint().newRequest(Request.INVITE, toAddress.getURI(), fromAddress,
                    Utils.getInstance().generateTag(), toAddress,
                    env.endpoint().headers().createCallIdHeader(callId), 1);
            r.addHeader(env.endpoint().contact(account.user()));
            r.setContent(((SdpPreparation.Outcome.Ready) outcome).sdp(), sdpType());
            invite = r;
            tInvite = System.currentTimeMillis();
            inviteTransaction = env.endpoint().send(r, this);
            dialog = inviteTransaction.getDialog();
            if (dialog != null) {
                dialog.setApplicationData(this);
            }
            LOG.info("INVITE {} sent", to);
        } catch (ParseException | SipException e) {
            finish("failed", null, "INVITE not sent: " + e.getMessage());
        }
    }

    @Override
    public synchronized void onResponse(ResponseEvent event) {
        Response r = event.getResponse();
        String method = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod();
        int status = r.getStatusCode();
        if (Request.BYE.equals(method)) {
            if (status >= 200) {
                finish("completed", null, endReason);
            }
            return;
        }
        if (!Request.INVITE.equals(method)) {
            return;
        }
        if (status < 200) {
            if (status > 100 && tProvisional == null) {
                tProvisional = System.currentTimeMillis();
            }
            provisionalSeen = true;
            if (state == CallState.CALLING || state == CallState.PROCEEDING) {
                state = state.moveTo(CallState.PROCEEDING);
            } else if (state == CallState.CANCELLING && cancelWanted) {
                sendCancel();
            }
            return;
        }
        if (status < 300) {
            onSuccess(event);
            return;
        }
        if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
                && challenges < MAX_CHALLENGES && state != CallState.CANCELLING && state != CallState.ENDED) {
            challenges++;
            StringBuilder why = new StringBuilder();
            var next = env.authorization().answer(invite, r, why);
            if (next.isPresent()) {
                try {
                    invite = next.get();
                    inviteTransaction = env.endpoint().send(invite, this);
                    dialog = inviteTransaction.getDialog();
                    if (dialog != null) {
                        dialog.setApplicationData(this);
                    }
                    return;
                } catch (SipException e) {
                    why.append(e.getMessage());
                }
            }
            finish("failed", status, status + " " + r.getReasonPhrase() + ": " + why);
            return;
        }
        if (state == CallState.ENDED) {
            return;
        }
        boolean cancelled = state == CallState.CANCELLING && status == Response.REQUEST_TERMINATED;
        finish(cancelled ? "cancelled" : "rejected", status,
                (cancelled ? endReason + ": " : "") + status + " " + r.getReasonPhrase());
    }

    private void onSuccess(ResponseEvent event) {
        Dialog d = event.getDialog();
        Response r = event.getResponse();
        if (d == null) {
            LOG.warn("2xx without a dialog ignored");
            return;
        }
        try {
            long cseq = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
            if (ackSent) {
                d.sendAck(d.createAck(cseq)); // retransmitted 2xx: our ACK was lost
                return;
            }
            dialog = d;
            dialog.setApplicationData(this);
            tAnswered = System.currentTimeMillis();
            answerStatus = r.getStatusCode();
            Request ack = d.createAck(cseq);
            env.endpoint().wire("send", ack);
            d.sendAck(ack);
            ackSent = true;
            tAck = System.currentTimeMillis();
        } catch (SipException | InvalidArgumentException e) {
            finish("failed", r.getStatusCode(), "ACK not sent: " + e.getMessage());
            return;
        }
        if (state == CallState.CANCELLING || state == CallState.ENDED) {
            state = state == CallState.ENDED ? state : state.moveTo(CallState.ENDING);
            sendBye("answered after cancel");
            return;
        }
        state = state.moveTo(CallState.ESTABLISHED);
        try {
            media.acceptAnswer(body(r));
        } catch (SdpProblem e) {
            state = state.moveTo(CallState.ENDING);
            endReason = "unusable SDP answer: " + e.getMessage();
            sendBye(endReason);
            return;
        }
        LOG.info("answered: {} {}", r.getStatusCode(), r.getReasonPhrase());
        startMedia();
        Duration duration = options.duration() != null ? options.duration() : Duration.ofSeconds(10);
        schedule(() -> hangup("duration reached"), duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void inviteTimedOut() {
        synchronized (this) {
            if (state == CallState.CALLING || state == CallState.PROCEEDING) {
                hangup("no answer within " + env.config().timeouts().invite() + " s");
                schedule(() -> finishLater("failed", "no answer within " + env.config().timeouts().invite() + " s"),
                        env.config().timeouts().shutdown());
            }
        }
    }

    private void sendCancel() {
        cancelWanted = false;
        try {
            ClientTransaction ct = env.endpoint().provider().getNewClientTransaction(inviteTransaction.createCancel());
            ct.setApplicationData(this);
            ct.sendRequest();
        } catch (SipException e) {
            finish("failed", null, "CANCEL not sent: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- callee

    /**
     * Handles the initial INVITE: policy, then the answer. A negotiation that waits (discovery, UPnP) gets
     * 180 Ringing at once and its answer prepared off the SIP thread ({@link SdpPreparation}); one that
     * does not (plain mode) answers at once. {@link #answerWith} sends the 200 OK.
     */
    synchronized void onInvite(RequestEvent event, ServerTransaction st) throws SipException, ParseException {
        Request r = event.getRequest();
        inviteServerTransaction = st;
        callId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
        from = ((FromHeader) r.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
        to = ((ToHeader) r.getHeader(ToHeader.NAME)).getAddress().getURI().toString();
        tInvite = System.currentTimeMillis();
        state = state.moveTo(CallState.INCOMING);
        CallPolicy.Decision decision = env.policy().decide(from);
        if (!decision.accept()) {
            env.endpoint().respond(st, env.endpoint().newResponse(decision.status(), r));
            LOG.info("refused {} with {} ({})", from, decision.status(), decision.because());
            finish("refused", decision.status(), "refused by policy (" + decision.because() + ") with "
                    + decision.status());
            return;
        }
        toTag = Utils.getInstance().generateTag(); // kept by every response to this INVITE
        try {
            port = env.ports().bind();
        } catch (IOException e) {
            respondToInvite(Response.SERVICE_UNAVAILABLE);
            finish("failed", Response.SERVICE_UNAVAILABLE, e.getMessage());
            return;
        }
        media = env.negotiations().create(port, false);
        String offer = body(r);
        lateOffer = offer == null || offer.isBlank();
        if (!media.preparationWaits()) {
            answerWith(SdpPreparation.prepare(media, lateOffer ? null : offer));
            return;
        }
        try {
            respondToInvite(Response.RINGING);
        } catch (SipException e) {
            finish("failed", null, "180 not sent: " + e.getMessage());
            return;
        }
        tProvisional = System.currentTimeMillis();
        try {
            preparation = SdpPreparation.start(env.sdpPreparation(), media, lateOffer ? null : offer, callId,
                    this::onPrepared);
        } catch (RejectedExecutionException e) {
            respondToInvite(Response.SERVICE_UNAVAILABLE);
            finish("failed", Response.SERVICE_UNAVAILABLE, "no room to prepare the answer: " + e.getMessage());
        }
    }

    /** The answer prepared off the SIP thread: 200 OK while the call still rings, otherwise only a release. */
    private synchronized void onPrepared(SdpPreparation.Outcome outcome) {
        ThreadContext.put("call", callId);
        try {
            preparation = null;
            if (state != CallState.INCOMING) {
                env.cleanup().execute(media::stop); // ended meanwhile: release what it made since the end
                LOG.debug("answer prepared after the call ended: nothing sent");
                return;
            }
            answerWith(outcome);
        } finally {
            ThreadContext.remove("call");
        }
    }

    /** The final response for a prepared answer (or late offer): 200 OK, 488 or 500. */
    private void answerWith(SdpPreparation.Outcome outcome) {
        try {
            if (outcome instanceof SdpPreparation.Outcome.Ready ready) {
                sendOk(ready.sdp());
            } else if (outcome instanceof SdpPreparation.Outcome.Unacceptable u) {
                respondToInvite(Response.NOT_ACCEPTABLE_HERE);
                finish("failed", Response.NOT_ACCEPTABLE_HERE, "offer not acceptable: " + u.problem().getMessage());
            } else if (outcome instanceof SdpPreparation.Outcome.Failed f) {
                respondToInvite(Response.SERVER_INTERNAL_ERROR);
                finish("failed", Response.SERVER_INTERNAL_ERROR, "answer not prepared: " + f.error());
            }
        } catch (SipException | ParseException e) {
            finish("failed", null, "final response not sent: " + e.getMessage());
        }
    }

    private void sendOk(String answer) throws SipException, ParseException {
        Response ok = env.endpoint().newResponse(Response.OK, inviteServerTransaction.getRequest());
        ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(toTag);
        ok.addHeader(env.endpoint().contact(env.config().account().user()));
        ok.setContent(answer, sdpType());
        dialog = inviteServerTransaction.getDialog();
        if (dialog != null) {
            dialog.setApplicationData(this);
        }
        env.endpoint().respond(inviteServerTransaction, ok);
        tAnswered = System.currentTimeMillis();
        answerStatus = Response.OK;
        state = state.moveTo(CallState.ANSWERED);
        if (!lateOffer) {
            startMedia();
        }
        schedule(() -> hangup("maximum call time reached"), env.config().timeouts().maxCall());
    }

    /** A response without a body to the INVITE, with our To tag. */
    private void respondToInvite(int status) throws SipException, ParseException {
        Response response = env.endpoint().newResponse(status, inviteServerTransaction.getRequest());
        ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(toTag);
        env.endpoint().respond(inviteServerTransaction, response);
    }

    /** The ACK of our 200 OK. */
    synchronized void onAck(Request ack) {
        if (state != CallState.ANSWERED) {
            return;
        }
        tAck = System.currentTimeMillis();
        state = state.moveTo(CallState.ESTABLISHED);
        if (lateOffer) {
            try {
                media.acceptAnswer(body(ack));
                startMedia();
            } catch (SdpProblem e) {
                hangup("unusable SDP answer in ACK: " + e.getMessage());
            }
        }
    }

    /** A CANCEL for our INVITE: 487 when it is still unanswered. */
    synchronized void onCancel(ServerTransaction cancel) throws SipException, ParseException {
        env.endpoint().respond(cancel, env.endpoint().newResponse(Response.OK, cancel.getRequest()));
        if (state == CallState.INCOMING && inviteServerTransaction != null) {
            respondToInvite(Response.REQUEST_TERMINATED);
            finish("cancelled", Response.REQUEST_TERMINATED, "cancelled by the caller");
        }
    }

    // ---------------------------------------------------------------- both

    /** A BYE from the peer. */
    synchronized void onBye(ServerTransaction st) throws SipException, ParseException {
        env.endpoint().respond(st, env.endpoint().newResponse(Response.OK, st.getRequest()));
        finish("completed", null, "BYE from the peer");
    }

    private String endReason = "BYE sent";

    /** Ends the call from our side: CANCEL before an answer, BYE after it. */
    public synchronized void hangup(String reason) {
        ThreadContext.put("call", callId == null ? "" : callId);
        try {
            switch (state) {
                case IDLE -> finish("failed", null, reason);
                case CALLING, PROCEEDING -> {
                    if (inviteTransaction == null) { // the offer is still being prepared: nothing to cancel
                        finish("cancelled", null, reason + " before the INVITE was sent");
                        return;
                    }
                    state = state.moveTo(CallState.CANCELLING);
                    endReason = reason;
                    if (provisionalSeen) {
                        sendCancel();
                    } else {
                        cancelWanted = true; // RFC 3261 9.1: no CANCEL before a provisional response
                    }
                    schedule(() -> finishLater("cancelled", reason), env.config().timeouts().shutdown());
                }
                case ANSWERED, ESTABLISHED -> {
                    state = state.moveTo(CallState.ENDING);
                    endReason = reason;
                    sendBye(reason);
                }
                case INCOMING -> refuseUnanswered(reason);
                case CANCELLING, ENDING, ENDED -> {
                    // already on its way out
                }
            }
        } finally {
            ThreadContext.remove("call");
        }
    }

    /** Callee, answer still being prepared: 480 to the INVITE instead of the 200 OK. */
    private void refuseUnanswered(String reason) {
        if (preparation == null) {
            return;
        }
        try {
            respondToInvite(Response.TEMPORARILY_UNAVAILABLE);
        } catch (SipException | ParseException e) {
            LOG.debug("480 not sent: {}", e.toString());
        }
        finish("cancelled", Response.TEMPORARILY_UNAVAILABLE, reason + " before the answer was ready");
    }

    private void sendBye(String reason) {
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
    public synchronized void onDialogTerminated() {
        if (state == CallState.ANSWERED) {
            finish("failed", null, "no ACK for the 200 OK");
        } else if (state == CallState.ESTABLISHED) {
            finish("completed", null, "dialog ended by the SIP stack");
        }
    }

    private synchronized void finishLater(String outcome, String reason) {
        finish(outcome, null, reason);
    }

    private void startMedia() {
        // completes on the media loop: the call's lock is taken on the agent's timer thread instead
        media.start().whenCompleteAsync((p, error) -> {
            synchronized (Call.this) {
                ThreadContext.put("call", callId);
                try {
                    if (state == CallState.ENDED || state == CallState.ENDING) {
                        return;
                    }
                    if (error != null) {
                        hangup("no media path: " + error.getMessage());
                        return;
                    }
                    path = p;
                    short[] audio = options.audio() != null ? options.audio() : env.audio();
                    // a punched path has consent checks; other paths end on the peer's silence
                    long timeout = p.trust() == MediaPath.Trust.PUNCHED ? 0
                            : TimeUnit.SECONDS.toNanos(env.config().timeouts().media());
                    rtp = new RtpSession(port, p, audio, recordFile(), env.random(), callId, timeout,
                            this::hangupLater);
                    rtp.start();
                    RtpSession stream = rtp;
                    media.watch(new MediaNegotiation.PathWatch() {
                        @Override
                        public void moved(java.net.InetSocketAddress to) {
                            stream.retarget(to);
                        }

                        @Override
                        public void lost(String reason) {
                            hangupLater(reason);
                        }
                    });
                    LOG.info("media: {} to {} ({})", p.codec(), p.remote(), p.trust());
                    schedule(this::checkFirstMedia, env.config().timeouts().firstMedia());
                } finally {
                    ThreadContext.remove("call");
                }
            }
        }, env.timer());
    }

    /** Hangs up from the media loop without taking the call's lock there. */
    private void hangupLater(String reason) {
        String id = callId;
        env.timer().execute(() -> {
            ThreadContext.put("call", id);
            try {
                hangup(reason);
            } finally {
                ThreadContext.remove("call");
            }
        });
    }

    /** Stops RTP at once (the BYE is on its way, or the call is over) and keeps its counters. */
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
        return env.recordDir().resolve((caller ? "out-" : "in-") + callId.replaceAll("[^A-Za-z0-9._-]", "_") + ".wav");
    }

    /**
     * Ends the call: under the lock only the state and timers change; stopping RTP, the negotiation (which may
     * wait for a UPnP deletion) and the port, and the report, run on the agent's call-end executor.
     */
    private void finish(String outcome, Integer status, String reason) {
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
        String why = mediaNote != null ? reason + "; " + mediaNote : reason;
        Integer finalStatus = status != null ? status : answerStatus;
        CallReport.Timings partial = new CallReport.Timings(tInvite, tProvisional, tAnswered, tAck, null, null,
                System.currentTimeMillis());
        RtpSession stream = rtp;
        String id = callId;
        env.cleanup().execute(() -> {
            ThreadContext.put("call", id == null ? "" : id);
            try {
                release(outcome, finalStatus, why, partial, stream);
            } finally {
                ThreadContext.remove("call");
            }
        });
    }

    /** The blocking part of {@link #finish}, off the call's lock: media, port, report. */
    private void release(String outcome, Integer status, String reason, CallReport.Timings partial,
                         RtpSession stream) {
        MediaCounters counters = stream != null ? stream.stop() : null;
        TraversalSummary summary = null;
        if (media != null) {
            media.stop();
            summary = media.summary();
        }
        if (port != null) {
            port.closeAsync();
        }
        if (partial.answered() != null && (counters == null || !counters.bothWays())) {
            reason = reason + "; media never flowed both ways: " + whyNoMedia(counters, summary);
        }
        CallReport report = CallReport.of(callId, caller ? "caller" : "callee", from, to, outcome, status, reason,
                new CallReport.Timings(partial.invite(), partial.provisional(), partial.answered(), partial.ack(),
                        counters != null ? counters.firstRtpSentMillis() : null,
                        counters != null ? counters.firstRtpReceivedMillis() : null, partial.ended()),
                port != null ? port.localAddress() : null, path, counters, summary);
        LOG.info("ended: {} ({})", outcome, reason);
        env.onEnded().accept(this);
        done.complete(report);
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

    private void schedule(Runnable task, long seconds) {
        schedule(task, seconds, TimeUnit.SECONDS);
    }

    private void schedule(Runnable task, long delay, TimeUnit unit) {
        String id = callId;
        timers.add(env.timer().schedule(() -> {
            ThreadContext.put("call", id == null ? "" : id);
            try {
                task.run();
            } finally {
                ThreadContext.remove("call");
            }
        }, delay, unit));
    }

    private ContentTypeHeader sdpType() throws ParseException {
        return env.endpoint().headers().createContentTypeHeader("application", "sdp");
    }

    private static String body(Message m) {
        byte[] raw = m.getRawContent();
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }
}
