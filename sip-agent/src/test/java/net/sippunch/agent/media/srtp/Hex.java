package net.sippunch.agent.media.srtp;

import java.util.HexFormat;

/** Hex as the RFCs print it: any mix of spaces and line breaks between digits. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
