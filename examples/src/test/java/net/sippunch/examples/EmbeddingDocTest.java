package net.sippunch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/embedding.md shows the example this module compiles, unchanged. */
class EmbeddingDocTest {

    @Test
    void theDocumentsExampleIsTheCompiledOne() throws Exception {
        Path source = Path.of("src/main/java/net/sippunch/examples/EmbeddingExample.java");
        assertEquals(Files.readString(source), EmbeddingDoc.example(Path.of("..")),
                "docs/embedding.md's complete example differs from examples/" + source);
    }
}
