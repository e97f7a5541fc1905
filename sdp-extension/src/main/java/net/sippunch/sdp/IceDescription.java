package net.sippunch.sdp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sdp.Attribute;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SessionDescription;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.ice.Candidate;

/**
 * What a peer's description says of standard ICE (RFC 8445, SDP per RFC 8839) for its primary media
 * stream (the one {@link OfferAnswer#primaryMedia} picks). Immutable; the constructor enforces the limits
 * the reader keeps to.
 *
 * @param credentials the peer's {@code a=ice-ufrag}/{@code a=ice-pwd}, media level over session level
 * @param iceLite     session-level {@code a=ice-lite}: the peer only answers checks, this side controls
 * @param iceOptions  the distinct {@code a=ice-options} tags of session and media level (e.g. {@code trickle},
 *                    {@code ice2}), at most {@value #MAX_ICE_OPTIONS}
 * @param candidates  the usable RTP (component 1) UDP candidates, highest priority first (the peer's order
 *                    among equal priorities), no two with the same address, at most {@value #MAX_CANDIDATES}
 *                    (the rest, of lowest priority, are skipped). May be empty when every line was skipped:
 *                    the peer can still check this side's candidates, and shows up as peer-reflexive
 * @param skipped     how many {@code a=candidate} lines were not taken: malformed, another transport, an
 *                    unknown type, a host name (mDNS included; never resolved), port 0, a repeated address,
 *                    beyond the caps; components above 2 are neither kept nor counted
 * @param skipReasons the distinct reasons, in the order met, at most {@value #MAX_SKIP_REASONS}
 * @param mismatch    media-level {@code a=ice-mismatch}: the peer found this side's {@code c=}/{@code m=} among
 *                    none of its candidates and does not do ICE on the stream. RFC 8839 has such an answer carry
 *                    no other ICE attribute, and then it reads as {@link IceReading.Absent}
 * @param rtcpCandidates the RTCP (component 2) UDP candidates, under the same rules as {@code candidates}: a
 *                    peer that does not multiplex RTCP on the RTP port checks them separately
 */
