package net.sippunch.agent.media;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sippunch.agent.media.srtp.CryptoSuite;
import net.sippunch.agent.media.srtp.SdesCrypto;
import net.sippunch.agent.media.srtp.SrtpKeys;

/**
 * SDES-keyed SRTP (RFC 4568) around either mode's negotiation: the {@code a=crypto} lines and the transport of
 * the audio stream are this class's; everything else of the SDP, and the path, are the wrapped negotiation's,
 * which sees the peer's SDP with {@code RTP/AVP} in place of {@code RTP/SAVP}.
 *
 * <p>Our offer carries a fresh key per suite of {@link #OFFERED}, under tags 1, 2, 3; with encryption required
 * its transport is {@code RTP/SAVP}, else {@code RTP/AVP} (best effort, as baresip's {@code mediaenc srtp} and
 * Linphone offer). Our answer takes the offer's first suite we speak, repeats its tag and carries our own fresh
 * key. Refused with an {@link SdpProblem} (488, or a BYE for an answer): an {@code RTP/SAVP} offer without a
 * usable {@code a=crypto}, an offer or answer without one when encryption is required, an answer whose
 * {@code a=crypto} names a tag or suite we did not offer. A best-effort exchange without crypto goes on with
 * plain RTP, and {@link #encryption()} says why.
 */
public final class SdesNegotiation extends ForwardingNegotiation {

    /**
     * The suites offered, preferred first: the _80 suite that every SDES peer speaks (RFC 4568's
     * mandatory one), the _32 suite, then GCM (RFC 7714), which fewer SDES peers know.
     */
    public static final List<CryptoSuite> OFFERED = List.of(CryptoSuite.AES_CM_128_HMAC_SHA1_80,
            CryptoSuite.AES_CM_128_HMAC_SHA1_32, CryptoSuite.AEAD_AES_128_GCM);

    private static final String AVP = "RTP/AVP";
    private static final String SAVP = "RTP/SAVP";

    private final boolean required;
    private final SecureRandom random;
    private volatile List<SdesCrypto> offered = List.of();
    /** Our key in use and the peer's, once agreed (null: plain RTP). */
    private volatile SdesCrypto ours;
    private volatile SdesCrypto theirs;
    /** Whether the agreed stream's transport is RTP/SAVP. */
    private volatile boolean savp;
    private volatile String encryption = "none (not negotiated)";

    /**
     * @param required true: offer {@code RTP/SAVP} and refuse a call without SRTP; false: best effort
     * @param random   where the master keys come from
     */
    public SdesNegotiation(MediaNegotiation inner, boolean required, SecureRandom random) {
        super(inner);
        this.required = required;
        this.random = random;
    }

    @Override
    public String offer() throws SdpProblem {
        String sdp = inner.offer();
        List<SdesCrypto> keys = new ArrayList<>();
        for (int i = 0; i < OFFERED.size(); i++) {
            keys.add(SdesCrypto.generate(i + 1, OFFERED.get(i), random));
        }
        offered = List.copyOf(keys);
        return withCrypto(required ? withTransport(sdp, SAVP) : sdp, keys);
    }

    @Override
    public String answer(String offer) throws SdpProblem {
        String transport = transport(offer);
        boolean secure = transport != null && transport.startsWith(SAVP);
        List<String> problems = new ArrayList<>();
        SdesCrypto chosen = null;
        for (String value : cryptoValues(offer)) {
            try {
                chosen = SdesCrypto.parse(value);
                break;
            } catch (SdpProblem e) {
                problems.add(e.getMessage());
            }
        }
        if (chosen == null) {
            String why = problems.isEmpty() ? "the offer has no a=crypto"
                    : "no usable a=crypto in the offer (" + String.join("; ", problems) + ")";
            if (secure) {
                throw new SdpProblem(transport + " offer refused: " + why);
            }
            if (required) {
                throw new SdpProblem("encryption required: " + why);
            }
            String answer = inner.answer(offer);
            encryption = problems.isEmpty() ? "none (peer offered no a=crypto)"
                    : "none (peer's a=crypto not usable: " + String.join("; ", problems) + ")";
            return answer;
        }
        String answer = inner.answer(secure ? withTransport(offer, plainTransport(transport)) : offer);
        SdesCrypto mine = SdesCrypto.generate(chosen.tag(), chosen.suite(), random);
        agree(mine, chosen, secure);
        return withCrypto(secure ? withTransport(answer, SAVP) : answer, List.of(mine));
    }

