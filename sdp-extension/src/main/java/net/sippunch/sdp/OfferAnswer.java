package net.sippunch.sdp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Vector;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.MappedTuple;
import net.sippunch.traversal.nat.NatProfile;
import net.sippunch.traversal.punch.LocalCandidates;

/**
 * The offer/answer rules of the extension, for an integrator's SIP code: put this side's discovery
 * result into the INVITE's offer or the 200's answer, and read the peer's side out of the other.
 *
 * <p>The extension lives in the first {@code m=audio} description (the first {@code m=} line
 * when there is no audio). A peer without the extension reads as {@link SdpReading.Plain}: send
 * standard RTP to its {@code c=}/{@code m=} address, or check its candidates when it speaks standard
 * ICE ({@link SdpReading.Plain#ice()}). Reading never throws.
 */
public final class OfferAnswer {

    /** Longest SDP text {@link #readOffer(String)} and {@link #readAnswer(String, int)} accept. */
    public static final int MAX_SDP_CHARS = 65_536;

    private OfferAnswer() {
    }

    /**
     * This side's attributes from its discovery result. Keeps the newest
     * {@value PunchAttributes#MAX_MAPPED} samples with offsets relative to the oldest kept one;
     * leaves out the private tuple when it is the unspecified address, samples with unusable
     * addresses, and repeated samples.
     *
     * @param profile what discovery learnt about the media port's NAT
     * @param upnp    the tuple a UPnP IGD mapped for the media port, if any
     */
    public static PunchAttributes attributes(NatProfile profile, Optional<InetSocketAddress> upnp) {
        List<MappedTuple> usable = new ArrayList<>();
        for (MappedTuple t : profile.samples()) {
            if (TransportAddresses.problem(t.mapped()) == null && TransportAddresses.problem(t.server()) == null) {
                usable.add(t);
            }
        }
        List<MappedTuple> kept = usable.subList(Math.max(0, usable.size() - PunchAttributes.MAX_MAPPED), usable.size());
        List<MappedSample> samples = new ArrayList<>(kept.size());
        for (MappedTuple t : kept) {
            long offset = Math.floorDiv(t.atNanos() - kept.get(0).atNanos(), 1_000_000L);
            offset = Math.max(-MappedSample.MAX_OFFSET_MILLIS, Math.min(MappedSample.MAX_OFFSET_MILLIS, offset));
            MappedSample s = new MappedSample(t.mapped(), t.server(), offset);
            if (!samples.contains(s)) {
                samples.add(s);
            }
        }
        Optional<InetSocketAddress> privateTuple = TransportAddresses.problem(profile.privateTuple()) == null
                ? Optional.of(profile.privateTuple()) : Optional.empty();
        OptionalInt delta = profile.samples().size() >= 2 ? OptionalInt.of(profile.delta()) : OptionalInt.empty();
        return new PunchAttributes(PunchAttributes.CURRENT_VERSION, privateTuple, samples, delta,
                Optional.of(NatClassification.of(profile)), upnp, Optional.empty());
    }

    /**
     * The address to put in this side's {@code c=}/{@code m=} lines, the one a plain peer can
     * reach best (docs/sdp-extension.md section 7.1): the UPnP tuple; behind a NAT that gives every
     * flow a new port the next port it gives (without drift); else the mapped tuple; else the
     * private tuple. The same as {@link LocalCandidates#preferred()} of the candidates written with
     * {@link IceCandidateCodec#write}.
     *
     * @param profile what discovery learnt about the media port's NAT
     * @param upnp    the tuple a UPnP IGD mapped for the media port, if any
     * @return the address and port for {@code c=} and {@code m=}
     */
    public static InetSocketAddress signalledTarget(NatProfile profile, Optional<InetSocketAddress> upnp) {
        if (profile.lastMapping().isEmpty()) {
            return upnp.orElse(profile.privateTuple());
        }
        return LocalCandidates.of(profile, upnp, profile.lastMapping().get().atNanos(), 0).preferred().address();
    }

    /**
     * Writes the offer's attributes into the first audio description of {@code offer}.
     *
     * @throws IllegalArgumentException when {@code offer} has no media description or the
     *                                  attributes carry a peer correction (answers only)
     */
    public static void writeOffer(SessionDescription offer, PunchAttributes attributes, IceCredentials credentials) {
        if (attributes.peerCorrection().isPresent()) {
            throw new IllegalArgumentException("a=punch-peer-correction belongs in an answer only");
        }
        write(offer, attributes, credentials);
    }

    /**
     * Writes the answer's attributes into the first audio description of {@code answer}. Call it
     * only when {@link #readOffer} gave {@link SdpReading.Extended}: a plain offerer gets a plain
     * answer.
     *
     * @param offerVersion the version the offer carried; the answer's must not be higher
     * @throws IllegalArgumentException when {@code answer} has no media description or the
     *                                  version is above the offer's
     */
    public static void writeAnswer(SessionDescription answer, PunchAttributes attributes, IceCredentials credentials,
                                   int offerVersion) {
        if (attributes.version() > offerVersion) {
            throw new IllegalArgumentException("answer version " + attributes.version()
                    + " above the offer's " + offerVersion);
        }
        write(answer, attributes, credentials);
    }

