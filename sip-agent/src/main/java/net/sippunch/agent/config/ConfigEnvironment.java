package net.sippunch.agent.config;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import net.sippunch.agent.pki.PemFiles;

/**
 * The checks of a config against the machine it starts on, each naming its key: the servers' host names
 * resolve, the listen addresses (SIP, media, metrics) are local, the directories the agent writes to exist or
 * can be created, the TLS files hold what their keys say. It creates nothing (the agent creates the directories
 * when it starts); a listen address is tried with a socket on an ephemeral port, closed at once.
 */
final class ConfigEnvironment {

    private ConfigEnvironment() {
    }

    /**
     * @param reported whether a key already has a problem (its value is not looked at again)
     */
    static List<String> problems(AgentConfig c, Predicate<String> reported) {
        List<String> p = new ArrayList<>();
        AgentConfig.Account a = c.account();
        if (a != null) {
            resolves(p, reported, "account.proxy", a.proxy());
            resolves(p, reported, "account.registrar", a.registrar());
        }
        local(p, reported, "sip.listenAddress", c.sip().listenAddress());
        tlsFiles(p, reported, c.sip().tls());
        local(p, reported, "media.localAddress", c.media().localAddress());
        writableDirectory(p, reported, "media.recordDir", c.media().recordDir());
        for (int i = 0; i < c.discovery().servers().size(); i++) {
            resolves(p, reported, "discovery.servers[" + i + "]", c.discovery().servers().get(i));
        }
        for (int i = 0; i < c.turn().servers().size(); i++) {
            resolves(p, reported, "turn.servers[" + i + "]", c.turn().servers().get(i));
        }
        writableDirectory(p, reported, "report.dir", c.report().dir());
        c.metrics().address().ifPresent(m -> local(p, reported, "metrics.listen", m.getAddress().getHostAddress()));
        return p;
    }

    private static void resolves(List<String> p, Predicate<String> reported, String key, String server) {
        Optional<SipHostPort> parsed = SipHostPort.parse(server);
        if (server == null || reported.test(key) || parsed.isEmpty()) {
            return;
        }
        try {
            InetAddress.getByName(parsed.get().host());
        } catch (UnknownHostException e) {
            p.add(key + ": cannot resolve host '" + parsed.get().host() + "'");
        }
    }

    /**
     * The TLS files exist and hold what their key says: PEM certificates, a PKCS#8 private key that is the key of
     * the certificate.
     */
    private static void tlsFiles(List<String> p, Predicate<String> reported, AgentConfig.Tls tls) {
        pem(p, reported, "sip.tls.caFile", tls.caFile(), PemFiles::certificates);
        X509Certificate own = pem(p, reported, "sip.tls.certificateFile", tls.certificateFile(),
                f -> PemFiles.certificates(f).get(0));
        PrivateKey key = pem(p, reported, "sip.tls.keyFile", tls.keyFile(), PemFiles::privateKey);
        if (own != null && key != null && !PemFiles.belongTogether(key, own)) {
            p.add("sip.tls.keyFile: " + tls.keyFile() + " is not the key of the certificate in"
                    + " sip.tls.certificateFile (" + tls.certificateFile() + ")");
        }
    }

    /** What a PEM file holds, or null (with its problem listed) when it cannot be read. */
    private static <T> T pem(List<String> p, Predicate<String> reported, String key, String file, PemReader<T> reader) {
        if (file == null || reported.test(key)) {
            return null;
        }
        try {
            return reader.read(Path.of(file));
        } catch (InvalidPathException e) {
            p.add(key + ": not a path: " + e.getMessage());
        } catch (IOException e) {
            p.add(key + ": " + e.getMessage());
        }
        return null;
    }

    @FunctionalInterface
    private interface PemReader<T> {
        T read(Path file) throws IOException;
    }

    /** The address can be bound (the wildcard always can). */
    private static void local(List<String> p, Predicate<String> reported, String key, String address) {
        if (address == null || reported.test(key)) {
            return;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address); // a literal, as ConfigValidator checked: no lookup
        } catch (UnknownHostException e) {
            p.add(key + ": not an IP address: " + address);
            return;
        }
        if (ip.isAnyLocalAddress()) {
            return;
        }
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.bind(new InetSocketAddress(ip, 0));
        } catch (IOException e) {
            p.add(key + (onInterface(ip) ? ": cannot bind to " + address + ": " + e.getMessage()
                    : ": " + address + " is not an address of this machine (" + e.getMessage() + ")"));
        }
    }

    private static boolean onInterface(InetAddress ip) {
        try {
            return NetworkInterface.getByInetAddress(ip) != null;
        } catch (SocketException e) {
            return true; // no interface list: say only what the bind said
        }
    }

    /**
     * The directory exists and is writable, or its nearest existing ancestor is a writable directory (so that
     * it can be created).
     */
    private static void writableDirectory(List<String> p, Predicate<String> reported, String key, String dir) {
        if (dir == null || reported.test(key)) {
            return;
        }
        Path path;
        try {
            path = Path.of(dir);
        } catch (InvalidPathException e) {
            p.add(key + ": not a path: " + e.getMessage());
            return;
        }
        if (Files.exists(path)) {
            if (!Files.isDirectory(path)) {
                p.add(key + ": " + dir + " is not a directory");
            } else if (!Files.isWritable(path)) {
                p.add(key + ": directory " + dir + " is not writable");
            }
            return;
        }
        Path existing = path.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String cannot = key + ": cannot create directory " + dir + ": ";
        if (existing == null) {
            p.add(cannot + "no part of the path exists");
        } else if (!Files.isDirectory(existing)) {
            p.add(cannot + existing + " is not a directory");
        } else if (!Files.isWritable(existing)) {
            p.add(cannot + "directory " + existing + " is not writable");
        }
    }
}
