package net.sippunch.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Vector;
import java.util.function.Predicate;
import javax.sdp.Attribute;
import javax.sdp.Connection;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.IpLiteral;

/**
 * Encodes {@link PunchAttributes} into a {@code javax.sdp} media description and decodes them back,
 * strictly. Attributes that are not the extension's are left untouched, in their order.
 */
public final class PunchCodec {

    /** Longest value of an extension attribute (and of ice-ufrag / ice-pwd) that is read. */
    public static final int MAX_VALUE_CHARS = 256;
    /** Most {@code punch-*} attributes (known or not) read in one media description. */
    public static final int MAX_PUNCH_ATTRIBUTES = 32;

    private PunchCodec() {
    }

    /**
     * One attribute line, {@code a=name:value}.
     *
     * @param name  the attribute name
     * @param value the attribute value
     */
    public record Line(String name, String value) {
        /** Checks that no component is null. */
        public Line {
            java.util.Objects.requireNonNull(name, "name");
            java.util.Objects.requireNonNull(value, "value");
        }

        /** The line as it appears in SDP, without the line end. */
        @Override
        public String toString() {
            return "a=" + name + ":" + value;
        }
    }

    /**
     * Writes the extension's attributes and the credentials at the end of {@code media}, after
     * removing any extension or ICE credential attributes it had. Other attributes keep their
     * place.
     *
     * @throws IllegalArgumentException when {@code media} is not a working {@code javax.sdp} object
     */
    public static void write(MediaDescription media, PunchAttributes attributes, IceCredentials credentials) {
        replace(media, name -> PunchAttribute.byName(name) != null, lines(attributes, credentials));
    }

    /**
     * Removes the attributes of {@code media} whose name {@code replaced} accepts and appends {@code lines} at
     * the end; every other attribute keeps its place.
     *
     * @throws IllegalArgumentException when {@code media} is not a working {@code javax.sdp} object
     */
    static void replace(MediaDescription media, Predicate<String> replaced, List<Line> lines) {
        SdpFactory factory = SdpFactory.getInstance();
        try {
            Vector<Attribute> kept = new Vector<>();
            for (Attribute a : attributesOf(media)) {
                if (!replaced.test(a.getName())) {
                    kept.add(a);
                }
            }
            for (Line line : lines) {
                kept.add(factory.createAttribute(line.name(), line.value()));
            }
            media.setAttributes(kept);
        } catch (SdpException e) {
            throw new IllegalArgumentException("media description cannot be written: " + e.getMessage(), e);
        }
    }

    /**
     * The attribute lines {@link #write} adds, in order: version, private, mapped..., delta, nat,
     * upnp, peer-correction, ice-ufrag, ice-pwd.
     */
    public static List<Line> lines(PunchAttributes a, IceCredentials credentials) {
        List<Line> out = new ArrayList<>();
        out.add(line(PunchAttribute.VERSION, Integer.toString(a.version())));
        a.privateTuple().ifPresent(t -> out.add(line(PunchAttribute.PRIVATE, TransportAddresses.format(t))));
        for (MappedSample s : a.mapped()) {
            out.add(line(PunchAttribute.MAPPED, TransportAddresses.format(s.mapped()) + " "
                    + TransportAddresses.format(s.server()) + " " + s.offsetMillis()));
        }
        a.delta().ifPresent(d -> out.add(line(PunchAttribute.DELTA, Integer.toString(d))));
        a.nat().ifPresent(n -> out.add(line(PunchAttribute.NAT, NatClassification.token(n.type()) + " "
                + NatClassification.token(n.mapping()) + " " + NatClassification.token(n.filtering()) + " "
                + NatClassification.token(n.allocation()))));
        a.upnp().ifPresent(t -> out.add(line(PunchAttribute.UPNP, TransportAddresses.format(t))));
        a.peerCorrection().ifPresent(t -> out.add(line(PunchAttribute.PEER_CORRECTION, TransportAddresses.format(t))));
        out.add(line(PunchAttribute.ICE_UFRAG, credentials.ufrag()));
        out.add(line(PunchAttribute.ICE_PWD, credentials.password()));
        return List.copyOf(out);
    }

    private static Line line(PunchAttribute name, String value) {
        return new Line(name.sdpName(), value);
    }

    /**
     * Reads the extension from one media description of {@code session}. Never throws: a broken
     * description gives {@link SdpReading.Invalid} and nothing else.
     */
    public static SdpReading read(SessionDescription session, MediaDescription media) {
        try {
            return readChecked(session, media);
        } catch (SdpException e) {
            return unreadable(e);
        }
    }

    /** What a {@code javax.sdp} object that fails while being read reads as. */
    static SdpReading.Invalid unreadable(SdpException e) {
        return new SdpReading.Invalid("sdp", "unreadable: " + ValueParser.shorten(String.valueOf(e.getMessage())));
    }

