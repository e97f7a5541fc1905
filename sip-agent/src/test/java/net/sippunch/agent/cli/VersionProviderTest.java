package net.sippunch.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code sip-agent --version} prints the version the build is making, the one in the module's pom. */
class VersionProviderTest {

    @Test
    void versionIsTheProjectVersionOfTheBuild() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
        assertTrue(parent.find(), "no parent version in sip-agent/pom.xml");

        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sipAgent("--version");

        assertEquals(0, run.exit());
        assertEquals("sip-agent " + parent.group(1) + "\n", run.out());
    }
}
