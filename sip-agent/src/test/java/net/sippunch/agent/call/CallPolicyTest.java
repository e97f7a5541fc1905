package net.sippunch.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.sippunch.agent.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class CallPolicyTest {

    @Test
    void firstMatchingRuleDecidesElseTheDefault() throws Exception {
        var config = ConfigLoader.parse("""
                account: {user: bob, domain: example.org}
                policy:
                  action: refuse
                  status: 480
                  rules:
                    - {caller: "sip:spam*@*", action: refuse, status: 603}
                    - {caller: "sip:*@example.org", action: accept}
                """, "test");
        CallPolicy p = new CallPolicy(config.policy());
        CallPolicy.Decision spam = p.decide("sip:spammer@example.org");
        assertFalse(spam.accept());
        assertEquals(603, spam.status());
        assertTrue(p.decide("sip:alice@example.org").accept());
        assertTrue(p.decide("SIP:Alice@Example.org").accept(), "case-insensitive");
        CallPolicy.Decision stranger = p.decide("sip:alice@elsewhere.net");
        assertFalse(stranger.accept());
        assertEquals(480, stranger.status());
        assertEquals("default", stranger.because());
        // regex characters in a glob are literal
        assertFalse(p.decide("sip:alice@exampleXorg").accept());
    }
}
