package net.sippunch.traversal.turn;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link TurnClient} needs: the server, the local port the relay is used from, the credentials, and
 * the protocol's timers.
 *
 * @param server            the TURN server's UDP address
 * @param localPort         the local port every request and datagram leaves from (the media port)
 * @param credentials       the long-term credentials
 * @param requestedLifetime the LIFETIME asked for in Allocate and Refresh (the server may grant less)
 * @param initialRto        RFC 8489's initial retransmission timeout (500 ms); it doubles per retransmission
 * @param requestCount      RFC 8489's Rc: requests sent at most per transaction (7)
 * @param lastWaitFactor    RFC 8489's Rm: after the last request, the wait is this many initial RTOs (16)
 * @param permissionRefresh how often a permission is refreshed; under the 5 minutes a permission lives
 * @param channelRefresh    how often a channel binding is refreshed; under the 10 minutes a binding lives
 * @param software          the SOFTWARE attribute of requests; empty for none
 */
public record TurnConfig(InetSocketAddress server, int localPort, TurnCredentials credentials,
                         Duration requestedLifetime, Duration initialRto, int requestCount, int lastWaitFactor,
                         Duration permissionRefresh, Duration channelRefresh, String software) {

    /** How long a permission lives on the server (RFC 8656 section 9). */
    public static final Duration PERMISSION_LIFETIME = Duration.ofMinutes(5);
    /** How long a channel binding lives on the server (RFC 8656 section 12). */
    public static final Duration CHANNEL_LIFETIME = Duration.ofMinutes(10);

    public TurnConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(requestedLifetime, "requestedLifetime");
        Objects.requireNonNull(initialRto, "initialRto");
        Objects.requireNonNull(permissionRefresh, "permissionRefresh");
        Objects.requireNonNull(channelRefresh, "channelRefresh");
        Objects.requireNonNull(software, "software");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("unresolved TURN server address: " + server);
        }
        if (localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("local port out of range: " + localPort);
        }
        if (requestedLifetime.toSeconds() < 1 || requestedLifetime.toSeconds() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("requested lifetime must be at least 1 s: " + requestedLifetime);
        }
        if (initialRto.isNegative() || initialRto.isZero()) {
            throw new IllegalArgumentException("initial RTO must be positive: " + initialRto);
        }
        if (requestCount < 1 || lastWaitFactor < 1) {
            throw new IllegalArgumentException("request count and last wait factor must be at least 1");
        }
        if (permissionRefresh.isNegative() || permissionRefresh.isZero()
                || permissionRefresh.compareTo(PERMISSION_LIFETIME) >= 0) {
            throw new IllegalArgumentException("permission refresh must be under 5 minutes: " + permissionRefresh);
        }
        if (channelRefresh.isNegative() || channelRefresh.isZero()
                || channelRefresh.compareTo(CHANNEL_LIFETIME) >= 0) {
            throw new IllegalArgumentException("channel refresh must be under 10 minutes: " + channelRefresh);
        }
    }

    /**
     * RFC 8656's defaults: lifetime 10 minutes, RTO 500 ms, Rc 7, Rm 16, permissions refreshed every 4
     * minutes, channels every 9.
     */
    public static TurnConfig defaults(InetSocketAddress server, int localPort, TurnCredentials credentials) {
        return new TurnConfig(server, localPort, credentials, Duration.ofMinutes(10), Duration.ofMillis(500), 7, 16,
                Duration.ofMinutes(4), Duration.ofMinutes(9), "");
    }

    public TurnConfig withRequestedLifetime(Duration lifetime) {
        return new TurnConfig(server, localPort, credentials, lifetime, initialRto, requestCount, lastWaitFactor,
                permissionRefresh, channelRefresh, software);
    }

    public TurnConfig withSoftware(String value) {
        return new TurnConfig(server, localPort, credentials, requestedLifetime, initialRto, requestCount,
                lastWaitFactor, permissionRefresh, channelRefresh, value);
    }
}