public record IceDescription(IceCredentials credentials, boolean iceLite, List<String> iceOptions,
                             List<Candidate> candidates, int skipped, List<String> skipReasons, boolean mismatch,
                             List<Candidate> rtcpCandidates) {

    /** Most candidates kept. */
    public static final int MAX_CANDIDATES = 64;
    /** Most {@code a=candidate} lines read in one media description; later ones are skipped unread. */
    public static final int MAX_CANDIDATE_LINES = 256;
    /** Most skip reasons kept. */
    public static final int MAX_SKIP_REASONS = 8;
    /** Most ICE option tags kept. */
    public static final int MAX_ICE_OPTIONS = 16;

    private static final String UFRAG = "ice-ufrag";
    private static final String PWD = "ice-pwd";

    /**
     * @throws IllegalArgumentException when a list is over its cap, a candidate is not of its list's component
     *                                  or out of priority order, or the count is below the reasons
     */
    public IceDescription {
        Objects.requireNonNull(credentials, "credentials");
        iceOptions = List.copyOf(iceOptions);
        candidates = List.copyOf(candidates);
        skipReasons = List.copyOf(skipReasons);
        if (iceOptions.size() > MAX_ICE_OPTIONS || skipReasons.size() > MAX_SKIP_REASONS) {
            throw new IllegalArgumentException("more than " + MAX_ICE_OPTIONS + " options or " + MAX_SKIP_REASONS
                    + " skip reasons");
        }
        rtcpCandidates = List.copyOf(rtcpCandidates);
        checkComponent(candidates, Candidate.RTP);
        checkComponent(rtcpCandidates, Candidate.RTCP);
        if (skipped < skipReasons.size()) {
            throw new IllegalArgumentException("skipped " + skipped + " lines for " + skipReasons.size() + " reasons");
        }
    }

    /** {@link #read(SessionDescription, MediaDescription)} of the primary media stream. */
    public static IceReading read(SessionDescription session) {
        MediaDescription media = OfferAnswer.primaryMedia(session);
        return media == null ? new IceReading.Absent() : read(session, media);
    }

    /**
     * Reads standard ICE for {@code media} of {@code session}. {@link IceReading.Absent} when the stream has
     * no {@code a=candidate} line or neither credential; {@link SdpReading.Invalid} when a credential is
     * missing, outside the RFC 8839 grammar or given twice at one level. A candidate line that cannot be used
     * is skipped, never a reason for invalid. Never throws.
     */
    public static IceReading read(SessionDescription session, MediaDescription media) {
        try {
            return readChecked(session, media);
        } catch (SdpException e) {
            return PunchCodec.unreadable(e);
        }
    }

    private static IceReading readChecked(SessionDescription session, MediaDescription media) throws SdpException {
        Level sessionLevel = new Level("session level");
        for (Attribute a : PunchCodec.attributes(session.getAttributes(false))) {
            SdpReading.Invalid invalid = sessionLevel.take(a);
            if (invalid != null) {
                return invalid;
            }
        }
        Level mediaLevel = new Level("media level");
        for (Attribute a : PunchCodec.attributes(media.getAttributes(false))) {
            SdpReading.Invalid invalid = mediaLevel.take(a);
            if (invalid != null) {
                return invalid;
            }
        }
        String ufrag = mediaLevel.ufrag != null ? mediaLevel.ufrag : sessionLevel.ufrag;
        String pwd = mediaLevel.pwd != null ? mediaLevel.pwd : sessionLevel.pwd;
        if (mediaLevel.candidateLines == 0 || (ufrag == null && pwd == null)) {
            return new IceReading.Absent();
        }
        Object credentials = credentials(ufrag, pwd, "a=candidate needs both credentials");
        if (credentials instanceof SdpReading.Invalid invalid) {
            return invalid;
        }
        Skips skips = new Skips();
        List<Candidate> rtp = new ArrayList<>();
        List<Candidate> rtcp = new ArrayList<>();
        for (String value : mediaLevel.candidates) {
            IceCandidateCodec.Result result = IceCandidateCodec.parse(value);
            if (result instanceof IceCandidateCodec.Malformed m) {
                skips.add("malformed: " + m.problem());
            } else if (result instanceof IceCandidateCodec.Skipped s) {
                skips.add(s.reason());
            } else if (result instanceof IceCandidateCodec.Parsed p && p.candidate().component() == Candidate.RTP) {
                rtp.add(p.candidate());
            } else if (result instanceof IceCandidateCodec.Parsed p && p.candidate().component() == Candidate.RTCP) {
                rtcp.add(p.candidate());
            }
        }
        if (mediaLevel.candidateLines > MAX_CANDIDATE_LINES) {
            skips.add("more than " + MAX_CANDIDATE_LINES + " a=candidate lines",
                    mediaLevel.candidateLines - MAX_CANDIDATE_LINES);
        }
        List<Candidate> kept = kept(rtp, skips, "RTP");
        List<Candidate> keptRtcp = kept(rtcp, skips, "RTCP");
        List<String> options = new ArrayList<>(sessionLevel.options);
        for (String o : mediaLevel.options) {
            if (!options.contains(o) && options.size() < MAX_ICE_OPTIONS) {
                options.add(o);
            }
        }
        return new IceReading.Found(new IceDescription((IceCredentials) credentials, sessionLevel.lite, options,
                kept, skips.count, skips.reasons, mediaLevel.mismatch, keptRtcp));
    }

    private static void checkComponent(List<Candidate> candidates, int component) {
        if (candidates.size() > MAX_CANDIDATES) {
            throw new IllegalArgumentException("more than " + MAX_CANDIDATES + " candidates of component " + component);
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).component() != component) {
                throw new IllegalArgumentException("not a candidate of component " + component + ": "
                        + candidates.get(i));
            }
            if (i > 0 && Candidate.HIGHEST_PRIORITY_FIRST.compare(candidates.get(i - 1), candidates.get(i)) > 0) {
                throw new IllegalArgumentException("candidates not in priority order at " + i);
            }
        }
    }

    /**
     * The usable candidates of one component, highest priority first, no address twice, at most
     * {@value #MAX_CANDIDATES}; what is left out is counted in {@code skips}.
     */
    private static List<Candidate> kept(List<Candidate> parsed, Skips skips, String kind) {
        parsed.sort(Candidate.HIGHEST_PRIORITY_FIRST);
        List<Candidate> kept = new ArrayList<>();
        Set<InetSocketAddress> addresses = new LinkedHashSet<>();
        for (Candidate c : parsed) {
            if (!addresses.add(c.address())) {
                skips.add("the address of a candidate of higher priority");
            } else if (kept.size() == MAX_CANDIDATES) {
                skips.add("more than " + MAX_CANDIDATES + " " + kind + " candidates");
            } else {
                kept.add(c);
            }
        }
        return kept;
    }

    /**
     * The credentials, or an {@link SdpReading.Invalid} naming the one that is missing or outside the RFC 8839
     * grammar.
     *
     * @param ufrag the {@code ice-ufrag} value found, or {@code null}
     * @param pwd   the {@code ice-pwd} value found, or {@code null}
     * @param need  why both are needed, for the message of a missing one
     */
    static Object credentials(String ufrag, String pwd, String need) {
        if (ufrag == null) {
            return new SdpReading.Invalid(UFRAG, "missing: " + need);
        }
        if (pwd == null) {
            return new SdpReading.Invalid(PWD, "missing: " + need);
        }
        String problem = IceCredentials.problem(ufrag, pwd);
        if (problem != null) {
            return new SdpReading.Invalid(problem.startsWith(PWD) ? PWD : UFRAG, problem);
        }
        return new IceCredentials(ufrag, pwd);
    }

    /** The ICE attributes of one level (session or media), as met. */
    private static final class Level {
        private final String name;
        private String ufrag;
        private String pwd;
        private boolean lite;
        private boolean mismatch;
        private final List<String> options = new ArrayList<>();
        private final List<String> candidates = new ArrayList<>();
        private int candidateLines;

        Level(String name) {
            this.name = name;
        }

        /** Takes one attribute in; an Invalid when it repeats a credential of this level. */
        SdpReading.Invalid take(Attribute a) throws SdpException {
            String attribute = a.getName();
            if (attribute == null) {
                return null;
            }
            String value = a.hasValue() && a.getValue() != null ? a.getValue() : "";
            switch (attribute) {
                case UFRAG -> {
                    if (ufrag != null) {
                        return new SdpReading.Invalid(UFRAG, "appears more than once at " + name);
                    }
                    ufrag = value;
                }
                case PWD -> {
                    if (pwd != null) {
                        return new SdpReading.Invalid(PWD, "appears more than once at " + name);
                    }
                    pwd = value;
                }
                case "ice-lite" -> lite = true;
                case "ice-mismatch" -> mismatch = true;
                case "ice-options" -> addOptions(value);
                case IceCandidateCodec.ATTRIBUTE -> {
                    if (++candidateLines <= MAX_CANDIDATE_LINES) {
                        candidates.add(value);
                    }
                }
                default -> { }
            }
            return null;
        }

        /** ice-options = ice-option-tag *(SP ice-option-tag), a tag 1*ice-char; other tags are passed over. */
        private void addOptions(String value) {
            int from = 0;
            while (from <= value.length() && options.size() < MAX_ICE_OPTIONS) {
                int to = value.indexOf(' ', from);
                String tag = value.substring(from, to < 0 ? value.length() : to);
                if (!tag.isEmpty() && tag.length() <= PunchCodec.MAX_VALUE_CHARS && IceCredentials.iceChars(tag)
                        && !options.contains(tag)) {
                    options.add(tag);
                }
                if (to < 0) {
                    break;
                }
                from = to + 1;
            }
        }
    }

    /** The count of skipped lines and their distinct reasons, capped. */
    private static final class Skips {
        private int count;
        private final List<String> reasons = new ArrayList<>();

        void add(String reason) {
            add(reason, 1);
        }

        void add(String reason, int lines) {
            count += lines;
            if (reasons.size() < MAX_SKIP_REASONS && !reasons.contains(reason)) {
                reasons.add(reason);
            }
        }
    }
}
