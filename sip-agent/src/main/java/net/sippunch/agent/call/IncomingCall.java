package net.sippunch.agent.call;

import gov.nist.javax.sip.Utils;
import java.io.IOException;
import java.text.ParseException;
import java.util.concurrent.RejectedExecutionException;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.media.SdpProblem;
import net.sippunch.agent.sip.CallIdLabel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * The callee's side of a call: policy, the answer prepared off the SIP thread (180 Ringing meanwhile when it
 * waits), the 200 OK or a refusal, the ACK (with a late offer's answer), and CANCEL.
 */
final class IncomingCall extends Call {

    private static final Logger LOG = LogManager.getLogger(IncomingCall.class);

    private ServerTransaction inviteServerTransaction;
    private boolean lateOffer;
    private String toTag;

    IncomingCall(CallEnvironment env) {
        super(env, new Options(null, null, null));
    }

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
            // a 488 says why (RFC 3261 section 20.43), without naming the rule
            env.endpoint().respond(st, decision.status() == Response.NOT_ACCEPTABLE_HERE
                    ? env.endpoint().newResponse(decision.status(), r, "refused by policy")
                    : env.endpoint().newResponse(decision.status(), r));
            LOG.info("refused {} with {} ({})", from, decision.status(), decision.because());
            finish("refused", decision.status(), "refused by policy (" + decision.because() + ") with "
                    + decision.status());
            return;
        }
        toTag = Utils.getInstance().generateTag(); // kept by every response to this INVITE
        try {
            port = env.ports().bind();
        } catch (IOException e) {
            refuseForNow("no media port: " + e.getMessage());
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
            refuseForNow("no room to prepare the answer");
        }
    }

    /** The answer prepared off the SIP thread: 200 OK while the call still rings, otherwise only a release. */
    private synchronized void onPrepared(SdpPreparation.Outcome outcome) {
        ThreadContext.put("call", CallIdLabel.log(callId));
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
                respondToInvite(Response.NOT_ACCEPTABLE_HERE, "offer not acceptable: " + u.problem().getMessage());
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

    /** 503 with a Retry-After: the agent has no room for this call now. */
    private void refuseForNow(String why) throws SipException, ParseException {
        Response busy = env.endpoint().newServiceUnavailable(inviteServerTransaction.getRequest(), why,
                env.retryAfterSeconds());
        ((ToHeader) busy.getHeader(ToHeader.NAME)).setTag(toTag);
        env.endpoint().respond(inviteServerTransaction, busy);
        finish("failed", Response.SERVICE_UNAVAILABLE, why);
    }

    /** A response without a body to the INVITE, with our To tag. */
    private void respondToInvite(int status) throws SipException, ParseException {
        respondToInvite(status, null);
    }

    /** A response without a body to the INVITE, with our To tag and a {@code Warning: 399} when one is given. */
    private void respondToInvite(int status, String warning) throws SipException, ParseException {
        Request invite = inviteServerTransaction.getRequest();
        Response response = warning == null ? env.endpoint().newResponse(status, invite)
                : env.endpoint().newResponse(status, invite, warning);
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
                media.confirmed();
            } catch (SdpProblem e) {
                hangup("unusable SDP answer in ACK: " + e.getMessage());
            }
        } else {
            media.confirmed();
            ackReceived();
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

    /** The answer is still being prepared: 480 to the INVITE instead of the 200 OK. */
    @Override
    void endUnanswered(String reason) {
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
}