    @Override
    public void acceptAnswer(String answer) throws SdpProblem {
        String transport = transport(answer);
        List<String> values = cryptoValues(answer);
        if (values.isEmpty()) {
            if (required) {
                throw new SdpProblem("encryption required: the answer has no a=crypto");
            }
            if (transport != null && transport.startsWith(SAVP)) {
                throw new SdpProblem(transport + " answer without a=crypto");
            }
            inner.acceptAnswer(answer);
            encryption = "none (peer answered without a=crypto)";
            return;
        }
        if (values.size() > 1) {
            throw new SdpProblem("the answer has " + values.size() + " a=crypto lines, one expected");
        }
        SdesCrypto answered = SdesCrypto.parse(values.get(0));
        SdesCrypto mine = offered.stream().filter(o -> o.tag() == answered.tag()).findFirst()
                .orElseThrow(() -> new SdpProblem("a=crypto answer tag " + answered.tag() + " was not offered"));
        if (mine.suite() != answered.suite()) {
            throw new SdpProblem("a=crypto answer tag " + answered.tag() + " names " + answered.suite()
                    + ", offered " + mine.suite());
        }
        boolean secure = transport != null && transport.startsWith(SAVP);
        inner.acceptAnswer(secure ? withTransport(answer, plainTransport(transport)) : answer);
        agree(mine, answered, secure);
    }

    private void agree(SdesCrypto mine, SdesCrypto peer, boolean secure) {
        ours = mine;
        theirs = peer;
        savp = secure;
        encryption = "srtp " + mine.suite().sdesName() + " (sdes)";
    }

    @Override
    public Optional<SrtpKeys> srtp() {
        SdesCrypto mine = ours;
        SdesCrypto peer = theirs;
        return mine == null ? Optional.empty() : Optional.of(new SrtpKeys(mine.key(), peer.key()));
    }

    @Override
    public String encryption() {
        return encryption;
    }

    /**
     * Keeps the session when the inner negotiation can and, with SRTP, the offer repeats the peer's key under
     * the tag in use (a new key would need new receivers, which a kept session does not get).
     */
    @Override
    public Optional<String> keepSession(String offer) {
        SdesCrypto mine = ours;
        if (mine == null) {
            return inner.keepSession(offer);
        }
        SdesCrypto peer = theirs;
        boolean same = cryptoValues(offer).stream().map(SdesNegotiation::readable).flatMap(Optional::stream)
                .anyMatch(c -> c.tag() == peer.tag() && c.key().equals(peer.key()));
        String transport = transport(offer);
        if (!same || transport == null) {
            return Optional.empty();
        }
        boolean secure = transport.startsWith(SAVP);
        return inner.keepSession(secure ? withTransport(offer, plainTransport(transport)) : offer)
                .map(a -> withCrypto(secure ? withTransport(a, SAVP) : a, List.of(mine)));
    }

    /** The inner updated offer with our key in use (and its tag), so the session's SRTP stays as it is. */
    @Override
    public Optional<String> updatedOffer() {
        SdesCrypto mine = ours;
        Optional<String> offer = inner.updatedOffer();
        if (mine == null) {
            return offer;
        }
        return offer.map(o -> withCrypto(savp ? withTransport(o, SAVP) : o, List.of(mine)));
    }








    /** The attribute, or empty when this agent cannot read it (another line may be the one in use). */
    private static Optional<SdesCrypto> readable(String value) {
        try {
            return Optional.of(SdesCrypto.parse(value));
        } catch (SdpProblem e) {
            return Optional.empty();
        }
    }

    private static String plainTransport(String transport) {
        return AVP + transport.substring(SAVP.length()); // RTP/SAVPF stays a feedback profile: RTP/AVPF
    }

    /** The first audio stream's transport ({@code RTP/AVP}, {@code RTP/SAVP}...), or null without one. */
    static String transport(String sdp) {
        return SdpAudio.transport(sdp);
    }

    /** The values of the first audio stream's {@code a=crypto} lines, in order. */
    static List<String> cryptoValues(String sdp) {
        return SdpAudio.values(sdp, "crypto");
    }

    /** {@code sdp} with the first audio stream's transport replaced. */
    static String withTransport(String sdp, String transport) {
        return SdpAudio.withTransport(sdp, transport);
    }

    /** {@code sdp} with these {@code a=crypto} lines at the end of the first audio stream. */
    static String withCrypto(String sdp, List<SdesCrypto> keys) {
        return SdpAudio.withLines(sdp, keys.stream().map(SdesCrypto::line).toList());
    }
}
