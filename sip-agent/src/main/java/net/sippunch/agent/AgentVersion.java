package net.sippunch.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version this agent was built as: {@code version.properties} beside this class, filled in by the
 * build; the jar manifest's Implementation-Version when the resource was not filtered (classes compiled outside
 * the build); else "development".
 */
public final class AgentVersion {

    private static final String RESOURCE = "version.properties";
    private static final String UNKNOWN = "development";

    private AgentVersion() {
    }

    /** The version, for example {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        String filtered = fromResource();
        if (filtered != null) {
            return filtered;
        }
        String manifest = AgentVersion.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : UNKNOWN;
    }

    /** The filtered version, or null when the resource is missing or still holds the build's placeholder. */
    private static String fromResource() {
        try (InputStream in = AgentVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.contains("${") ? null : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the class path", e);
        }
    }
}
