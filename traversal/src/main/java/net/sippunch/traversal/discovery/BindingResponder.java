package net.sippunch.traversal.discovery;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The discovery server's protocol logic, stateless and sans-IO: one Binding request in, at most one
 * response out. RFC 8489 clients get XOR-MAPPED-ADDRESS (and MAPPED-ADDRESS), RFC 3489 clients get
 * MAPPED-ADDRESS, SOURCE-ADDRESS and CHANGED-ADDRESS; in RFC 5780 mode CHANGE-REQUEST, RESPONSE-PORT,
 * RESPONSE-ORIGIN and OTHER-ADDRESS are honoured. Anything else is dropped and counted. Thread-safe.
 */
public final class BindingResponder {

    private static final Logger LOG = LogManager.getLogger(BindingResponder.class);

    /**
     * The longest datagram answered (STUN with RFC 5780 PADDING reaches 1532 bytes). A driver reads at
     * least one byte more, so that a longer datagram arrives longer, not truncated to a valid prefix.
     */
    public static final int MAX_DATAGRAM = 2048;

    private final ServerAddresses addresses;
    private final String software;
    private final DiscoveryServerStats stats = new DiscoveryServerStats();

    public BindingResponder(ServerAddresses addresses, String software) {
        this.addresses = addresses;
        this.software = software;
    }

    /** What to send: the bytes, the local address they leave from, and where to. */
    public record Reply(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    }

    public DiscoveryServerStats stats() {
        return stats;
    }

    /**
     * Answers one datagram.
     *
     * @param local  the local address it arrived on
     * @param source where it came from
     * @param data   its bytes; longer than {@link #MAX_DATAGRAM} is dropped, so a driver whose buffer
     *               may have truncated the datagram passes one byte more than the limit
     * @return the reply, or empty when the datagram is dropped (counted in {@link #stats()})
     */
    public Optional<Reply> respond(InetSocketAddress local, InetSocketAddress source, byte[] data) {
        stats.received.increment();
        if (data.length > MAX_DATAGRAM) {
            stats.oversized.increment();
            LOG.debug("dropped oversized datagram from {}: {} bytes or more", source, data.length);
            return Optional.empty();
        }
        StunDecodeResult result = StunCodec.decode(data);
        if (result instanceof StunDecodeResult.Malformed m) {
            stats.malformed.increment();
            LOG.debug("dropped malformed datagram from {}: {}", source, m.reason());
            return Optional.empty();
        }
        StunMessage request = ((StunDecodeResult.Decoded) result).message();
        if (request.type() != StunClass.REQUEST || request.method() != StunMethod.BINDING) {
            stats.notBindingRequest.increment();
            LOG.debug("dropped {} method {} from {}", request.type(), request.method(), source);
            return Optional.empty();
        }
        boolean legacy = request.transactionId().legacy();
        boolean fingerprint = request.attribute(StunAttribute.Fingerprint.class).isPresent();

        List<Integer> unknown = unknownComprehensionRequired(request);
        if (!unknown.isEmpty()) {
            return Optional.of(error(local, source, request, 420, "Unknown Attribute", unknown, fingerprint));
        }
        Optional<StunAttribute.ChangeRequest> change = request.attribute(StunAttribute.ChangeRequest.class);
        InetSocketAddress from = local;
        if (change.isPresent()) {
            Optional<InetSocketAddress> changed =
                    addresses.changed(local, change.get().changeIp(), change.get().changePort());
            if (changed.isEmpty()) {
                return Optional.of(error(local, source, request, 420, "Unknown Attribute",
                        List.of(StunAttribute.CHANGE_REQUEST), fingerprint));
            }
            from = changed.get();
        }
        InetSocketAddress to = source;
        Optional<StunAttribute.ResponsePort> responsePort = request.attribute(StunAttribute.ResponsePort.class);
        if (responsePort.isPresent()) {
            if (!addresses.rfc5780()) {
                return Optional.of(error(local, source, request, 420, "Unknown Attribute",
                        List.of(StunAttribute.RESPONSE_PORT), fingerprint));
            }
            if (responsePort.get().port() == 0) {
                // port 0 reaches no socket: nothing can be answered, as for any other malformed request
                stats.malformed.increment();
                LOG.debug("dropped Binding request from {}: RESPONSE-PORT 0", source);
                return Optional.empty();
            }
            to = new InetSocketAddress(source.getAddress(), responsePort.get().port());
        }

        List<StunAttribute> attributes = new ArrayList<>(5);
        Optional<InetSocketAddress> other = addresses.other(local);
        if (legacy) {
            attributes.add(new StunAttribute.MappedAddress(source));
            attributes.add(new StunAttribute.SourceAddress(from));
            other.ifPresent(o -> attributes.add(new StunAttribute.ChangedAddress(o)));
        } else {
            attributes.add(new StunAttribute.XorMappedAddress(source));
            attributes.add(new StunAttribute.MappedAddress(source));
            if (addresses.rfc5780()) {
                attributes.add(new StunAttribute.ResponseOrigin(from));
                other.ifPresent(o -> attributes.add(new StunAttribute.OtherAddress(o)));
            }
            attributes.add(new StunAttribute.Software(software));
        }
        byte[] payload = StunCodec.encode(
                new StunMessage(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING, request.transactionId(), attributes),
                null, fingerprint && !legacy);
        stats.answered.increment();
        return Optional.of(new Reply(from, to, payload));
    }

    private Reply error(InetSocketAddress local, InetSocketAddress source, StunMessage request, int code,
                        String reason, List<Integer> unknown, boolean fingerprint) {
        stats.errors.increment();
        List<StunAttribute> attributes = new ArrayList<>(3);
        attributes.add(new StunAttribute.ErrorCode(code, reason));
        if (!unknown.isEmpty()) {
            attributes.add(new StunAttribute.UnknownAttributes(unknown.stream().mapToInt(Integer::intValue).toArray()));
        }
        attributes.add(new StunAttribute.Software(software));
        byte[] payload = StunCodec.encode(
                new StunMessage(StunClass.ERROR_RESPONSE, StunMethod.BINDING, request.transactionId(), attributes),
                null, fingerprint && !request.transactionId().legacy());
        return new Reply(local, source, payload);
    }

    private static List<Integer> unknownComprehensionRequired(StunMessage request) {
        List<Integer> unknown = new ArrayList<>(0);
        for (StunAttribute a : request.attributes()) {
            if (a instanceof StunAttribute.UnknownAttribute u && StunAttribute.comprehensionRequired(u.type())) {
                unknown.add(u.type());
            }
        }
        return unknown;
    }
}