    private static SdpReading readChecked(SessionDescription session, MediaDescription media) throws SdpException {
        Object target = mediaTarget(session, media);
        if (target instanceof SdpReading.Invalid invalid) {
            return invalid;
        }
        InetSocketAddress mediaTarget = (InetSocketAddress) target;

        // Session level: the extension's own attributes are media-level only; credentials may be here.
        Map<PunchAttribute, String> sessionCredentials = new EnumMap<>(PunchAttribute.class);
        for (Attribute a : attributesOf(session)) {
            String name = a.getName();
            PunchAttribute known = PunchAttribute.byName(name);
            if (known == PunchAttribute.ICE_UFRAG || known == PunchAttribute.ICE_PWD) {
                if (sessionCredentials.put(known, a.hasValue() ? a.getValue() : "") != null) {
                    return new SdpReading.Invalid(name, "appears more than once at session level");
                }
            } else if (known != null) {
                return new SdpReading.Invalid(name, "is a media-level attribute but appears at session level");
            }
        }

        Map<PunchAttribute, String> single = new EnumMap<>(PunchAttribute.class);
        List<String> mappedValues = new ArrayList<>();
        int punchCount = 0;
        for (Attribute a : attributesOf(media)) {
            String name = a.getName();
            if (name == null) {
                continue;
            }
            PunchAttribute known = PunchAttribute.byName(name);
            if (known == null && !name.startsWith(PunchAttribute.PREFIX)) {
                continue;
            }
            if (known != PunchAttribute.ICE_UFRAG && known != PunchAttribute.ICE_PWD
                    && ++punchCount > MAX_PUNCH_ATTRIBUTES) {
                return new SdpReading.Invalid(ValueParser.shorten(name), "more than " + MAX_PUNCH_ATTRIBUTES
                        + " punch-* attributes in one media description");
            }
            if (known == null) {
                continue; // a later minor addition: ignored, left in place
            }
            String value = a.hasValue() ? a.getValue() : null;
            if (value == null || value.isEmpty()) {
                return new SdpReading.Invalid(name, "has no value");
            }
            if (value.length() > MAX_VALUE_CHARS) {
                return new SdpReading.Invalid(name, "value longer than " + MAX_VALUE_CHARS + " characters ("
                        + value.length() + ")");
            }
            if (known == PunchAttribute.MAPPED) {
                if (mappedValues.size() == PunchAttributes.MAX_MAPPED) {
                    return new SdpReading.Invalid(name, "more than " + PunchAttributes.MAX_MAPPED + " lines");
                }
                mappedValues.add(value);
            } else if (single.put(known, value) != null) {
                return new SdpReading.Invalid(name, "appears more than once");
            }
        }

        String versionText = single.get(PunchAttribute.VERSION);
        if (versionText == null) {
            for (PunchAttribute p : single.keySet()) {
                if (p != PunchAttribute.ICE_UFRAG && p != PunchAttribute.ICE_PWD) {
                    return new SdpReading.Invalid(PunchAttribute.VERSION.sdpName(),
                            "missing although a=" + p.sdpName() + " is present");
                }
            }
            if (!mappedValues.isEmpty()) {
                return new SdpReading.Invalid(PunchAttribute.VERSION.sdpName(),
                        "missing although a=" + PunchAttribute.MAPPED.sdpName() + " is present");
            }
            return plain(session, media, mediaTarget, OptionalInt.empty());
        }
        Object version = ValueParser.version(versionText);
        if (version instanceof ValueParser.Failure f) {
            return invalid(PunchAttribute.VERSION, f);
        }
        int v = (Integer) version;
        if (v > PunchAttributes.CURRENT_VERSION) {
            return plain(session, media, mediaTarget, OptionalInt.of(v));
        }
        return readVersion1(single, mappedValues, sessionCredentials, mediaTarget, v);
    }

    /** A peer without the extension (or with a version this side cannot read), with its standard ICE if any. */
    private static SdpReading plain(SessionDescription session, MediaDescription media, InetSocketAddress mediaTarget,
                                    OptionalInt unsupportedVersion) {
        IceReading ice = IceDescription.read(session, media);
        if (ice instanceof SdpReading.Invalid invalid) {
            return invalid;
        }
        Optional<IceDescription> description = ice instanceof IceReading.Found found
                ? Optional.of(found.description()) : Optional.empty();
        return new SdpReading.Plain(mediaTarget, unsupportedVersion, description);
    }

