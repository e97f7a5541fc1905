package net.sippunch.traversal.upnp.natpmp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.DatagramSession;
import net.sippunch.traversal.Transmit;
import net.sippunch.traversal.upnp.AddressScope;
import net.sippunch.traversal.upnp.IgdStep;
import net.sippunch.traversal.upnp.UpnpEvent;
import net.sippunch.traversal.upnp.UpnpMapping;

/**
 * NAT-PMP (RFC 6886) mapping of one media port, sans-IO: ask the gateway for its external address, map the
 * UDP port asking for the same external port, renew at half the granted lifetime, delete (lifetime 0) on
 * {@link #close}. Requests are retransmitted at 250 ms, doubling, {@code attempts} times (RFC 6886 3.1
 * allows up to 9); a gateway that never answers the first request is {@link UpnpEvent.Absent}.
 *
 * <p>A {@link DatagramSession}: it may run on the media port's own socket (requests must come from the
 * internal client's address; the mapping names the internal port, not the request's source port).
 * Events are the UPnP procedure's, so a call report treats both alike. Not thread-safe.
 */
public final class NatPmpMapping implements DatagramSession {

    private static final long FIRST_RETRY = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long NONE = Long.MIN_VALUE;

    private enum Stage { IDLE, ADDRESS, MAPPING, MAPPED, RENEWING, DELETING, SETTLED, CLOSED }

    private final InetSocketAddress gateway;
    private final InetSocketAddress internal;
    private final long lifetimeSeconds;
    private final int attempts;
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<UpnpEvent> events = new ArrayDeque<>();

    private Stage stage = Stage.IDLE;
    private byte[] request;
    private int sent;
    private long retryAt = NONE;
    private long renewAt = NONE;
    private boolean closing;
    private boolean answered;
    private InetAddress externalAddress;
    private UpnpMapping mapping;
    private long dropped;

    /**
     * @param gateway         the gateway's address (its NAT-PMP port is {@link NatPmpCodec#PORT})
     * @param internal        our address toward the gateway and the media port to map; the requests leave
     *                        from local port {@code internal.getPort()}
     * @param lifetimeSeconds the lifetime asked for (the gateway may grant another)
     * @param attempts        how many times each request is sent, 1..9
     */
    public NatPmpMapping(InetAddress gateway, InetSocketAddress internal, long lifetimeSeconds, int attempts) {
        if (attempts < 1 || attempts > 9) {
            throw new IllegalArgumentException("attempts must be 1..9: " + attempts);
        }
        if (lifetimeSeconds < 1) {
            throw new IllegalArgumentException("lifetimeSeconds must be >= 1: " + lifetimeSeconds);
        }
        this.gateway = new InetSocketAddress(gateway, NatPmpCodec.PORT);
        this.internal = internal;
        this.lifetimeSeconds = lifetimeSeconds;
        this.attempts = attempts;
    }

    /** Sends the external address request. */
    public void start(long nowNanos) {
        if (stage != Stage.IDLE) {
            throw new IllegalStateException("already started");
        }
        send(nowNanos, Stage.ADDRESS, NatPmpCodec.externalAddressRequest());
    }

    /** Deletes the mapping (if any) and ends; {@link #isClosed} tells when it is over. */
    public void close(long nowNanos) {
        closing = true;
        renewAt = NONE;
        if (mapping != null || stage == Stage.MAPPING || stage == Stage.RENEWING) {
            send(nowNanos, Stage.DELETING, NatPmpCodec.mapUdpRequest(internal.getPort(), 0, 0));
        } else if (stage != Stage.DELETING) {
            stage = Stage.CLOSED;
            retryAt = NONE;
        }
    }

    @Override
    public boolean handleDatagram(long nowNanos, int localPort, InetSocketAddress source, byte[] payload) {
        if (!source.equals(gateway) || stage == Stage.IDLE || stage == Stage.CLOSED) {
            return false;
        }
        Optional<NatPmpResponse> decoded = NatPmpCodec.decode(payload);
        if (decoded.isEmpty()) {
            dropped++;
            return false;
        }
        answered = true;
        NatPmpResponse r = decoded.get();
        if (r instanceof NatPmpResponse.ExternalAddress a && stage == Stage.ADDRESS) {
            onAddress(nowNanos, a);
        } else if (r instanceof NatPmpResponse.UdpMapping m && m.resultCode() != 0
                && (stage == Stage.MAPPING || stage == Stage.RENEWING || stage == Stage.DELETING)) {
            onRefused(nowNanos, m.resultCode());
        } else if (r instanceof NatPmpResponse.UdpMapping m && m.internalPort() == internal.getPort()) {
            onMapping(nowNanos, m);
        } else {
            dropped++; // a duplicate or an answer to an earlier request
        }
        return true;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        if (retryAt != NONE && nowNanos - retryAt >= 0) {
            if (sent < attempts) {
                transmit(nowNanos);
            } else {
                retryAt = NONE;
                expired(nowNanos);
            }
        }
        if (renewAt != NONE && nowNanos - renewAt >= 0 && stage == Stage.MAPPED) {
            renewAt = NONE;
            send(nowNanos, Stage.RENEWING, NatPmpCodec.mapUdpRequest(internal.getPort(),
                    mapping.external().getPort(), lifetimeSeconds));
        }
    }

    @Override
    public Optional<Transmit> pollTransmit() {
        return Optional.ofNullable(transmits.poll());
    }

