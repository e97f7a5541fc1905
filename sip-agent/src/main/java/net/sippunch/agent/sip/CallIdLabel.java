package net.sippunch.agent.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Short forms of a Call-ID, which the peer chooses (any length, {@code /}, {@code ..}): one for file names,
 * one for log lines. A Call-ID of at most {@value #MAX_PLAIN} characters from {@code [A-Za-z0-9._@+-]},
 * without {@code ..}, is used as it is; any other becomes its first {@value #PREFIX} characters made safe,
 * {@code -}, and the SHA-256 of the whole Call-ID in hex. Those are longer than {@value #MAX_PLAIN}
 * characters, so the two forms never meet, and distinct Call-IDs get distinct names.
 */
public final class CallIdLabel {

    /** The longest Call-ID used as it is. */
    public static final int MAX_PLAIN = 64;
    /** How much of a longer or unsafe Call-ID is kept before its hash. */
    public static final int PREFIX = 32;

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._@+-]{1," + MAX_PLAIN + "}");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._@+-]");

    private CallIdLabel() {
    }

    /**
     * The Call-ID as part of a file name: never empty, at most {@code PREFIX + 65} characters, no path
     * separator, no {@code ..}.
     */
    public static String fileName(String callId) {
        if (PLAIN.matcher(callId).matches() && !callId.contains("..")) {
            return callId;
        }
        String prefix = UNSAFE.matcher(callId.substring(0, Math.min(PREFIX, callId.length()))).replaceAll("_")
                .replace("..", "__");
        return prefix + "-" + HexFormat.of().formatHex(sha256(callId));
    }

    /**
     * The Call-ID for log lines and the MDC: as it is up to {@value #MAX_PLAIN} characters, otherwise its
     * {@link #fileName} (so a long call's log lines name its report and recording). Null gives "".
     */
    public static String log(String callId) {
        if (callId == null) {
            return "";
        }
        return callId.length() <= MAX_PLAIN ? callId : fileName(callId);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
