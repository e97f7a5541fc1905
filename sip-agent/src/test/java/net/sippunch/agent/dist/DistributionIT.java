package net.sippunch.agent.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a release hands out, checked after {@code package} (failsafe, in {@code verify}): the distribution
 * tarball unpacked into an empty directory runs {@code bin/sip-agent demo} with nothing but {@code java} on
 * PATH and gets media both ways; its launcher bounds the heap as the repository's does; its NOTICE names every
 * third-party jar it ships; the BOM pins the modules at this build's version.
 */
class DistributionIT {

    private static final String VERSION = property("sippunch.version");
    private static final Path ARCHIVE = Path.of(property("sippunch.dist.archive"));
    private static final Path TOP = Path.of(property("sippunch.top"));
    private static final List<String> MODULES = List.of("traversal", "traversal-netty", "sdp-extension", "sip-agent");

    /** A command's exit status and its two outputs. */
    private record Run(int exit, String out, String err) {
        String both() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    @Timeout(180)
    void unpackedDistributionRunsTheDemoWithMediaBothWays(@TempDir Path dir) throws Exception {
        Path unpacked = Files.createDirectory(dir.resolve("unpacked"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Run tar = run(work, 60, "tar", "--no-same-owner", "-xzf", ARCHIVE.toString(), "-C", unpacked.toString());
        assertEquals(0, tar.exit(), tar.both());
        Path home = unpacked.resolve("sip-agent-" + VERSION);

        Path launcher = home.resolve("bin/sip-agent");
        assertTrue(Files.getPosixFilePermissions(launcher).contains(PosixFilePermission.OWNER_EXECUTE), "bin/sip-agent");
        for (String file : List.of("README.md", "LICENSE", "NOTICE", "conf/log4j2.xml", "conf/agent.example.yaml",
                "conf/agent.yaml", "conf/sip-agent.service", "conf/kamailio/kamailio.cfg")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        assertFalse(Files.exists(home.resolve("conf/kamailio/kamailio-passwords.cfg")), "a checkout's passwords");
        for (String module : MODULES) {
            assertTrue(Files.isRegularFile(home.resolve("lib/" + module + "-" + VERSION + ".jar")), module);
        }

        Run version = run(work, 60, launcher.toString(), "--version");
        assertEquals(0, version.exit(), version.both());
        assertTrue(version.out().contains(VERSION), version.both());

        Run demo = run(work, 120, launcher.toString(), "demo", "--duration", "2");
        assertEquals(0, demo.exit(), demo.both());
        String out = demo.out().strip();
        assertTrue(out.endsWith("media flowed both ways on both sides"), demo.both());
        Matcher packets = Pattern.compile("packets: RTP sent [1-9]\\d*, received [1-9]\\d*").matcher(out);
        assertEquals(2, packets.results().count(), "RTP sent and received on both sides\n" + demo.both());
    }

    @Test
    @Timeout(60)
    void noticeNamesEveryThirdPartyJarOfTheDistribution(@TempDir Path dir) throws Exception {
        Run list = run(Files.createDirectory(dir.resolve("work")), 30, "tar", "-tzf", ARCHIVE.toString());
        assertEquals(0, list.exit(), list.both());
        String prefix = "sip-agent-" + VERSION + "/lib/";
        List<String> jars = list.out().lines().filter(e -> e.startsWith(prefix) && e.endsWith(".jar"))
                .map(e -> e.substring(prefix.length())).toList();
        assertTrue(jars.size() > MODULES.size(), jars.toString());
        // NOTICE names artifacts as group:artifact, artifact, ... ; a jar is artifact-VERSION[-classifier].jar
        List<String> named = Arrays.asList(Files.readString(TOP.resolve("NOTICE")).split("[\\s,:()]+"));
        List<String> unnamed = new ArrayList<>();
        for (String jar : jars) {
            boolean ours = MODULES.stream().anyMatch(m -> jar.equals(m + "-" + VERSION + ".jar"));
            boolean listed = named.stream().anyMatch(a -> jar.startsWith(a + "-")
                    && Character.isDigit(jar.charAt(a.length() + 1)));
            if (!ours && !listed) {
                unnamed.add(jar);
            }
        }
        assertEquals(List.of(), unnamed, "jars in lib/ that NOTICE does not name with their licence");
    }

    @Test
    void distributionLauncherBoundsTheHeapAsTheRepositoryLauncherDoes() throws IOException {
        String repository = heap(TOP.resolve("bin/sip-agent"));
        String distribution = heap(TOP.resolve("sip-agent/src/dist/bin/sip-agent"));
        assertTrue(repository.contains("-Xmx"), repository);
        assertEquals(repository, distribution);
    }

    @Test
    void bomPinsTheModulesAtThisVersion() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(TOP.resolve("bom/pom.xml").toFile());
        Element project = pom.getDocumentElement();
        assertEquals(VERSION, child(project, "version"), "bom/pom.xml's version (it has no parent to inherit it from)");
        List<String> managed = new ArrayList<>();
        NodeList dependencies = project.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            assertEquals("net.sippunch", child(d, "groupId"));
            assertEquals("${project.version}", child(d, "version"));
            managed.add(child(d, "artifactId"));
        }
        assertEquals(MODULES, managed);
    }

    /**
     * Runs a command in {@code cwd} with only java on PATH (no JAVA_HOME, JAVA_OPTS or SIP_AGENT_LOG4J), bounded in
     * time; its outputs go through files beside {@code cwd}, and it is killed, children included, when it ends.
     */
    private static Run run(Path cwd, long seconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(cwd.getParent(), "out", ".txt");
        Path err = Files.createTempFile(cwd.getParent(), "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        env.put("HOME", cwd.toString());
        env.put("LANG", "C.UTF-8");
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                fail(String.join(" ", command) + " still running after " + seconds + " s\n"
                        + new Run(-1, Files.readString(out), Files.readString(err)).both());
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** The launcher's heap=(...) options, whitespace normalised. */
    private static String heap(Path launcher) throws IOException {
        Matcher m = Pattern.compile("(?s)\\nheap=\\(([^)]*)\\)").matcher(Files.readString(launcher));
        assertTrue(m.find(), "no heap=(...) in " + launcher);
        return m.group(1).strip().replaceAll("\\s+", " ");
    }

    private static String child(Element parent, String name) {
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return fail("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: run this test through Maven (./mvnw verify)");
        }
        return value;
    }
}
