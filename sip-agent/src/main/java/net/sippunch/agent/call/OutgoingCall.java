package net.sippunch.agent.call;

import gov.nist.javax.sip.Utils;
import java.io.IOException;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.media.SdpProblem;
import net.sippunch.agent.sip.CallIdLabel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * The caller's side of a call: the offer prepared off the dialling thread, the INVITE and its responses
 * (digest challenges, provisional, 2xx with its ACK, failures), CANCEL, and the INVITE's timeout.
 */
final class OutgoingCall extends Call {

    private static final Logger LOG = LogManager.getLogger(OutgoingCall.class);
    private static final int MAX_CHALLENGES = 2;

    private Request invite;
    private ClientTransaction inviteTransaction;
    private int challenges;
    private boolean provisionalSeen;
    private boolean cancelWanted;
    private boolean ackSent;

    OutgoingCall(CallEnvironment env, Options options) {
        super(env, options);
    }

    /**
     * Starts the call to {@code target} and returns its Call-ID at once: the offer is prepared (discovery and
     * the UPnP step in traversal mode) on the agent's SDP preparation pool, never on the dialling thread, and
     * the INVITE leaves when it is ready; plain mode sends it at once.
     */
    synchronized String dial(String target) {
        var account = env.config().account();
        CallIdHeader callIdHeader = env.endpoint().newCallId();
        callId = callIdHeader.getCallId();
        ThreadContext.put("call", CallIdLabel.log(callId));
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
        ThreadContext.put("call", CallIdLabel.log(callId));
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

    /** The INVITE's responses: provisional, 2xx (ACK, media), challenges, failures. */
    @Override
    void onOtherResponse(String method, ResponseEvent event) {
        if (!Request.INVITE.equals(method)) {
            return;
        }
        Response r = event.getResponse();
        int status = r.getStatusCode();
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

    /** Before the answer: CANCEL once a provisional response came, nothing to cancel while the offer is prepared. */
    @Override
    void endUnanswered(String reason) {
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
}
