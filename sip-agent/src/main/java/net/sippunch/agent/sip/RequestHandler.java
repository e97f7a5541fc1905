package net.sippunch.agent.sip;

import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;

/** Handles one request method. {@code transaction} is null for ACK. */
@FunctionalInterface
public interface RequestHandler {

    void handle(RequestEvent event, ServerTransaction transaction) throws Exception;
}
