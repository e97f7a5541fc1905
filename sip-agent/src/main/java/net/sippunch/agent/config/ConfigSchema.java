package net.sippunch.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The types of a config tree checked against the records of {@link AgentConfig} (their components are the
 * schema): every unknown key and every value of the wrong type or out of range is listed with its key path
 * ({@code sip.listenPort}, {@code policy.rules[0].status}). What does not fit is removed from the tree, so the
 * rest binds with defaults in its place and its values can be checked too.
 */
final class ConfigSchema {

    private static final String WHOLE_NUMBER = "-?[0-9]+";
    private static final String NUMBER = "-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?";

    private final List<String> problems = new ArrayList<>();
    /** Keys whose value was removed: their later problems ("missing") are explained by the first. */
    private final List<String> rejected = new ArrayList<>();
    private boolean rejectedWhole;

    private ConfigSchema() {
    }

    /** Checks {@code root} and removes from it what does not fit. */
    static ConfigSchema check(JsonNode root) {
        ConfigSchema schema = new ConfigSchema();
        schema.rejectedWhole = !schema.fits(root, AgentConfig.class, "");
        return schema;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    /** True when the tree is no config at all (not a mapping): nothing else can be checked. */
    boolean rejectedWhole() {
        return rejectedWhole;
    }

    /** Whether a problem {@code "key: ..."} follows from a value removed here (a required key now missing). */
    boolean explains(String problem) {
        int colon = problem.indexOf(": ");
        String key = colon < 0 ? problem : problem.substring(0, colon);
        return rejected.stream().anyMatch(r -> key.equals(r) || key.startsWith(r + ".") || key.startsWith(r + "["));
    }

    /** The path of key {@code name} in the mapping at {@code parent} ("" for the top level). */
    static String key(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** The path of element {@code index} of the list at {@code parent}. */
    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** " under {@code parent}", or nothing at the top level. */
    static String under(String parent) {
        return parent.isEmpty() ? "" : " under " + parent;
    }

    private boolean fits(JsonNode node, Type type, String key) {
        if (node.isNull()) {
            return true;
        }
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw.isRecord()) {
            return node.isObject() ? fitsRecord((ObjectNode) node, raw, key) : reject(key, "expected a mapping", node);
        }
        if (raw == List.class) {
            Type elements = ((ParameterizedType) type).getActualTypeArguments()[0];
            return node.isArray() ? fitsList((ArrayNode) node, elements, key) : reject(key, "expected a list", node);
        }
        if (raw == String.class) {
            return node.isTextual() || node.isNumber() || node.isBoolean() || reject(key, "expected text", node);
        }
        if (raw == Integer.class) {
            return fitsInteger(node, key);
        }
        if (raw == Double.class) {
            return fitsDouble(node, key);
        }
        if (raw == Boolean.class) {
            boolean text = node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"));
            return node.isBoolean() || text || reject(key, "expected true or false", node);
        }
        throw new IllegalStateException("no schema for " + type + " at " + key);
    }

    private boolean fitsRecord(ObjectNode object, Class<?> record, String key) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            RecordComponent component = component(record, name);
            if (component == null) {
                problems.add("unknown key '" + name + "'" + under(key));
                object.remove(name);
            } else if (!fits(object.get(name), component.getGenericType(), key(key, name))) {
                object.remove(name);
            }
        }
        return true;
    }

    /**
     * An element that does not fit: in a list of mappings it becomes an empty mapping (its defaults), so the
     * other elements keep their index in later messages; any other list is dropped for its default.
     */
    private boolean fitsList(ArrayNode array, Type elements, String key) {
        boolean records = elements instanceof Class<?> c && c.isRecord();
        boolean fits = true;
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            boolean ok = element.isNull() ? reject(element(key, i), "empty list entry", null)
                    : fits(element, elements, element(key, i));
            if (!ok && records) {
                array.set(i, array.objectNode());
            }
            fits &= ok || records;
        }
        return fits;
    }

    private boolean fitsInteger(JsonNode node, String key) {
        if (node.isIntegralNumber() || node.isTextual() && node.asText().matches(WHOLE_NUMBER)) {
            // bitLength() below 32: -2^31..2^31-1
            boolean inRange = node.isNumber() ? node.canConvertToInt() : new BigInteger(node.asText()).bitLength() < 32;
            return inRange || reject(key, "number out of range: " + node.asText(), null);
        }
        return reject(key, "expected a whole number", node);
    }

    private boolean fitsDouble(JsonNode node, String key) {
        if (node.isNumber() || node.isTextual() && node.asText().matches(NUMBER)) {
            double value = node.isNumber() ? node.doubleValue() : Double.parseDouble(node.asText());
            return Double.isFinite(value) || reject(key, "number out of range: " + node.asText(), null);
        }
        return reject(key, "expected a number", node);
    }

    private static RecordComponent component(Class<?> record, String name) {
        for (RecordComponent c : record.getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** Lists "key: expected ..., got ..." and marks the key; always false. */
    private boolean reject(String key, String expected, JsonNode got) {
        String gotten = got == null ? "" : ", got " + describe(got);
        problems.add((key.isEmpty() ? "the config" : key) + ": " + expected + gotten);
        rejected.add(key);
        return false;
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "text '" + node.asText() + "'";
        }
        if (node.isBinary()) {
            return "binary data";
        }
        return node.asText();
    }
}
