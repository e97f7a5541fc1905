package net.sippunch.traversal.turn;

import java.net.InetSocketAddress;
import java.util.List;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;

/**
 * One TURN request and its RFC 8489 retransmissions over UDP: sent again after RTO, 2·RTO, 4·RTO… up to Rc
 * requests in all, then given up Rm·RTO after the last one (7 requests and 39.5 s with the defaults).
 */
final class TurnTransaction {

    enum Kind {
        ALLOCATE(StunMethod.ALLOCATE),
        REFRESH(StunMethod.REFRESH),
        /** A Refresh with lifetime 0. */
        RELEASE(StunMethod.REFRESH),
        CREATE_PERMISSION(StunMethod.CREATE_PERMISSION),
        CHANNEL_BIND(StunMethod.CHANNEL_BIND);

        private final int method;

        Kind(int method) {
            this.method = method;
        }

        /** The STUN method of its requests and their responses. */
        int method() {
            return method;
        }
    }

    private final Kind kind;
    private final TransactionId id;
    private final Transmit request;
    private final boolean authenticated;
    /** The permission or channel the request is about; null for allocation requests. */
    private final Permission permission;
    private final Channel channel;
    /** How many 438 (stale nonce) answers led to this request, counting its predecessors. */
    private final int staleNonces;
    private final long startedAt;
    private final int requestCount;
    private final long giveUpAt;
    private long rto;
    private long nextRetransmitAt;
    private int requestsLeft;

    TurnTransaction(Kind kind, TransactionId id, Transmit request, boolean authenticated, Permission permission,
                    Channel channel, int staleNonces, long nowNanos, long initialRto, int requestCount,
                    int lastWaitFactor) {
        this.kind = kind;
        this.id = id;
        this.request = request;
        this.authenticated = authenticated;
        this.permission = permission;
        this.channel = channel;
        this.staleNonces = staleNonces;
        this.rto = initialRto;
        this.requestsLeft = requestCount - 1;
        this.nextRetransmitAt = nowNanos + initialRto;
        this.startedAt = nowNanos;
        this.requestCount = requestCount;
        long at = nowNanos;
        long r = initialRto;
        for (int i = 1; i < requestCount; i++) {
            at += r;
            r *= 2;
        }
        this.giveUpAt = at + lastWaitFactor * initialRto;
    }

    /** The attributes of a request of {@code kind} before credentials and integrity. */
    static List<StunAttribute> body(Kind kind, TurnConfig config, Permission permission, Channel channel) {
        return switch (kind) {
            case ALLOCATE -> List.of(new StunAttribute.RequestedTransport(StunAttribute.TRANSPORT_UDP),
                    new StunAttribute.Lifetime(config.requestedLifetime().toSeconds()));
            case REFRESH -> List.of(new StunAttribute.Lifetime(config.requestedLifetime().toSeconds()));
            case RELEASE -> List.of(new StunAttribute.Lifetime(0));
            // a permission is for an IP address: the port is ignored (RFC 8656 section 9)
            case CREATE_PERMISSION -> List.of(new StunAttribute.XorPeerAddress(
                    new InetSocketAddress(permission.peer(), 0)));
            case CHANNEL_BIND -> List.of(new StunAttribute.ChannelNumber(channel.number()),
                    new StunAttribute.XorPeerAddress(channel.peer()));
        };
    }

    Kind kind() {
        return kind;
    }

    TransactionId id() {
        return id;
    }

    Transmit request() {
        return request;
    }

    /** True when it carried USERNAME, REALM, NONCE and MESSAGE-INTEGRITY. */
    boolean authenticated() {
        return authenticated;
    }

    Permission permission() {
        return permission;
    }

    Channel channel() {
        return channel;
    }

    int staleNonces() {
        return staleNonces;
    }

    boolean givesUpBy(long nowNanos) {
        return nowNanos >= giveUpAt;
    }

    boolean retransmitDue(long nowNanos) {
        return requestsLeft > 0 && nowNanos >= nextRetransmitAt;
    }

    Transmit retransmit() {
        requestsLeft--;
        rto *= 2;
        nextRetransmitAt += rto;
        return request;
    }

    long nextEventAt() {
        return requestsLeft > 0 ? nextRetransmitAt : giveUpAt;
    }

    /** What was tried, for the reason of a give-up. */
    String noAnswer() {
        return String.format("no answer to %d requests in %.1f s", requestCount, (giveUpAt - startedAt) / 1e9);
    }
}
