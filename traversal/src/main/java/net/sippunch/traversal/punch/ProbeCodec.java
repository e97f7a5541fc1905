package net.sippunch.traversal.punch;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.ice.Candidate;
import net.sippunch.traversal.ice.CandidateType;
import net.sippunch.traversal.stun.MessageIntegrityKey;
import net.sippunch.traversal.stun.StunAttribute;
import net.sippunch.traversal.stun.StunClass;
import net.sippunch.traversal.stun.StunCodec;
import net.sippunch.traversal.stun.StunDecodeResult;
import net.sippunch.traversal.stun.StunMessage;
import net.sippunch.traversal.stun.StunMethod;
import net.sippunch.traversal.stun.TransactionId;

/**
 * Probes and acknowledgements on the wire, as ICE connectivity checks (RFC 8445 section 7.2): a probe is a
 * Binding request with USERNAME "peerUfrag:ownUfrag", PRIORITY (what a peer-reflexive candidate learned from
 * it would have), ICE-CONTROLLING or ICE-CONTROLLED, USE-CANDIDATE when it nominates,
 * MESSAGE-INTEGRITY(-SHA256) keyed with the peer's password and FINGERPRINT; an acknowledgement is a Binding
 * success response with XOR-MAPPED-ADDRESS, keyed with the responder's password. Wireshark decodes both as
 * STUN.
 */
final class ProbeCodec {

    /** STUN error code 487, Role Conflict (RFC 8445 section 7.3.1.1). */
    static final int ROLE_CONFLICT = 487;

    /** The PRIORITY of an RTP probe: a peer-reflexive RTP candidate of the highest local preference. */
    static final int PEER_REFLEXIVE_PRIORITY = peerReflexivePriority(Candidate.RTP);

    private final String outboundUsername;
    private final String inboundUsername;
    private final MessageIntegrityKey peerKey;
    private final MessageIntegrityKey ownKey;
    private final long tieBreaker;
    private final int priority;
    private PunchRole role;

    ProbeCodec(IceCredentials own, IceCredentials peer, PunchRole role, long tieBreaker, boolean sha256) {
        this(own, peer, role, tieBreaker, sha256, Candidate.RTP);
    }

    /** @param component the component the probes check: 1 (RTP), or 2 (RTCP on a port of its own) */
    ProbeCodec(IceCredentials own, IceCredentials peer, PunchRole role, long tieBreaker, boolean sha256,
               int component) {
        Objects.requireNonNull(own, "own");
        Objects.requireNonNull(peer, "peer");
        MessageIntegrityKey.Algorithm algorithm = sha256 ? MessageIntegrityKey.Algorithm.SHA256
                : MessageIntegrityKey.Algorithm.SHA1;
        this.outboundUsername = peer.ufrag() + ":" + own.ufrag();
        this.inboundUsername = own.ufrag() + ":" + peer.ufrag();
        this.peerKey = MessageIntegrityKey.shortTerm(peer.password(), algorithm);
        this.ownKey = MessageIntegrityKey.shortTerm(own.password(), algorithm);
        this.role = Objects.requireNonNull(role, "role");
        this.tieBreaker = tieBreaker;
        this.priority = peerReflexivePriority(component);
    }

    /** What a peer-reflexive candidate of the component, of the highest local preference, has. */
    static int peerReflexivePriority(int component) {
        return (int) Candidate.priority(CandidateType.PEER_REFLEXIVE, 0xFFFF, component);
    }

    /** This side's role from now on, after a role conflict (RFC 8445 section 7.3.1.1). */
    void role(PunchRole newRole) {
        this.role = Objects.requireNonNull(newRole, "newRole");
    }

    /** This side's tie-breaker, which settles a role conflict. */
    long tieBreaker() {
        return tieBreaker;
    }

    /** A probe with the given transaction id; {@code nominate} adds USE-CANDIDATE. */
    byte[] probe(TransactionId id, boolean nominate) {
        List<StunAttribute> attributes = new ArrayList<>(4);
        attributes.add(new StunAttribute.Username(outboundUsername));
        attributes.add(new StunAttribute.Priority(priority));
        attributes.add(role == PunchRole.CONTROLLING ? new StunAttribute.IceControlling(tieBreaker)
                : new StunAttribute.IceControlled(tieBreaker));
        if (nominate) {
            attributes.add(new StunAttribute.UseCandidate());
        }
        return StunCodec.encode(StunMessage.bindingRequest(id, attributes), peerKey, true);
    }

