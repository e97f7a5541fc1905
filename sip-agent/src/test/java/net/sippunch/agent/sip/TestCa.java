package net.sippunch.agent.sip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.interop.ExternalTools;

/**
 * A certificate authority made for one test with the openssl command line (EC P-256 keys, valid two days): its
 * certificate in {@code ca.pem}, and certificates it issues with the subjectAltNames a test needs, each
 * with its PKCS#8 key, all PEM in the test's directory. Nothing of it is kept in the repository.
 */
public final class TestCa {

    private final String openssl;
    private final Path dir;
    private final String name;

    private TestCa(String openssl, Path dir, String name) {
        this.openssl = openssl;
        this.dir = dir;
        this.name = name;
    }

    /** A certificate and its key. */
    public record Issued(Path certificate, Path key) {
    }

    /** Creates a CA called {@code name} in {@code dir} (skipped outside CI when openssl is missing). */
    public static TestCa create(Path dir, String name) throws IOException, InterruptedException {
        String openssl = ExternalTools.require("openssl", "openssl");
        TestCa ca = new TestCa(openssl, Files.createDirectories(dir), name);
        ca.run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.key().toString(), "-out", ca.certificate().toString(), "-days", "2",
                "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** The CA's certificate (what {@code sip.tls.caFile} names). */
    public Path certificate() {
        return dir.resolve(name + "-ca.pem");
    }

    private Path key() {
        return dir.resolve(name + "-ca.key");
    }

    /**
     * Issues a certificate for {@code commonName} with {@code altNames} ("DNS:localhost", "IP:127.0.0.1"; none
     * for a certificate without subjectAltName), for TLS servers and clients.
     */
    public Issued issue(String commonName, String... altNames) throws IOException, InterruptedException {
        String base = name + "-" + commonName.replaceAll("[^A-Za-z0-9.-]", "_");
        Path key = dir.resolve(base + ".key");
        Path csr = dir.resolve(base + ".csr");
        Path certificate = dir.resolve(base + ".pem");
        Path ext = dir.resolve(base + ".ext");
        List<String> lines = new ArrayList<>(List.of("basicConstraints=CA:FALSE",
                "keyUsage=critical,digitalSignature,keyAgreement", "extendedKeyUsage=serverAuth,clientAuth"));
        if (altNames.length > 0) {
            lines.add("subjectAltName=" + String.join(",", altNames));
        }
        Files.write(ext, lines, StandardCharsets.US_ASCII);
        run(openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + commonName);
        run(openssl, "x509", "-req", "-in", csr.toString(), "-CA", certificate().toString(), "-CAkey", key().toString(),
                "-CAcreateserial", "-out", certificate.toString(), "-days", "2", "-extfile", ext.toString());
        return new Issued(certificate, key);
    }

    private void run(String... command) throws IOException, InterruptedException {
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl did not finish in 30 s: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) {
            throw new IOException("openssl failed (" + p.exitValue() + "): " + String.join(" ", command) + "\n"
                    + Files.readString(log));
        }
    }
}
