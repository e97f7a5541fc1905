package net.sippunch.agent.sip;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;

/**
 * The RI's message parser, except that a request remembers the SIP version of its request line, and that messages
 * the RI would mishandle are refused with a ParseException. The RI's own parser reads any version and records
 * "SIP/2.0" (its check builds a ParseException and drops it); with the version in the request line its UDP
 * channel would answer 505 by itself, an ACK too, with neither a To tag nor a reason. So the request line keeps
 * "SIP/2.0" and the version written goes with the message as a {@link ForeignVersion}
 * ({@link SIPMessage#getApplicationData()}), for the endpoint to answer 505 or drop an ACK. Refused: a Via with
 * a comment (see {@code processHeader}); a Via whose {@code rport} is not a port number, which the RI takes and
 * fails on later, with a NumberFormatException, whenever a response to the message is built (the UDP channel
 * rewrites the topmost Via's rport, not the others); and a message on which the RI's parser fails with a
 * runtime exception. Named to the stack by {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}.
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
        public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict,
                                          ParseExceptionListener listener) throws ParseException {
            SIPMessage parsed;
            try {
                parsed = super.parseSIPMessage(bytes, readBody, strict, listener);
            } catch (RuntimeException e) {
                // some of the RI's header parsers fail on hostile text with their own bugs (RSeq: "-1" gives a
                // NumberFormatException) instead of a ParseException: the message is refused all the same
                ParseException refused = new ParseException("unparseable (" + e.getClass().getSimpleName() + ")", 0);
                refused.initCause(e);
                throw refused;
            }
            if (parsed != null && parsed.getViaHeaders() != null) {
                for (Via via : parsed.getViaHeaders()) {
                    try {
                        via.getRPort(); // RFC 3581: rport = "rport" [EQUAL 1*DIGIT]
                    } catch (NumberFormatException e) {
                        throw new ParseException("Via rport is not a port number", 0);
                    }
                }
            }
            return parsed;
        }

        /**
         * A Via with a comment is refused before the RI parses it: its Via parser reads a comment up to ')' or a
         * line end, and past the end of the header text it reads NULs for ever, growing the comment until the
         * JVM runs out of memory. A header line has no line end, so an unclosed comment never ends; Via
         * comments are legal (RFC 3261 section 20.42) but no user agent is known to send them.
         */
        @Override
        protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw)
                throws ParseException {
            if (header != null && header.indexOf('(') >= 0 && isVia(header)) {
                throw new ParseException("Via with a comment refused", 0);
            }
            super.processHeader(header, message, listener, raw);
        }

        private static boolean isVia(String header) {
            int colon = header.indexOf(':');
            String name = colon < 0 ? "" : header.substring(0, colon).strip();
            return name.equalsIgnoreCase("Via") || name.equalsIgnoreCase("v");
        }

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
