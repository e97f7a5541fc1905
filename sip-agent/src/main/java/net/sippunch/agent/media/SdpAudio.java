package net.sippunch.agent.media;

import java.util.ArrayList;
import java.util.List;

/**
 * The first audio stream of an SDP, line by line: its transport and its attributes, read and replaced as the
 * SRTP keyings (SDES, DTLS-SRTP) need them around the mode's own SDP. Everything else passes through as written.
 */
final class SdpAudio {

    private SdpAudio() {
    }

    /** The lines of {@code sdp}, without their ends. */
    static List<String> lines(String sdp) {
        List<String> lines = new ArrayList<>(List.of(sdp.split("\r?\n")));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    static String join(List<String> lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    /** The index of the first {@code m=audio} line, or -1. */
    static int audioLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("m=audio ")) {
                return i;
            }
        }
        return -1;
    }

    /** The index after the audio stream's last line. */
    static int audioEnd(List<String> lines, int audio) {
        int i = audio + 1;
        while (i < lines.size() && !lines.get(i).startsWith("m=")) {
            i++;
        }
        return i;
    }

    /** The first audio stream's transport ({@code RTP/AVP}, {@code RTP/SAVP}...), or null without one. */
    static String transport(String sdp) {
        if (sdp == null) {
            return null;
        }
        List<String> lines = lines(sdp);
        int audio = audioLine(lines);
        if (audio < 0) {
            return null;
        }
        String[] f = lines.get(audio).strip().split(" +");
        return f.length >= 3 ? f[2] : null;
    }

    /** The values of the first audio stream's {@code a=<name>} lines, in order. */
    static List<String> values(String sdp, String name) {
        List<String> values = new ArrayList<>();
        if (sdp == null) {
            return values;
        }
        List<String> lines = lines(sdp);
        int audio = audioLine(lines);
        if (audio < 0) {
            return values;
        }
        collect(lines.subList(audio + 1, audioEnd(lines, audio)), name, values);
        return values;
    }

    /**
     * The values of the audio stream's {@code a=<name>} lines or, when it has none, of the session's (before the
     * first {@code m=} line): an attribute that may be written at either level (RFC 8122 {@code a=fingerprint},
     * RFC 4145 {@code a=setup}).
     */
    static List<String> valuesAtEitherLevel(String sdp, String name) {
        List<String> values = values(sdp, name);
        if (!values.isEmpty() || sdp == null) {
            return values;
        }
        List<String> lines = lines(sdp);
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("m=")) {
            first++;
        }
        collect(lines.subList(0, first), name, values);
        return values;
    }

    private static void collect(List<String> lines, String name, List<String> into) {
        String prefix = "a=" + name + ":";
        for (String line : lines) {
            if (line.regionMatches(true, 0, prefix, 0, prefix.length())) {
                into.add(line.substring(prefix.length()).strip());
            }
        }
    }

    /** {@code sdp} with the first audio stream's transport replaced. */
    static String withTransport(String sdp, String transport) {
        List<String> lines = lines(sdp);
        int audio = audioLine(lines);
        if (audio < 0) {
            return sdp;
        }
        String[] f = lines.get(audio).strip().split(" +");
        if (f.length < 3) {
            return sdp;
        }
        f[2] = transport;
        lines.set(audio, String.join(" ", f));
        return join(lines);
    }

    /** {@code sdp} with these whole lines ({@code a=...}) at the end of the first audio stream. */
    static String withLines(String sdp, List<String> added) {
        List<String> lines = lines(sdp);
        int audio = audioLine(lines);
        if (audio < 0) {
            return sdp;
        }
        lines.addAll(audioEnd(lines, audio), added);
        return join(lines);
    }
}