    /**
     * Writes only the credentials ({@code a=ice-ufrag}, {@code a=ice-pwd}) into the first audio description of
     * {@code answer}: the answer to a standard ICE offer without the extension (RFC 8839), whose candidates
     * {@link IceCandidateCodec#write} adds.
     *
     * @throws IllegalArgumentException when {@code answer} has no media description
     */
    public static void writeCredentials(SessionDescription answer, IceCredentials credentials) {
        MediaDescription media = primaryMedia(answer);
        if (media == null) {
            throw new IllegalArgumentException("the session description has no m= line");
        }
        try {
            media.setAttribute(PunchAttribute.ICE_UFRAG.sdpName(), credentials.ufrag());
            media.setAttribute(PunchAttribute.ICE_PWD.sdpName(), credentials.password());
        } catch (SdpException e) {
            throw new IllegalArgumentException("media description cannot be written: " + e.getMessage(), e);
        }
    }

    private static void write(SessionDescription description, PunchAttributes attributes, IceCredentials credentials) {
        MediaDescription media = primaryMedia(description);
        if (media == null) {
            throw new IllegalArgumentException("the session description has no m= line");
        }
        PunchCodec.write(media, attributes, credentials);
    }

    /** Reads an INVITE's offer. A {@code punch-peer-correction} in an offer makes it invalid. */
    public static SdpReading readOffer(SessionDescription offer) {
        SdpReading reading = read(offer);
        if (reading instanceof SdpReading.Extended e && e.peer().attributes().peerCorrection().isPresent()) {
            return new SdpReading.Invalid(PunchAttribute.PEER_CORRECTION.sdpName(), "only allowed in an answer");
        }
        return reading;
    }

    /**
     * Reads the answer to an offer this side sent with {@code offerVersion}. An answer whose
     * version is above the offer's is invalid.
     */
    public static SdpReading readAnswer(SessionDescription answer, int offerVersion) {
        SdpReading reading = read(answer);
        if (reading instanceof SdpReading.Extended e && e.peer().attributes().version() > offerVersion) {
            return new SdpReading.Invalid(PunchAttribute.VERSION.sdpName(), "answer version "
                    + e.peer().attributes().version() + " above the offered " + offerVersion);
        }
        if (reading instanceof SdpReading.Plain p && p.unsupportedVersion().isPresent()) {
            return new SdpReading.Invalid(PunchAttribute.VERSION.sdpName(), "answer version "
                    + p.unsupportedVersion().getAsInt() + " above the offered " + offerVersion);
        }
        return reading;
    }

    /** {@link #readOffer(SessionDescription)} of SDP text; malformed text reads as invalid {@code sdp}. */
    public static SdpReading readOffer(String offer) {
        Object parsed = parse(offer);
        return parsed instanceof SessionDescription sd ? readOffer(sd) : (SdpReading) parsed;
    }

    /** {@link #readAnswer(SessionDescription, int)} of SDP text; malformed text reads as invalid {@code sdp}. */
    public static SdpReading readAnswer(String answer, int offerVersion) {
        Object parsed = parse(answer);
        return parsed instanceof SessionDescription sd ? readAnswer(sd, offerVersion) : (SdpReading) parsed;
    }

    /** A {@link SessionDescription}, or an {@link SdpReading.Invalid} for attribute {@code sdp}. */
    private static Object parse(String text) {
        if (text.length() > MAX_SDP_CHARS) {
            return new SdpReading.Invalid("sdp", "longer than " + MAX_SDP_CHARS + " characters (" + text.length() + ")");
        }
        try {
            return SdpFactory.getInstance().createSessionDescription(text);
        } catch (SdpException e) {
            return new SdpReading.Invalid("sdp", "not parseable: " + ValueParser.shorten(String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            // The foreign parser's own bugs on hostile text must not escape as a crash.
            return new SdpReading.Invalid("sdp", "not parseable: " + ValueParser.shorten(e.toString()));
        }
    }

    /** Reads the extension of the primary media stream, without offer/answer rules. */
    public static SdpReading read(SessionDescription description) {
        MediaDescription media = primaryMedia(description);
        if (media == null) {
            return new SdpReading.Invalid("m", "no media description");
        }
        return PunchCodec.read(description, media);
    }

    /**
     * The media description the extension lives in: the first {@code m=audio}, else the first
     * {@code m=} line; {@code null} when there is none.
     */
    public static MediaDescription primaryMedia(SessionDescription description) {
        List<MediaDescription> all = new ArrayList<>();
        try {
            Vector<?> raw = description.getMediaDescriptions(false);
            if (raw != null) {
                for (Object o : raw) {
                    if (o instanceof MediaDescription m) {
                        all.add(m);
                    }
                }
            }
            for (MediaDescription m : all) {
                if (m.getMedia() != null && "audio".equals(m.getMedia().getMediaType())) {
                    return m;
                }
            }
        } catch (SdpException e) {
            return all.isEmpty() ? null : all.get(0);
        }
        return all.isEmpty() ? null : all.get(0);
    }
}
