package net.sippunch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import net.sippunch.agent.call.CallPolicy;

/**
 * Any text as the agent's YAML config: a valid {@link AgentConfig} or a {@link ConfigException} listing its
 * problems, never another exception. An accepted config passes validation again, gives a working call
 * policy, and written back as YAML loads to the same config.
 */
class ConfigLoaderFuzzTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @FuzzTest
    void anyTextGivesAConfigOrAConfigException(byte[] input) throws JsonProcessingException, ConfigException {
        String text = new String(input, StandardCharsets.UTF_8);
        AgentConfig config;
        try {
            config = ConfigLoader.parse(text, "fuzz");
        } catch (ConfigException e) {
            assertFalse(e.problems().isEmpty(), "a refusal without a reason");
            for (String problem : e.problems()) {
                assertFalse(problem.isBlank(), "a blank problem");
            }
            assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
            return;
        }
        assertNotNull(config);
        assertEquals(0, ConfigValidator.problems(config).size());
        CallPolicy.Decision d = new CallPolicy(config.policy()).decide("sip:alice@example.org");
        assertTrue(d.accept() || (d.status() >= 400 && d.status() <= 699), () -> "refusal with " + d.status());
        String written = YAML.writeValueAsString(config);
        if (!surrogatePairAcrossReadBuffer(written)) {
            assertEquals(config, ConfigLoader.parse(written, "written back"));
        }
    }

    /**
     * Whether SnakeYAML refuses the text for its own bug, not for its content: its reader fails when a
     * surrogate pair falls across its 1024-character read buffer (docs/ROBUSTNESS.md, finding 7), so a valid
     * config written back can be refused when a non-BMP character lands there.
     */
    private static boolean surrogatePairAcrossReadBuffer(String text) {
        for (int i = 1023; i < text.length(); i += 1024) {
            if (Character.isHighSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
