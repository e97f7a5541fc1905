package net.sippunch.agent.call;

import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.media.MediaLoop;
import net.sippunch.agent.media.MediaNegotiation;
import net.sippunch.agent.media.MediaPort;
import net.sippunch.agent.sip.DigestAuthorization;
import net.sippunch.agent.sip.SipEndpoint;

/**
 * What every call of one agent shares: the SIP endpoint, the config, a timer, the bounded pool the callee's
 * SDP is prepared on (off the SIP thread), the media port range, digest credentials, the default audio, and
 * where a finished call goes.
 */
public record CallEnvironment(SipEndpoint endpoint, AgentConfig config, ScheduledExecutorService timer,
                              Executor sdpPreparation,
                              MediaPort.Range ports, MediaLoop mediaLoop, Negotiations negotiations, DigestAuthorization authorization,
                              CallPolicy policy, short[] audio, Path recordDir, RandomGenerator random,
                              Consumer<Call> onEnded) {

    /** Creates the media negotiation of a call on its port; plain mode today, the punch engine later. */
    @FunctionalInterface
    public interface Negotiations {
        MediaNegotiation create(MediaPort port, boolean caller);
    }
}