    private static SdpReading readVersion1(Map<PunchAttribute, String> single, List<String> mappedValues,
                                           Map<PunchAttribute, String> sessionCredentials,
                                           InetSocketAddress mediaTarget, int version) {
        Optional<InetSocketAddress> privateTuple = Optional.empty();
        Optional<InetSocketAddress> upnp = Optional.empty();
        Optional<InetSocketAddress> correction = Optional.empty();
        OptionalInt delta = OptionalInt.empty();
        Optional<NatClassification> nat = Optional.empty();
        for (Map.Entry<PunchAttribute, String> e : single.entrySet()) {
            PunchAttribute name = e.getKey();
            Object parsed = switch (name) {
                case PRIVATE, UPNP, PEER_CORRECTION -> ValueParser.tuple(e.getValue());
                case DELTA -> ValueParser.delta(e.getValue());
                case NAT -> ValueParser.nat(e.getValue());
                default -> null; // version and credentials are read elsewhere
            };
            if (parsed instanceof ValueParser.Failure f) {
                return invalid(name, f);
            }
            switch (name) {
                case PRIVATE -> privateTuple = Optional.of((InetSocketAddress) parsed);
                case UPNP -> upnp = Optional.of((InetSocketAddress) parsed);
                case PEER_CORRECTION -> correction = Optional.of((InetSocketAddress) parsed);
                case DELTA -> delta = OptionalInt.of((Integer) parsed);
                case NAT -> nat = Optional.of((NatClassification) parsed);
                default -> { }
            }
        }
        List<MappedSample> mapped = new ArrayList<>(mappedValues.size());
        for (String value : mappedValues) {
            Object parsed = ValueParser.mapped(value);
            if (parsed instanceof ValueParser.Failure f) {
                return invalid(PunchAttribute.MAPPED, f);
            }
            MappedSample sample = (MappedSample) parsed;
            if (mapped.isEmpty() && sample.offsetMillis() != 0) {
                return new SdpReading.Invalid(PunchAttribute.MAPPED.sdpName(),
                        "the first line must have offset 0, has " + sample.offsetMillis());
            }
            if (mapped.contains(sample)) {
                return new SdpReading.Invalid(PunchAttribute.MAPPED.sdpName(), "duplicate line '"
                        + ValueParser.shorten(value) + "'");
            }
            mapped.add(sample);
        }

        String ufrag = single.getOrDefault(PunchAttribute.ICE_UFRAG, sessionCredentials.get(PunchAttribute.ICE_UFRAG));
        String pwd = single.getOrDefault(PunchAttribute.ICE_PWD, sessionCredentials.get(PunchAttribute.ICE_PWD));
        Object credentials = IceDescription.credentials(ufrag, pwd, "the extension needs probe credentials");
        if (credentials instanceof SdpReading.Invalid invalid) {
            return invalid;
        }
        // Every value has been checked above, so these constructors cannot throw.
        PunchAttributes attributes = new PunchAttributes(version, privateTuple, mapped, delta, nat, upnp, correction);
        return new SdpReading.Extended(new PeerExtension((IceCredentials) credentials, attributes, mediaTarget));
    }

    private static SdpReading.Invalid invalid(PunchAttribute name, ValueParser.Failure f) {
        return new SdpReading.Invalid(name.sdpName(), f.problem());
    }

    /** The {@code c=}/{@code m=} address of the stream, or an Invalid saying why there is none. */
    static Object mediaTarget(SessionDescription session, MediaDescription media) throws SdpException {
        if (media.getMedia() == null) {
            return new SdpReading.Invalid("m", "missing");
        }
        int port = media.getMedia().getMediaPort();
        if (port == 0) {
            return new SdpReading.Invalid("m", "port 0: the stream is disabled");
        }
        if (port < 1 || port > 65535) {
            return new SdpReading.Invalid("m", "port " + port + " outside 1..65535");
        }
        Connection connection = media.getConnection() != null ? media.getConnection() : session.getConnection();
        if (connection == null) {
            return new SdpReading.Invalid("c", "missing at media and session level");
        }
        String address = connection.getAddress();
        if (address == null) {
            return new SdpReading.Invalid("c", "has no address");
        }
        InetAddress ip = IpLiteral.parse(address);
        if (ip == null) {
            return new SdpReading.Invalid("c", "address '" + ValueParser.shorten(address) + "' is not an IP literal");
        }
        InetSocketAddress target = new InetSocketAddress(ip, port);
        String problem = TransportAddresses.problem(target);
        if (problem != null && !ip.isAnyLocalAddress()) {
            return new SdpReading.Invalid("c", problem);
        }
        return target;
    }

    private static List<Attribute> attributesOf(MediaDescription media) {
        return attributes(media.getAttributes(false));
    }

    private static List<Attribute> attributesOf(SessionDescription session) {
        return attributes(session.getAttributes(false));
    }

    /** The {@link Attribute}s of a {@code javax.sdp} attribute vector, which may be {@code null}. */
    static List<Attribute> attributes(Vector<?> raw) {
        if (raw == null) {
            return List.of();
        }
        List<Attribute> out = new ArrayList<>(raw.size());
        for (Object o : raw) {
            if (o instanceof Attribute a) {
                out.add(a);
            }
        }
        return out;
    }
}