    /** The acknowledgement of a probe that arrived from {@code source}. */
    byte[] acknowledgement(TransactionId id, InetSocketAddress source) {
        return StunCodec.encode(StunMessage.bindingSuccess(id, List.of(new StunAttribute.XorMappedAddress(source))),
                ownKey, true);
    }

    /** The 487 (Role Conflict) error answer to a probe whose sender must change its role. */
    byte[] roleConflict(TransactionId id) {
        StunMessage error = new StunMessage(StunClass.ERROR_RESPONSE, StunMethod.BINDING, id,
                List.of(new StunAttribute.ErrorCode(ROLE_CONFLICT, "Role Conflict")));
        return StunCodec.encode(error, ownKey, true);
    }

    /** What a datagram is to this session. */
    sealed interface Inbound {
        /** Not STUN at all (RTP, RTCP, DTLS...): not this session's to judge. */
        record NotStun() implements Inbound {
        }

        /** STUN, but dropped; {@code reason} names why (counted, logged at debug). */
        record Dropped(String reason) implements Inbound {
        }

        /**
         * An authenticated probe from the peer, with the role it claims (ICE-CONTROLLING or ICE-CONTROLLED,
         * empty when it names none) and its tie-breaker.
         */
        record Probe(TransactionId id, boolean nominated, Optional<PunchRole> peerRole, long peerTieBreaker)
                implements Inbound {
        }

        /** The peer's authenticated 487 answer to a probe of ours: we must change our role and probe again. */
        record RoleConflict(TransactionId id) implements Inbound {
        }

        /**
         * An authenticated acknowledgement (its transaction id still has to be matched), with the address the
         * peer saw our probe come from (XOR-MAPPED-ADDRESS), when it named one.
         */
        record Acknowledgement(TransactionId id, Optional<InetSocketAddress> mapped) implements Inbound {
        }
    }

    /** Classifies and authenticates one datagram. Never throws on hostile bytes. */
    Inbound read(byte[] datagram) {
        if (!StunCodec.looksLikeStun(datagram)) {
            return new Inbound.NotStun();
        }
        StunDecodeResult result = StunCodec.decode(datagram);
        if (!(result instanceof StunDecodeResult.Decoded decoded)) {
            return new Inbound.Dropped("malformed");
        }
        StunMessage message = decoded.message();
        if (message.method() != StunMethod.BINDING) {
            return new Inbound.Dropped("not a Binding message");
        }
        if (message.type() == StunClass.REQUEST) {
            boolean userMatches = message.attribute(StunAttribute.Username.class)
                    .map(u -> u.value().equals(inboundUsername)).orElse(false);
            if (!userMatches) {
                return new Inbound.Dropped("probe with a foreign USERNAME");
            }
            if (!StunCodec.verifyIntegrity(datagram, ownKey)) {
                return new Inbound.Dropped("probe failed MESSAGE-INTEGRITY");
            }
            Optional<StunAttribute.IceControlling> controlling = message.attribute(StunAttribute.IceControlling.class);
            Optional<StunAttribute.IceControlled> controlled = message.attribute(StunAttribute.IceControlled.class);
            Optional<PunchRole> peerRole = controlling.isPresent() ? Optional.of(PunchRole.CONTROLLING)
                    : controlled.isPresent() ? Optional.of(PunchRole.CONTROLLED) : Optional.empty();
            long peerTieBreaker = controlling.map(StunAttribute.IceControlling::tieBreaker)
                    .or(() -> controlled.map(StunAttribute.IceControlled::tieBreaker)).orElse(0L);
            return new Inbound.Probe(message.transactionId(),
                    message.attribute(StunAttribute.UseCandidate.class).isPresent(), peerRole, peerTieBreaker);
        }
        if (message.type() == StunClass.SUCCESS_RESPONSE) {
            if (!StunCodec.verifyIntegrity(datagram, peerKey)) {
                return new Inbound.Dropped("acknowledgement failed MESSAGE-INTEGRITY");
            }
            return new Inbound.Acknowledgement(message.transactionId(),
                    message.attribute(StunAttribute.XorMappedAddress.class).map(StunAttribute.XorMappedAddress::address));
        }
        if (message.type() == StunClass.ERROR_RESPONSE && message.attribute(StunAttribute.ErrorCode.class)
                .map(e -> e.code() == ROLE_CONFLICT).orElse(false)) {
            if (!StunCodec.verifyIntegrity(datagram, peerKey)) {
                return new Inbound.Dropped("role conflict answer failed MESSAGE-INTEGRITY");
            }
            return new Inbound.RoleConflict(message.transactionId());
        }
        return new Inbound.Dropped("STUN " + message.type() + " ignored");
    }
}
