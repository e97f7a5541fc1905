package net.sippunch.agent.sip;

import gov.nist.javax.sip.message.SIPMessage;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Why a request the stack accepted must still be refused, with which status: the checks of RFC 3261 that
 * the RI's parser leaves out. The SIP version (505, section 21.5.20; attached to the message by
 * {@link VersionKeepingParserFactory}) and the CSeq number's range (400: below 2^31, section 8.1.1.5; the
 * RI takes any 32-bit number).
 *
 * @param status the response status
 * @param why    the reason, for the response's Warning and the log
 */
public record Refusal(int status, String why) {

    /** The refusal of {@code request}, or null when it passes the checks. */
    public static Refusal of(Request request) {
        if (request instanceof SIPMessage m
                && m.getApplicationData() instanceof VersionKeepingParserFactory.ForeignVersion foreign) {
            return new Refusal(Response.VERSION_NOT_SUPPORTED, foreign.version() + " not supported: SIP/2.0 only");
        }
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        if (cseq != null && cseq.getSeqNumber() >= 1L << 31) {
            return new Refusal(Response.BAD_REQUEST, "CSeq " + cseq.getSeqNumber() + " is not below 2^31");
        }
        return null;
    }
}
