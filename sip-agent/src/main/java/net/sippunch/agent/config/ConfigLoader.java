package net.sippunch.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the agent's YAML config into {@link AgentConfig}. Every problem is collected (unknown keys,
 * wrong types, invalid values) and reported together in one {@link ConfigException}.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Loads and validates a config file. */
    public static AgentConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        return parse(text, file.toString());
    }

    /** Parses and validates config text; {@code source} names it in messages. */
    public static AgentConfig parse(String yaml, String source) throws ConfigException {
        List<String> problems = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .addHandler(new DeserializationProblemHandler() {
                    @Override
                    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                                         JsonDeserializer<?> deserializer, Object beanOrClass,
                                                         String propertyName) throws IOException {
                        String at = p.getParsingContext().getParent() == null ? ""
                                : p.getParsingContext().getParent().pathAsPointer().toString();
                        problems.add("unknown key '" + propertyName + "'" + (at.isEmpty() ? " at top level"
                                : " under " + at.substring(1).replace('/', '.')));
                        p.skipChildren();
                        return true;
                    }
                });
        AgentConfig config = null;
        try {
            config = mapper.readValue(yaml, AgentConfig.class);
        } catch (MismatchedInputException e) {
            problems.add("wrong type at " + pathOf(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            problems.add("not valid YAML: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            // Jackson reports what it finds wrong as a JsonProcessingException (binding errors too); a runtime
            // exception is the YAML parser's own bug on this text, e.g. SnakeYAML's IndexOutOfBoundsException for
            // a surrogate pair across its 1024-character read buffer. The text is refused all the same.
            problems.add("not valid YAML: the YAML parser failed on it (" + e + ")");
        }
        if (config == null && problems.isEmpty()) {
            problems.add("empty config");
        }
        if (config != null) {
            problems.addAll(ConfigValidator.problems(config));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private static String pathOf(MismatchedInputException e) {
        StringBuilder b = new StringBuilder();
        for (var ref : e.getPath()) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return b.length() == 0 ? "top level" : b.toString();
    }
}