    @Override
    public OptionalLong pollTimeout() {
        if (retryAt != NONE && renewAt != NONE) {
            return OptionalLong.of(retryAt - renewAt < 0 ? retryAt : renewAt);
        }
        return retryAt != NONE ? OptionalLong.of(retryAt) : renewAt != NONE ? OptionalLong.of(renewAt)
                : OptionalLong.empty();
    }

    /** The next event, or empty. */
    public Optional<UpnpEvent> pollEvent() {
        return Optional.ofNullable(events.poll());
    }

    /** The mapping to advertise, while there is one. */
    public Optional<UpnpMapping> mapping() {
        return Optional.ofNullable(mapping);
    }

    /** Whether the procedure is over. */
    public boolean isClosed() {
        return stage == Stage.CLOSED;
    }

    /** Datagrams from the gateway that were malformed or answered nothing outstanding. */
    public long dropped() {
        return dropped;
    }

    private void onAddress(long now, NatPmpResponse.ExternalAddress a) {
        retryAt = NONE;
        if (a.resultCode() != 0) {
            events.add(new UpnpEvent.Refused(IgdStep.EXTERNAL_ADDRESS, a.resultCode(),
                    NatPmpResponse.describe(a.resultCode())));
            settle();
            return;
        }
        Optional<String> useless = AddressScope.uselessBecause(a.address());
        if (useless.isPresent()) {
            events.add(new UpnpEvent.UselessAddress(a.address().getHostAddress(), useless.get()));
            settle();
            return;
        }
        externalAddress = a.address();
        if (closing) {
            settle();
            return;
        }
        send(now, Stage.MAPPING, NatPmpCodec.mapUdpRequest(internal.getPort(), internal.getPort(), lifetimeSeconds));
    }

    private void onMapping(long now, NatPmpResponse.UdpMapping m) {
        retryAt = NONE;
        if (stage == Stage.DELETING) {
            if (m.lifetimeSeconds() != 0) {
                dropped++; // a late answer to the mapping request
                return;
            }
            events.add(new UpnpEvent.Deleted(external(mapping != null ? mapping.external().getPort() : internal.getPort()), true,
                    "deleted"));
            mapping = null;
            stage = Stage.CLOSED;
            return;
        }
        if (stage != Stage.MAPPING && stage != Stage.RENEWING) {
            dropped++;
            return;
        }
        long expires = now + TimeUnit.SECONDS.toNanos(m.lifetimeSeconds());
        boolean renewal = stage == Stage.RENEWING;
        mapping = new UpnpMapping(external(m.externalPort()), internal, (int) Math.min(Integer.MAX_VALUE,
                m.lifetimeSeconds()), expires, true, "NAT-PMP " + gateway.getAddress().getHostAddress());
        stage = Stage.MAPPED;
        renewAt = now + TimeUnit.SECONDS.toNanos(m.lifetimeSeconds()) / 2;
        events.add(renewal ? new UpnpEvent.Renewed(mapping) : new UpnpEvent.Mapped(mapping, 1));
    }

    private void onRefused(long now, int code) {
        retryAt = NONE;
        IgdStep step = stage == Stage.DELETING ? IgdStep.DELETE : stage == Stage.RENEWING ? IgdStep.RENEW : IgdStep.ADD;
        if (step == IgdStep.DELETE) {
            events.add(new UpnpEvent.Deleted(external(mapping != null ? mapping.external().getPort() : internal.getPort()), false,
                    NatPmpResponse.describe(code)));
            stage = Stage.CLOSED;
            mapping = null;
            return;
        }
        events.add(new UpnpEvent.Refused(step, code, NatPmpResponse.describe(code)));
        if (step == IgdStep.RENEW) {
            retryRenewalLater(now); // keep the mapping until it expires
        } else {
            settle();
        }
    }

    private void expired(long now) {
        switch (stage) {
            case ADDRESS -> events.add(answered ? new UpnpEvent.TimedOut(IgdStep.EXTERNAL_ADDRESS) : new UpnpEvent.Absent());
            case MAPPING -> events.add(new UpnpEvent.TimedOut(IgdStep.ADD));
            case RENEWING -> events.add(new UpnpEvent.TimedOut(IgdStep.RENEW));
            case DELETING -> {
                events.add(new UpnpEvent.TimedOut(IgdStep.DELETE));
                events.add(new UpnpEvent.Deleted(external(mapping != null ? mapping.external().getPort()
                        : internal.getPort()), false, "no answer"));
                mapping = null;
                stage = Stage.CLOSED;
                return;
            }
            default -> {
                return;
            }
        }
        if (stage == Stage.RENEWING) {
            retryRenewalLater(now);
        } else {
            settle();
        }
    }

    private void retryRenewalLater(long now) {
        stage = Stage.MAPPED;
        renewAt = now + Math.max(TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(mapping.leaseSeconds()) / 4);
    }

    private void settle() {
        stage = closing ? Stage.CLOSED : Stage.SETTLED;
        renewAt = NONE;
    }

    private InetSocketAddress external(int port) {
        return new InetSocketAddress(externalAddress != null ? externalAddress : new InetSocketAddress(0).getAddress(),
                port);
    }

    private void send(long now, Stage next, byte[] bytes) {
        stage = next;
        request = bytes;
        sent = 0;
        transmit(now);
    }

    private void transmit(long now) {
        transmits.add(new Transmit(internal.getPort(), gateway, request.clone()));
        retryAt = now + (FIRST_RETRY << sent);
        sent++;
    }
}
