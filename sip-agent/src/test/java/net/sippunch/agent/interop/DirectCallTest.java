package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.sip.message.Response;
import net.sippunch.agent.call.UserAgent;
import org.junit.jupiter.api.Test;

/**
 * An agent that registers through a proxy takes INVITEs only from that proxy: one sent straight to its port
 * by anyone else gets 403 (calls through the proxy are covered by {@code KamailioCallTest}); an agent that
 * does not register takes them from anyone.
 */
class DirectCallTest {

    private static final int BOB = 42820;
    private static final int RAW = 42830;
    private static final int PROXY = 42840;

    @Test
    void aRegisteringAgentRefusesAnInviteThatDidNotComeThroughItsProxy() throws Exception {
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", "bob-pw", BOB, 42900, 42999, 1000, PROXY,
                null, null));
             RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
            raw.send(raw.invite("direct"));
            assertEquals(Response.FORBIDDEN, raw.receiveResponse("INVITE").getStatusCode());
        }
    }

    @Test
    void anAgentThatDoesNotRegisterTakesDirectCalls() throws Exception {
        try (UserAgent bob = UserAgent.start(TestAgents.config("bob", null, BOB, 42900, 42999, 1000, 0, null, null));
             RawSipPeer raw = new RawSipPeer(RAW, BOB)) {
            raw.send(raw.invite("direct"));
            assertEquals(Response.OK, raw.receiveResponse("INVITE").getStatusCode());
        }
    }
}
