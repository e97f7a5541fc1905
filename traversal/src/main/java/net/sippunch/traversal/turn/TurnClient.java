package net.sippunch.traversal.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A TURN client over UDP (RFC 8656), sans-IO. From one local port it:
 * <ol>
 *   <li>allocates a relayed address: an Allocate without credentials, whose 401 names the REALM and NONCE,
 *       then again with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY (key {@code MD5(user:realm:pass)});
 *       a 438 (stale nonce) takes the new NONCE and sends the request again, for every request kind;</li>
 *   <li>refreshes the allocation a minute before it expires, and releases it with a Refresh of lifetime 0
 *       ({@link #release});</li>
 *   <li>creates permissions ({@link #createPermission}) and binds channels ({@link #bindChannel}), each
 *       refreshed before it lapses (permissions every 4 minutes, channels every 9, by default);</li>
 *   <li>relays data ({@link #send}): as ChannelData when the peer's channel is bound, else in a Send
 *       indication; never to a peer before the server confirmed a permission for it. Data indications and
 *       ChannelData from the server come out as {@link TurnEvent.DataReceived}.</li>
 * </ol>
 * Requests are retransmitted per RFC 8489 (RTO doubling from 500 ms, 7 requests, a last wait of 16 RTOs).
 * Responses to authenticated requests must carry a correct MESSAGE-INTEGRITY; a success without one, a
 * wrong one, a malformed datagram or an answer to no pending request is dropped and counted (it never
 * ends a transaction, so retransmissions go on). Error responses without MESSAGE-INTEGRITY are accepted: a
 * server cannot sign a 401 or 438, and one that knows the transaction ID could as well drop the request.
 * Errors are reported with their code and reason; an allocation that fails or is lost ends the client with
 * {@link TurnEvent.Failed}.
 */
public final class TurnClient implements DatagramSession {

    private static final Logger LOG = LogManager.getLogger(TurnClient.class);
    /** 438 answers in a row for one request before it counts as failed (a server whose nonces never last). */
    static final int MAX_STALE_NONCES = 3;

    private enum State { ALLOCATING, ALLOCATED, RELEASING, FINISHED }

    private final TurnConfig config;
    private final RandomGenerator random;
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<TurnEvent> events = new ArrayDeque<>();
    private final Map<TransactionId, TurnTransaction> pending = new LinkedHashMap<>();
    private final Map<InetAddress, Permission> permissions = new LinkedHashMap<>();
    private final Map<Integer, Channel> channels = new LinkedHashMap<>();
    private final Map<InetSocketAddress, Channel> channelsByPeer = new LinkedHashMap<>();

    private final LongTermCredentials credentials;
    private State state = State.ALLOCATING;
    private Allocation allocation;
    private boolean refreshPending;
    private int nextChannel = ChannelData.MIN_CHANNEL;

    private long requests;
    private long retransmissions;
    private long staleNonces;
    private long malformed;
    private long unauthenticated;
    private long unmatched;
    private long unpermitted;
    private long refusedSends;
    private long ignored;
    private long dataSent;
    private long dataReceived;

    /**
     * Starts allocating: the first Allocate (without credentials) is ready to poll at once.
     *
     * @param random the source of transaction IDs ({@code SecureRandom} in production)
     */
    public TurnClient(TurnConfig config, RandomGenerator random, long nowNanos) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.credentials = new LongTermCredentials(config.credentials());
        issue(nowNanos, TurnTransaction.Kind.ALLOCATE, null, null, 0);
    }

    /** The allocation's relayed address, once allocated and until the client finishes. */
    public Optional<InetSocketAddress> relayedAddress() {
        return state == State.ALLOCATED ? Optional.of(allocation.relayed()) : Optional.empty();
    }

    /** True once the client failed or released its allocation; it sends nothing more. */
    public boolean finished() {
        return state == State.FINISHED;
    }

    public TurnStats stats() {
        return new TurnStats(requests, retransmissions, staleNonces, malformed, unauthenticated, unmatched, unpermitted,
                refusedSends, ignored, dataSent, dataReceived);
    }

    /**
     * Asks for a permission for {@code peer} (its IP address; RFC 8656 permissions ignore the port). Sent at
     * once when allocated, else as soon as the allocation succeeds; {@link TurnEvent.PermissionCreated} tells
     * when data may flow. Asking again for a peer already asked for does nothing.
     */
    public void createPermission(long nowNanos, InetAddress peer) {
        Objects.requireNonNull(peer, "peer");
        if (state == State.RELEASING || state == State.FINISHED || permissions.containsKey(peer)) {
            return;
        }
        Permission p = new Permission(peer);
        permissions.put(peer, p);
        if (state == State.ALLOCATED) {
            requestPermission(nowNanos, p, 0);
        }
    }

    /**
     * Binds a channel to {@code peer}, which also installs a permission for its IP address; sent at once when
     * allocated, else as soon as the allocation succeeds. Until {@link TurnEvent.ChannelBound}, data to the
     * peer goes in Send indications (once permitted).
     *
     * @return the channel number, the same for a peer already bound or being bound
     * @throws IllegalStateException when all 4096 channel numbers are taken, or the client is finished
     */
    public int bindChannel(long nowNanos, InetSocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        if (state == State.RELEASING || state == State.FINISHED) {
            throw new IllegalStateException("the TURN client is " + (state == State.FINISHED ? "finished" : "releasing"));
        }
        Channel existing = channelsByPeer.get(peer);
        if (existing != null) {
            return existing.number();
        }
        if (nextChannel > ChannelData.MAX_CHANNEL) {
            throw new IllegalStateException("all channel numbers 0x4000..0x4FFF are in use");
        }
        Channel c = new Channel(nextChannel++, peer);
        channels.put(c.number(), c);
        channelsByPeer.put(peer, c);
        if (state == State.ALLOCATED) {
            requestChannel(nowNanos, c, 0);
        }
        return c.number();
    }

    /**
     * Relays {@code data} to {@code peer}: as ChannelData when its channel is bound, else in a Send indication.
     *
     * @return false (counted) when there is no allocation or no permission for the peer's IP address yet:
     *         nothing goes to a peer before the server confirmed its permission
     */
    public boolean send(long nowNanos, InetSocketAddress peer, byte[] data) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(data, "data");
        Permission p = permissions.get(peer.getAddress());
        if (state != State.ALLOCATED || p == null || !p.installed()) {
            refusedSends++;
            LOG.debug("TURN: not sending {} bytes to {}: no permission installed", data.length, peer);
            return false;
        }
        Channel c = channelsByPeer.get(peer);
        byte[] datagram;
        if (c != null && c.bound()) {
            datagram = new ChannelData(c.number(), data).encode();
        } else {
            StunMessage indication = new StunMessage(StunClass.INDICATION, StunMethod.SEND,
                    TransactionId.random(random),
                    List.of(new StunAttribute.XorPeerAddress(peer), new StunAttribute.Data(data)));
            datagram = StunCodec.encode(indication);
        }
        transmits.add(new Transmit(config.localPort(), config.server(), datagram));
        dataSent++;
        return true;
    }

    /**
     * Releases the allocation: a Refresh with lifetime 0, then {@link TurnEvent.Released}. Before an
     * allocation exists the client just finishes (a server that allocated anyway lets it expire).
     */
    public void release(long nowNanos) {
        if (state == State.RELEASING || state == State.FINISHED) {
            return;
        }
        boolean allocated = state == State.ALLOCATED;
        pending.clear();
        refreshPending = false;
        if (!allocated) {
            finish(new TurnEvent.Released());
            return;
        }
        state = State.RELEASING;
        issue(nowNanos, TurnTransaction.Kind.RELEASE, null, null, 0);
    }

    /** The next event, or empty. Call until empty after each input. */
    public Optional<TurnEvent> pollEvent() {
        return Optional.ofNullable(events.poll());
    }

    @Override
    public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
        if (state == State.FINISHED || localPort != config.localPort() || !config.server().equals(source)) {
            ignored++;
            return false;
        }
        if (ChannelData.looksLikeChannelData(payload)) {
            return onChannelData(payload);
        }
        StunDecodeResult result = StunCodec.decode(payload);
        if (!(result instanceof StunDecodeResult.Decoded decoded)) {
            malformed++;
            LOG.debug("TURN: dropped a datagram from {}: {}", source, result);
            return false;
        }
        StunMessage m = decoded.message();
        if (m.type() == StunClass.INDICATION && m.method() == StunMethod.DATA) {
            return onDataIndication(m);
        }
        if (m.type() != StunClass.SUCCESS_RESPONSE && m.type() != StunClass.ERROR_RESPONSE) {
            malformed++;
            LOG.debug("TURN: dropped a {} of method {} from the server", m.type(), m.method());
            return false;
        }
        TurnTransaction tx = pending.get(m.transactionId());
        if (tx == null) {
            unmatched++;
            LOG.debug("TURN: dropped a {} to no pending request", m.type());
            return false;
        }
        if (m.method() != tx.kind().method()) {
            malformed++;
            LOG.debug("TURN: dropped an answer of method {} to a {} request", m.method(), tx.kind());
            return false;
        }
        if (!authentic(tx, m, payload)) {
            unauthenticated++;
            LOG.debug("TURN: dropped an unauthenticated {} to {}", m.type(), tx.kind());
            return false;
        }
        if (m.type() == StunClass.SUCCESS_RESPONSE) {
            return onSuccess(nowNanos, tx, m);
        }
        pending.remove(tx.id());
        onError(nowNanos, tx, m);
        return true;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        if (state == State.FINISHED) {
            return;
        }
        for (TurnTransaction tx : List.copyOf(pending.values())) {
            if (state == State.FINISHED) {
                return;
            }
            if (tx.givesUpBy(nowNanos)) {
                pending.remove(tx.id());
                onFailure(tx, TurnEvent.NO_RESPONSE, tx.noAnswer(), Optional.empty());
            } else if (tx.retransmitDue(nowNanos)) {
                retransmissions++;
                transmits.add(tx.retransmit());
            }
        }
        if (state != State.ALLOCATED) {
            return;
        }
        if (!refreshPending && nowNanos >= allocation.refreshAt()) {
            issue(nowNanos, TurnTransaction.Kind.REFRESH, null, null, 0);
        }
        for (Permission p : permissions.values()) {
            if (p.refreshDue(nowNanos)) {
                requestPermission(nowNanos, p, 0);
            }
        }
        for (Channel c : channels.values()) {
            if (c.refreshDue(nowNanos)) {
                requestChannel(nowNanos, c, 0);
            }
        }
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(transmits.poll());
    }

    @Override
    public OptionalLong pollTimeout() {
        if (state == State.FINISHED) {
            return OptionalLong.empty();
        }
        long next = Long.MAX_VALUE;
        for (TurnTransaction tx : pending.values()) {
            next = Math.min(next, tx.nextEventAt());
        }
        if (state == State.ALLOCATED) {
            if (!refreshPending) {
                next = Math.min(next, allocation.refreshAt());
            }
            for (Permission p : permissions.values()) {
                next = Math.min(next, p.nextEventAt());
            }
            for (Channel c : channels.values()) {
                next = Math.min(next, c.nextEventAt());
            }
        }
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next);
    }

    private boolean onChannelData(byte[] payload) {
        Optional<ChannelData> decoded = ChannelData.decode(payload);
        if (decoded.isEmpty()) {
            malformed++;
            LOG.debug("TURN: dropped a malformed ChannelData of {} bytes", payload.length);
            return false;
        }
        // a binding still being confirmed counts: the server may relay before its success reaches us
        Channel c = channels.get(decoded.get().channel());
        if (c == null || state != State.ALLOCATED) {
            unpermitted++;
            LOG.debug("TURN: dropped ChannelData on unknown channel 0x{}", Integer.toHexString(decoded.get().channel()));
            return false;
        }
        dataReceived++;
        events.add(new TurnEvent.DataReceived(c.peer(), decoded.get().data(), true));
        return true;
    }

    private boolean onDataIndication(StunMessage m) {
        Optional<StunAttribute.XorPeerAddress> peer = m.attribute(StunAttribute.XorPeerAddress.class);
        Optional<StunAttribute.Data> data = m.attribute(StunAttribute.Data.class);
        if (peer.isEmpty() || data.isEmpty()) {
            malformed++;
            LOG.debug("TURN: dropped a Data indication without XOR-PEER-ADDRESS or DATA");
            return false;
        }
        InetSocketAddress from = peer.get().address();
        if (state != State.ALLOCATED || !permissions.containsKey(from.getAddress())) {
            unpermitted++;
            LOG.debug("TURN: dropped a Data indication from {}, which has no permission", from);
            return false;
        }
        dataReceived++;
        events.add(new TurnEvent.DataReceived(from, data.get().value(), false));
        return true;
    }

    /**
     * A response carrying MESSAGE-INTEGRITY must verify with the current key; a success must carry one when
     * its request did.
     */
    private boolean authentic(TurnTransaction tx, StunMessage m, byte[] payload) {
        if (m.attribute(StunAttribute.MessageIntegrity.class).isPresent()) {
            return credentials.verifies(payload);
        }
        return m.type() == StunClass.ERROR_RESPONSE || !tx.authenticated();
    }

    private boolean onSuccess(long nowNanos, TurnTransaction tx, StunMessage m) {
        switch (tx.kind()) {
            case ALLOCATE -> {
                Optional<StunAttribute.XorRelayedAddress> relayed = m.attribute(StunAttribute.XorRelayedAddress.class);
                Optional<StunAttribute.XorMappedAddress> mapped = m.attribute(StunAttribute.XorMappedAddress.class);
                Optional<StunAttribute.Lifetime> lifetime = m.attribute(StunAttribute.Lifetime.class);
                if (relayed.isEmpty() || mapped.isEmpty() || lifetime.isEmpty() || lifetime.get().seconds() == 0) {
                    malformed++;
                    LOG.debug("TURN: dropped an Allocate success without relayed or mapped address or lifetime");
                    return false;
                }
                pending.remove(tx.id());
                Duration granted = Duration.ofSeconds(lifetime.get().seconds());
                allocation = new Allocation(relayed.get().address(), mapped.get().address(), granted,
                        Allocation.refreshAt(nowNanos, granted));
                state = State.ALLOCATED;
                LOG.debug("TURN: allocated {} (mapped {}) for {}", allocation.relayed(), allocation.mapped(), granted);
                events.add(new TurnEvent.Allocated(allocation.relayed(), allocation.mapped(), granted));
                permissions.values().forEach(p -> requestPermission(nowNanos, p, 0));
                channels.values().forEach(c -> requestChannel(nowNanos, c, 0));
            }
            case REFRESH -> {
                Optional<StunAttribute.Lifetime> lifetime = m.attribute(StunAttribute.Lifetime.class);
                if (lifetime.isEmpty() || lifetime.get().seconds() == 0) {
                    malformed++;
                    LOG.debug("TURN: dropped a Refresh success without a lifetime");
                    return false;
                }
                pending.remove(tx.id());
                refreshPending = false;
                Duration granted = Duration.ofSeconds(lifetime.get().seconds());
                allocation = allocation.refreshed(nowNanos, granted);
                events.add(new TurnEvent.Refreshed(granted));
            }
            case RELEASE -> {
                pending.remove(tx.id());
                finish(new TurnEvent.Released());
            }
            case CREATE_PERMISSION -> {
                pending.remove(tx.id());
                Permission p = tx.permission();
                if (permissions.get(p.peer()) == p && p.confirmed(nowNanos, config.permissionRefresh().toNanos())) {
                    events.add(new TurnEvent.PermissionCreated(p.peer()));
                }
            }
            case CHANNEL_BIND -> {
                pending.remove(tx.id());
                Channel c = tx.channel();
                if (channels.get(c.number()) != c) {
                    return true;
                }
                boolean first = c.confirmed(nowNanos, config.channelRefresh().toNanos());
                // the binding installed or refreshed the permission of the peer's IP address too
                Permission p = permissions.computeIfAbsent(c.peer().getAddress(), Permission::new);
                if (!p.requestPending() && p.confirmed(nowNanos, config.permissionRefresh().toNanos())) {
                    events.add(new TurnEvent.PermissionCreated(p.peer()));
                }
                if (first) {
                    events.add(new TurnEvent.ChannelBound(c.number(), c.peer()));
                }
            }
        }
        return true;
    }

    private void onError(long nowNanos, TurnTransaction tx, StunMessage m) {
        Optional<StunAttribute.ErrorCode> error = m.attribute(StunAttribute.ErrorCode.class);
        if (error.isEmpty()) {
            malformed++;
            onFailure(tx, 400, "error response without ERROR-CODE", Optional.empty());
            return;
        }
        int code = error.get().code();
        String reason = error.get().reason();
        Optional<String> newNonce = m.attribute(StunAttribute.Nonce.class).map(StunAttribute.Nonce::value);
        Optional<String> newRealm = m.attribute(StunAttribute.Realm.class).map(StunAttribute.Realm::value);
        if (code == 401 && !tx.authenticated()) {
            if (newNonce.isEmpty() || newRealm.isEmpty()) {
                onFailure(tx, code, "401 " + reason + " without REALM and NONCE", Optional.empty());
                return;
            }
            credentials.use(newRealm.get(), newNonce.get());
            issue(nowNanos, tx.kind(), tx.permission(), tx.channel(), tx.staleNonces());
            return;
        }
        if (code == 438 && newNonce.isPresent() && tx.staleNonces() < MAX_STALE_NONCES) {
            staleNonces++;
            credentials.use(newRealm.orElse(credentials.realm()), newNonce.get());
            issue(nowNanos, tx.kind(), tx.permission(), tx.channel(), tx.staleNonces() + 1);
            return;
        }
        String text = code + " " + reason;
        if (code == 401) {
            text += ": the server refused the credentials of " + credentials.username();
        } else if (code == 300) {
            text += ": the server sends us elsewhere";
        } else if (code == 437) {
            text += ": the server holds another allocation for this 5-tuple, or none";
        } else if (code == 508) {
            text += ": the server has no relay capacity left";
        }
        onFailure(tx, code, text,
                m.attribute(StunAttribute.AlternateServer.class).map(StunAttribute.AlternateServer::address));
    }

    /** A request failed: by an error answer, or by no answer at all ({@link TurnEvent#NO_RESPONSE}). */
    private void onFailure(TurnTransaction tx, int code, String reason, Optional<InetSocketAddress> alternate) {
        LOG.debug("TURN: {} failed: {}", tx.kind(), reason);
        switch (tx.kind()) {
            case ALLOCATE -> finish(new TurnEvent.Failed("Allocate: " + reason, code, alternate));
            case REFRESH -> finish(new TurnEvent.Failed("Refresh: " + reason, code, alternate));
            case RELEASE -> finish(code == 437 ? new TurnEvent.Released()
                    : new TurnEvent.Failed("Refresh (release): " + reason, code, alternate));
            case CREATE_PERMISSION -> {
                Permission p = tx.permission();
                if (permissions.get(p.peer()) == p) {
                    permissions.remove(p.peer());
                    events.add(new TurnEvent.PermissionFailed(p.peer(), code, reason));
                }
            }
            case CHANNEL_BIND -> {
                Channel c = tx.channel();
                if (channels.get(c.number()) == c) {
                    channels.remove(c.number());
                    channelsByPeer.remove(c.peer());
                    events.add(new TurnEvent.ChannelFailed(c.number(), c.peer(), code, reason));
                }
            }
        }
    }

    private void finish(TurnEvent last) {
        state = State.FINISHED;
        pending.clear();
        permissions.clear();
        channels.clear();
        channelsByPeer.clear();
        events.add(last);
    }

    private void requestPermission(long nowNanos, Permission p, int staleNonces) {
        p.requested();
        issue(nowNanos, TurnTransaction.Kind.CREATE_PERMISSION, p, null, staleNonces);
    }

    private void requestChannel(long nowNanos, Channel c, int staleNonces) {
        c.requested();
        issue(nowNanos, TurnTransaction.Kind.CHANNEL_BIND, null, c, staleNonces);
    }

    /** Sends a new request of {@code kind}, authenticated once the server has named its realm and nonce. */
    private void issue(long nowNanos, TurnTransaction.Kind kind, Permission permission, Channel channel,
                       int staleNonces) {
        if (kind == TurnTransaction.Kind.REFRESH) {
            refreshPending = true;
        }
        List<StunAttribute> attributes = new ArrayList<>(8);
        attributes.addAll(TurnTransaction.body(kind, config, permission, channel));
        if (!config.software().isEmpty()) {
            attributes.add(new StunAttribute.Software(config.software()));
        }
        boolean authenticated = credentials.ready();
        if (authenticated) {
            attributes.addAll(credentials.attributes());
        }
        TransactionId id = TransactionId.random(random);
        StunMessage request = new StunMessage(StunClass.REQUEST, kind.method(), id, attributes);
        Transmit transmit = new Transmit(config.localPort(), config.server(),
                StunCodec.encode(request, credentials.key(), true));
        pending.put(id, new TurnTransaction(kind, id, transmit, authenticated, permission, channel, staleNonces,
                nowNanos, config.initialRto().toNanos(), config.requestCount(), config.lastWaitFactor()));
        transmits.add(transmit);
        requests++;
    }
}
