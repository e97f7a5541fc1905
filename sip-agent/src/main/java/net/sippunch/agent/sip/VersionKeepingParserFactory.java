package net.sippunch.agent.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;

/**
 * The RI's message parser, except that a request remembers the SIP version of its request line. The RI's own
 * parser reads any version and records "SIP/2.0" (its check builds a ParseException and drops it); with the
 * version in the request line its UDP channel would answer 505 by itself, an ACK too, with neither a To tag nor
 * a reason. So the request line keeps "SIP/2.0" and the version written goes with the message as a
 * {@link ForeignVersion} ({@link SIPMessage#getApplicationData()}), for the endpoint to answer 505 or drop an
 * ACK. Named to the stack by {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}.
 */
public final class VersionKeepingParserFactory implements MessageParserFactory {

    private static final MessageParser PARSER = new VersionKeepingParser();

    /** The SIP version of a request line that is not SIP/2.0. */
    public record ForeignVersion(String version) {
    }

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return PARSER; // stateless, as the RI's own is shared by all its stacks
    }

    private static final class VersionKeepingParser extends StringMsgParser {
        @Override
        protected SIPMessage processFirstLine(String firstLine, ParseExceptionListener listener, byte[] message)
                throws ParseException {
            SIPMessage parsed = super.processFirstLine(firstLine, listener, message);
            if (parsed instanceof SIPRequest request) {
                String line = firstLine.strip();
                String version = line.substring(line.lastIndexOf(' ') + 1);
                if (!version.equalsIgnoreCase(request.getRequestLine().getSipVersion())) {
                    request.setApplicationData(new ForeignVersion(version));
                }
            }
            return parsed;
        }
    }
}
