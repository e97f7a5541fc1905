package net.sippunch.agent.media;

import java.util.ArrayList;
import java.util.List;
import net.sippunch.traversal.IpLiteral;

/**
 * The part of an SDP session description that plain RTP needs: the first audio stream's connection
 * address and port, its payload types, rtcp-mux and ptime. Parsing is lenient about what it does not
 * need and strict about what it does; it never throws anything but {@link SdpProblem}.
 */
public record PlainSdp(String address, int port, List<Integer> payloadTypes, boolean rtcpMux, int ptime) {

    private static final int MAX_LENGTH = 64 * 1024;

    public PlainSdp {
        payloadTypes = List.copyOf(payloadTypes);
    }

    /** Parses SDP text. */
    public static PlainSdp parse(String sdp) throws SdpProblem {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpProblem("no SDP body");
        }
        if (sdp.length() > MAX_LENGTH) {
            throw new SdpProblem("SDP longer than " + MAX_LENGTH + " characters");
        }
        String sessionAddress = null;
        String mediaAddress = null;
        int port = -1;
        List<Integer> pts = new ArrayList<>();
        boolean mux = false;
        int ptime = 20;
        boolean inAudio = false;
        boolean audioSeen = false;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                if (audioSeen) {
                    inAudio = false;
                    continue;
                }
                String[] f = value.split(" +");
                if (f.length >= 4 && f[0].equals("audio")) {
                    if (!f[2].startsWith("RTP/AVP")) {
                        throw new SdpProblem("audio stream with transport " + f[2] + " (need RTP/AVP)");
                    }
                    port = parsePort(f[1]);
                    for (int i = 3; i < f.length; i++) {
                        try {
                            int pt = Integer.parseInt(f[i]);
                            if (pt >= 0 && pt <= 127) {
                                pts.add(pt);
                            }
                        } catch (NumberFormatException e) {
                            throw new SdpProblem("m=audio: payload type not a number: " + f[i]);
                        }
                    }
                    inAudio = true;
                    audioSeen = true;
                } else {
                    inAudio = false;
                }
            } else if (type == 'c') {
                String[] f = value.split(" +");
                if (f.length < 3 || !f[0].equals("IN") || !(f[1].equals("IP4") || f[1].equals("IP6"))) {
                    throw new SdpProblem("c= line not understood: " + value);
                }
                String addr = beforeSlash(f[2]);
                if (IpLiteral.parse(addr) == null) {
                    // a name would be resolved on the thread answering the INVITE: literals only
                    throw new SdpProblem("c= address is not an IP address: " + addr);
                }
                if (inAudio) {
                    mediaAddress = addr;
                } else if (!audioSeen) {
                    sessionAddress = addr;
                }
            } else if (type == 'a' && inAudio) {
                if (value.equals("rtcp-mux")) {
                    mux = true;
                } else if (value.startsWith("ptime:")) {
                    try {
                        ptime = Integer.parseInt(value.substring(6).trim());
                    } catch (NumberFormatException e) {
                        throw new SdpProblem("a=ptime not a number: " + value);
                    }
                }
            }
        }
        if (!audioSeen) {
            throw new SdpProblem("no m=audio stream");
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) {
            throw new SdpProblem("no c= line for the audio stream");
        }
        return new PlainSdp(address, port, pts, mux, ptime);
    }

    private static int parsePort(String text) throws SdpProblem {
        try {
            int p = Integer.parseInt(beforeSlash(text));
            if (p < 0 || p > 65535) {
                throw new SdpProblem("m=audio port out of range: " + text);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new SdpProblem("m=audio port not a number: " + text);
        }
    }

    /**
     * The part before a '/' (a port count or TTL follows it); the whole text when there is none. Not
     * {@code split("/")[0]}: that has no element 0 for a text of slashes only.
     */
    private static String beforeSlash(String text) {
        int slash = text.indexOf('/');
        return slash < 0 ? text : text.substring(0, slash);
    }

    /** Renders a full session description for this stream ({@code sessionId} for the o= line). */
    public String render(long sessionId, long version) {
        String ipVersion = address.indexOf(':') >= 0 ? "IP6" : "IP4";
        StringBuilder b = new StringBuilder();
        b.append("v=0\r\n");
        b.append("o=- ").append(sessionId).append(' ').append(version).append(" IN ").append(ipVersion).append(' ')
                .append(address).append("\r\n");
        b.append("s=sippunch\r\n");
        b.append("c=IN ").append(ipVersion).append(' ').append(address).append("\r\n");
        b.append("t=0 0\r\n");
        b.append("m=audio ").append(port).append(" RTP/AVP");
        for (int pt : payloadTypes) {
            b.append(' ').append(pt);
        }
        b.append("\r\n");
        for (int pt : payloadTypes) {
            Codec c = Codec.ofPayloadType(pt);
            if (c != null) {
                b.append("a=rtpmap:").append(pt).append(' ').append(c.encodingName()).append('/')
                        .append(Codec.CLOCK_RATE).append("\r\n");
            }
        }
        if (rtcpMux) {
            b.append("a=rtcp-mux\r\n");
        }
        b.append("a=ptime:").append(ptime).append("\r\n");
        b.append("a=sendrecv\r\n");
        return b.toString();
    }
}
