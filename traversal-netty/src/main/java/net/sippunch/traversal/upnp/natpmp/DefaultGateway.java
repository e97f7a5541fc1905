package net.sippunch.traversal.upnp.natpmp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The IPv4 default gateway, where NAT-PMP requests go; read from Linux's {@code /proc/net/route}. */
public final class DefaultGateway {

    private DefaultGateway() {
    }

    /** The default gateway of this network namespace, empty when there is none or not on Linux. */
    public static Optional<InetAddress> find() {
        try {
            return parse(Files.readString(Path.of("/proc/net/route"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses the text of {@code /proc/net/route}: the first route with destination 0 and the gateway flag;
     * addresses there are hexadecimal in host (little-endian) order.
     */
    static Optional<InetAddress> parse(String table) {
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[1].equals("00000000")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f[3], 16);
                long gw = Long.parseLong(f[2], 16);
                if ((flags & 0x2) == 0 || gw == 0) {
                    continue;
                }
                byte[] b = {(byte) gw, (byte) (gw >> 8), (byte) (gw >> 16), (byte) (gw >> 24)};
                return Optional.of(InetAddress.getByAddress(b));
            } catch (NumberFormatException | UnknownHostException e) {
                continue; // a line that is not a route
            }
        }
        return Optional.empty();
    }
}
