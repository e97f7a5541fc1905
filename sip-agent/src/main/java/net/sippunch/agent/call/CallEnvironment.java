package net.sippunch.agent.call;

import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.media.MediaNegotiation;
import net.sippunch.agent.media.MediaPortRange;
import net.sippunch.agent.sip.DigestAuthorization;
import net.sippunch.agent.sip.SipEndpoint;
import net.sippunch.traversal.netty.NettyMediaPort;

/**
 * What every call of one agent shares: the SIP endpoint, the config, a timer, the bounded pool the callee's
 * SDP is prepared on (off the SIP thread), the executor a call's end is released on (off its lock), the media
 * port range (each port on a loop of the agent's media event loop group), digest credentials, the default audio, and
 * where a finished call goes.
 */
public record CallEnvironment(SipEndpoint endpoint, AgentConfig config, ScheduledExecutorService timer,
                              Executor sdpPreparation, Executor cleanup,
                              MediaPortRange ports, Negotiations negotiations, DigestAuthorization authorization,
                              CallPolicy policy, short[] audio, Path recordDir, RandomGenerator random,
                              Consumer<Call> onEnded) {

    /** The shortest Retry-After of a 503, seconds, and the spread above it. */
    private static final int RETRY_AFTER_MIN = 5;
    private static final int RETRY_AFTER_SPREAD = 10;

    /**
     * The Retry-After of a 503: 5 to 14 s, spread so that the callers refused by one burst do not all come
     * back in the same second.
     */
    public int retryAfterSeconds() {
        return RETRY_AFTER_MIN + random.nextInt(RETRY_AFTER_SPREAD);
    }

    /** Creates the media negotiation of a call on its port; plain mode today, the punch engine later. */
    @FunctionalInterface
    public interface Negotiations {
        MediaNegotiation create(NettyMediaPort port, boolean caller);
    }
}
