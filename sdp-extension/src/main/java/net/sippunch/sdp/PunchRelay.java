package net.sippunch.sdp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import javax.sdp.Attribute;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;

/**
 * {@code a=punch-relay:IP PORT} (docs/sdp-extension.md section 4.9): the relayed transport address a TURN server
 * allocated for the sender's media stream, offered in an in-dialog re-offer once the punch gave up. A compatible
 * addition of version 1: readers that do not know it ignore it as an unknown {@code punch-*} attribute, so the
 * main reader ({@link OfferAnswer}) leaves it to this class. Reading never throws.
 */
public final class PunchRelay {

    /** The attribute name after {@code a=}. */
    public static final String NAME = PunchAttribute.PREFIX + "relay";

    private PunchRelay() {
    }

    /** What a description says of a relayed address. */
    public sealed interface Reading {
        /** No {@code a=punch-relay}: the sender offers no relay. */
        record Absent() implements Reading {
        }

        /** The sender's relayed address. */
        record Relayed(InetSocketAddress address) implements Reading {
            public Relayed {
                Objects.requireNonNull(address, "address");
            }
        }

        /** The attribute is there but unusable; nothing of it may be used. */
        record Invalid(String message) implements Reading {
        }
    }

    /**
     * Writes {@code a=punch-relay} into the primary media description of {@code description} (replacing one that is
     * there). The description must carry the extension ({@code a=punch-version}), which readers require beside it.
     *
     * @throws IllegalArgumentException when the description has no media description, no {@code a=punch-version},
     *                                  or the address is not usable (unspecified, multicast, scoped)
     */
    public static void write(SessionDescription description, InetSocketAddress relayed) {
        TransportAddresses.require(relayed, "relayed address");
        MediaDescription media = OfferAnswer.primaryMedia(description);
        if (media == null) {
            throw new IllegalArgumentException("the session description has no m= line");
        }
        try {
            if (media.getAttribute(PunchAttribute.VERSION.sdpName()) == null) {
                throw new IllegalArgumentException("a=" + NAME + " needs a=" + PunchAttribute.VERSION.sdpName());
            }
        } catch (SdpException e) {
            throw new IllegalArgumentException("media description cannot be written: " + e.getMessage(), e);
        }
        PunchCodec.replace(media, NAME::equals, List.of(new PunchCodec.Line(NAME, TransportAddresses.format(relayed))));
    }

    /** Reads {@code a=punch-relay} of SDP text; malformed text is invalid. */
    public static Reading read(String sdp) {
        if (sdp.length() > OfferAnswer.MAX_SDP_CHARS) {
            return new Reading.Invalid("sdp: longer than " + OfferAnswer.MAX_SDP_CHARS + " characters");
        }
        try {
            return read(SdpFactory.getInstance().createSessionDescription(sdp));
        } catch (SdpException | RuntimeException e) {
            return new Reading.Invalid("sdp: not parseable: " + ValueParser.shorten(String.valueOf(e.getMessage())));
        }
    }

    /**
     * Reads {@code a=punch-relay} of the primary media description: absent, the address, or invalid when it
     * appears at session level, more than once, without {@code a=punch-version}, or with a value that is not
     * {@code IP SP PORT} of a usable address.
     */
    public static Reading read(SessionDescription description) {
        try {
            for (Attribute a : PunchCodec.attributes(description.getAttributes(false))) {
                if (NAME.equals(a.getName())) {
                    return new Reading.Invalid("a=" + NAME
                            + ": is a media-level attribute but appears at session level");
                }
            }
        } catch (SdpException e) {
            return new Reading.Invalid("sdp: unreadable: " + ValueParser.shorten(String.valueOf(e.getMessage())));
        }
        MediaDescription media = OfferAnswer.primaryMedia(description);
        if (media == null) {
            return new Reading.Absent();
        }
        String value = null;
        boolean version = false;
        try {
            for (Attribute a : PunchCodec.attributes(media.getAttributes(false))) {
                String name = a.getName();
                if (PunchAttribute.VERSION.sdpName().equals(name)) {
                    version = true;
                } else if (NAME.equals(name)) {
                    if (value != null) {
                        return new Reading.Invalid("a=" + NAME + ": appears more than once");
                    }
                    value = a.hasValue() ? a.getValue() : "";
                }
            }
        } catch (SdpException e) {
            return new Reading.Invalid("a=" + NAME + ": unreadable: " + ValueParser.shorten(String.valueOf(e.getMessage())));
        }
        if (value == null) {
            return new Reading.Absent();
        }
        if (!version) {
            return new Reading.Invalid("a=" + NAME + ": without a=" + PunchAttribute.VERSION.sdpName());
        }
        if (value.isEmpty() || value.length() > PunchCodec.MAX_VALUE_CHARS) {
            return new Reading.Invalid("a=" + NAME + ": " + (value.isEmpty() ? "has no value"
                    : "value longer than " + PunchCodec.MAX_VALUE_CHARS + " characters"));
        }
        Object tuple = ValueParser.tuple(value);
        if (tuple instanceof ValueParser.Failure f) {
            return new Reading.Invalid("a=" + NAME + ": " + f.problem());
        }
        return new Reading.Relayed((InetSocketAddress) tuple);
    }
}
