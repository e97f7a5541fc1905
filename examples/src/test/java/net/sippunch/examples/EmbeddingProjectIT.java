package net.sippunch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.sippunch.traversal.ExternalTools;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An integrator's project outside the reactor: the library's artifacts, built by this reactor, are installed
 * into a repository of the test's own; a pom that imports the BOM and names {@code traversal-netty} and
 * {@code sdp-extension}, and the complete example of {@code docs/embedding.md} as its only source, are
 * compiled offline by the build's Maven (third-party artifacts read from the build's local repository, which
 * stays untouched: it is a read-only tail); the program then runs against a discovery server on loopback.
 */
class EmbeddingProjectIT {

    private static final Path TOP = Path.of(property("sippunch.top")).toAbsolutePath().normalize();
    private static final String VERSION = property("sippunch.version");
    private static final Path MAVEN_HOME = Path.of(property("maven.home"));
    private static final Path BUILD_REPOSITORY = Path.of(property("sippunch.localRepository"));
    /** The library's jar modules an integrator uses, and the poms they need. */
    private static final List<String> LIBRARY = List.of("traversal", "traversal-netty", "sdp-extension");

    @Test
    @Timeout(120)
    void aProjectOnTheInstalledArtifactsCompilesAndRunsTheDocumentsExample(@TempDir Path dir) throws Exception {
        Path repository = Files.createDirectory(dir.resolve("repository"));
        for (String module : LIBRARY) {
            install(repository, module, TOP.resolve(module + "/pom.xml"),
                    TOP.resolve(module + "/target/" + module + "-" + VERSION + ".jar"));
        }
        install(repository, "sippunch-parent", TOP.resolve("pom.xml"), null);
        install(repository, "sippunch-bom", TOP.resolve("bom/pom.xml"), null);

        Path project = Files.createDirectory(dir.resolve("integrator"));
        Files.writeString(project.resolve("pom.xml"), pom());
        Path source = project.resolve("src/main/java/net/sippunch/examples/EmbeddingExample.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, EmbeddingDoc.example(TOP));

        Path classpathFile = dir.resolve("classpath.txt");
        Run build = run(project, 90, List.of(MAVEN_HOME.resolve("bin/mvn").toString(), "-B", "-o", "-q",
                "-Dmaven.repo.local=" + repository, "-Dmaven.repo.local.tail=" + BUILD_REPOSITORY,
                "compile", "dependency:build-classpath", "-Dmdep.outputFile=" + classpathFile));
        assertEquals(0, build.exit(), build.output());
        String classpath = Files.readString(classpathFile).strip();
        List<String> ours = Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> entry.contains("/net/sippunch/")).toList();
        assertEquals(LIBRARY.size(), ours.size(), "the library's jars: " + ours);
        for (String entry : ours) {
            assertTrue(entry.startsWith(repository.toString()), "installed, not the reactor's: " + entry);
        }
        assertFalse(classpath.contains("sip-agent"), "the agent is no part of the library: " + classpath);

        int port = ExternalTools.freePortPair();
        ServerAddresses addresses = new ServerAddresses(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port + 1)));
        EventLoopGroup group = NettyTransport.newGroup(1, "it-discovery");
        try (NettyDiscoveryServer server = NettyDiscoveryServer.start(addresses,
                new BindingResponder(addresses, "it"), group)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Run example = run(project, 60, List.of(java, "-cp",
                    project.resolve("target/classes") + File.pathSeparator + classpath,
                    "net.sippunch.examples.EmbeddingExample", "127.0.0.1:" + port, "127.0.0.2:" + (port + 1)));
            assertEquals(0, example.exit(), example.output());
            assertTrue(example.output().contains("callee heard 172 bytes of RTP"), example.output());
            assertTrue(example.output().contains("caller: Punch[event=Settled"), example.output());
            assertTrue(example.output().contains("callee: Punch[event=Settled"), example.output());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** What {@code install:install-file} leaves for a locally built artifact: its pom and jar under its coordinates. */
    private static void install(Path repository, String artifactId, Path pom, Path jar) throws IOException {
        Path at = repository.resolve("net/sippunch/" + artifactId + "/" + VERSION);
        Files.createDirectories(at);
        Files.copy(pom, at.resolve(artifactId + "-" + VERSION + ".pom"));
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), "built by the reactor before this test: " + jar);
            Files.copy(jar, at.resolve(artifactId + "-" + VERSION + ".jar"));
        }
    }

    private static String pom() {
        StringBuilder dependencies = new StringBuilder();
        for (String module : List.of("traversal-netty", "sdp-extension")) {
            dependencies.append("    <dependency><groupId>net.sippunch</groupId><artifactId>").append(module)
                    .append("</artifactId></dependency>\n");
        }
        // the plugins at the versions the reactor uses, so that offline they come from the build's repository
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.example</groupId>
                  <artifactId>softphone</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>net.sippunch</groupId>
                        <artifactId>sippunch-bom</artifactId>
                        <version>%s</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                %s  </dependencies>
                  <build>
                    <plugins>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                      <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(VERSION, dependencies);
    }

    private record Run(int exit, String output) {
    }

    /** Runs a command to completion in {@code cwd}, bounded; its merged output goes through a file. */
    private static Run run(Path cwd, long seconds, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(cwd.getParent(), "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.remove("MAVEN_OPTS");
        env.remove("MAVEN_ARGS");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return new Run(-1, "timed out after " + seconds + " s: " + command + "\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), String.join(" ", command) + "\n" + Files.readString(out));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is set by the failsafe plugin");
        }
        return value;
    }
}
