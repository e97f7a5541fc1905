package net.sippunch.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The complete example of {@code docs/embedding.md}: the one Java block that is a whole class. */
final class EmbeddingDoc {

    private static final String START = "```java\n";
    private static final String CLASS_START = "package net.sippunch.examples;";

    private EmbeddingDoc() {
    }

    /** The example's source as the document shows it. */
    static String example(Path top) throws IOException {
        String doc = Files.readString(top.resolve("docs/embedding.md"));
        int block = doc.indexOf(START + CLASS_START);
        if (block < 0) {
            throw new IllegalStateException("docs/embedding.md has no complete example (a java block starting with "
                    + CLASS_START + ")");
        }
        int from = block + START.length();
        int to = doc.indexOf("```", from);
        return doc.substring(from, to);
    }
}
