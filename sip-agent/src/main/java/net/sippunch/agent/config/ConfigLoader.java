package net.sippunch.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the agent's YAML config into {@link AgentConfig}. Every problem is collected and reported together in
 * one {@link ConfigException}, each naming its key: duplicate keys (with their line), unknown keys, wrong
 * types, numbers out of range, invalid or missing values, and what the machine refuses (a host name that
 * does not resolve, an address that is not local, a directory that cannot be created). A YAML syntax error
 * stops the reading: it is reported alone, with its line and column.
 */
public final class ConfigLoader {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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
        JsonNode tree;
        try {
            tree = read(yaml, problems);
        } catch (IOException e) {
            problems.add(syntaxError(e));
            throw new ConfigException(source, problems);
        } catch (RuntimeException e) {
            // Jackson reports what it finds wrong as an IOException; a runtime exception is the YAML parser's own
            // bug on this text (SnakeYAML's IndexOutOfBoundsException for a surrogate pair across its
            // 1024-character read buffer). The text is refused all the same.
            problems.add("not valid YAML: the YAML parser failed on it");
            throw new ConfigException(source, problems);
        }
        if (tree == null || tree.isNull()) {
            problems.add("empty config");
            throw new ConfigException(source, problems);
        }
        ConfigSchema schema = ConfigSchema.check(tree);
        problems.addAll(schema.problems());
        if (!schema.rejectedWhole()) {
            AgentConfig config = bind(tree, problems);
            if (config != null) {
                for (String problem : ConfigValidator.problems(config)) {
                    if (!schema.explains(problem)) {
                        problems.add(problem);
                    }
                }
                // the machine is asked only about values that are otherwise fine
                problems.addAll(ConfigEnvironment.problems(config,
                        key -> problems.stream().anyMatch(p -> p.startsWith(key + ": "))));
            }
            if (problems.isEmpty()) {
                return config;
            }
        }
        throw new ConfigException(source, problems);
    }

    private static AgentConfig bind(JsonNode tree, List<String> problems) {
        try {
            return MAPPER.treeToValue(tree, AgentConfig.class);
        } catch (JsonProcessingException e) {
            // the schema check lets through only what binds; this names what it missed all the same
            problems.add("cannot bind the config: " + e.getOriginalMessage());
            return null;
        }
    }

    /**
     * The first document as a tree, or null when there is none. A key given twice keeps its last value and is
     * listed in {@code problems}, as is a second document.
     */
    private static JsonNode read(String yaml, List<String> problems) throws IOException {
        try (JsonParser p = YAML.createParser(yaml)) {
            if (p.nextToken() == null) {
                return null;
            }
            JsonNode root = value(p, "", problems);
            if (p.nextToken() != null) {
                problems.add("a second YAML document at line " + p.currentTokenLocation().getLineNr()
                        + ": one config per file");
            }
            return root;
        }
    }

    private static JsonNode value(JsonParser p, String key, List<String> problems) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    int line = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    JsonNode child = value(p, ConfigSchema.key(key, name), problems);
                    if (object.has(name)) {
                        problems.add("duplicate key '" + name + "'" + ConfigSchema.under(key) + " (line " + line + ")");
                    }
                    object.set(name, child);
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(p, ConfigSchema.element(key, array.size()), problems));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                try {
                    // exact, so that what was written shows in a message and a too large number stays finite
                    return DecimalNode.valueOf(p.getDecimalValue());
                } catch (StreamReadException e) {
                    // YAML's .inf and .nan: no number to Jackson; the schema check calls it text
                    return NODES.textNode(p.getText());
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            case VALUE_EMBEDDED_OBJECT -> {
                Object embedded = p.getEmbeddedObject();
                return embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.textNode(p.getText());
            }
            default -> throw new IllegalStateException("a value cannot start with " + token);
        }
    }

    /** "YAML syntax error at line L, column C: problem (context at line L, column C)", lines from 1. */
    private static String syntaxError(IOException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            String context = marked.getContext() == null ? "" : " (" + marked.getContext()
                    + (marked.getContextMark() == null ? "" : " at " + at(marked.getContextMark())) + ")";
            return "YAML syntax error at " + at(marked.getProblemMark()) + ": " + marked.getProblem() + context;
        }
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            return "YAML syntax error at line " + j.getLocation().getLineNr() + ", column "
                    + j.getLocation().getColumnNr() + ": " + j.getOriginalMessage();
        }
        return "YAML syntax error: " + e.getMessage();
    }

    private static String at(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
