package net.sippunch.sdp;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import net.sippunch.traversal.IceCredentials;

/** Test material: a plain description to write into, addresses, credentials, resources. */
final class SdpSamples {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    static final IceCredentials CREDENTIALS = new IceCredentials("Xk3vR9pQ", "tJ6m2wQ9bN4cLz8rH1sD5fYa");

    /** A plain offer as a softphone would make it, with attributes the extension must not touch. */
    static final String PLAIN = "v=0\r\n"
            + "o=- 1 1 IN IP4 192.0.2.10\r\n"
            + "s=-\r\n"
            + "c=IN IP4 192.0.2.10\r\n"
            + "t=0 0\r\n"
            + "a=tool:test\r\n"
            + "m=audio 40000 RTP/AVP 0 8 101\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:8 PCMA/8000\r\n"
            + "a=x-vendor:keep me\r\n"
            + "a=sendrecv\r\n";

    private SdpSamples() {
    }

    static InetSocketAddress tuple(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    static SessionDescription parse(String text) {
        try {
            return SdpFactory.getInstance().createSessionDescription(text);
        } catch (SdpException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** {@link #PLAIN} with {@code lines} added at the end of the audio description. */
    static String plainWith(String... lines) {
        StringBuilder sb = new StringBuilder(PLAIN);
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        return sb.toString();
    }

    /** {@link #plainWith} plus valid version and credentials. */
    static String extendedWith(String... lines) {
        String[] all = new String[lines.length + 3];
        all[0] = "a=punch-version:1";
        System.arraycopy(lines, 0, all, 1, lines.length);
        all[lines.length + 1] = "a=ice-ufrag:" + CREDENTIALS.ufrag();
        all[lines.length + 2] = "a=ice-pwd:" + CREDENTIALS.password();
        return plainWith(all);
    }

    static PeerExtension extended(SdpReading reading) {
        return assertInstanceOf(SdpReading.Extended.class, reading, () -> reading.toString()).peer();
    }

    static String resource(String name) {
        try (InputStream in = SdpSamples.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The action's result, with standard error (where the SDP parser prints what it skips) silenced meanwhile. */
    static <T> T quietly(Supplier<T> action) {
        PrintStream err = System.err;
        System.setErr(QUIET);
        try {
            return action.get();
        } finally {
            System.setErr(err);
        }
    }
}
