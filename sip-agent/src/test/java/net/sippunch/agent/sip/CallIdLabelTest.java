package net.sippunch.agent.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallIdLabelTest {

    @Test
    void aShortSafeCallIdIsKept() {
        assertEquals("a84b4c76e66710@pc33.atlanta.com", CallIdLabel.fileName("a84b4c76e66710@pc33.atlanta.com"));
        assertEquals("a84b4c76e66710@pc33.atlanta.com", CallIdLabel.log("a84b4c76e66710@pc33.atlanta.com"));
        assertEquals("", CallIdLabel.log(null));
    }

    @Test
    void whatThePeerSendsNeverMakesAPathOrAnUnboundedName() {
        for (String id : List.of("..", "../../etc/passwd", "a/b", "a\\b", "x".repeat(65), "...", "",
                "..x".repeat(5000), "a:b\"c<d>e?f*g|h")) {
            String name = CallIdLabel.fileName(id);
            assertFalse(name.isEmpty(), id);
            assertFalse(name.contains(".."), name);
            assertFalse(name.contains("/") || name.contains("\\"), name);
            assertTrue(name.matches("[A-Za-z0-9._@+-]+"), name);
            assertTrue(name.length() <= CallIdLabel.PREFIX + 65, name);
            assertTrue(CallIdLabel.log(id).length() <= CallIdLabel.PREFIX + 65, id);
        }
    }

    @Test
    void distinctCallIdsGetDistinctNames() {
        String common = "y".repeat(10_000);
        assertNotEquals(CallIdLabel.fileName(common + "1"), CallIdLabel.fileName(common + "2"));
        // sanitising alone would make these two the same
        assertNotEquals(CallIdLabel.fileName("a:b"), CallIdLabel.fileName("a/b"));
        assertNotEquals(CallIdLabel.fileName("a_b"), CallIdLabel.fileName("a:b"));
        assertEquals(CallIdLabel.fileName(common), CallIdLabel.log(common), "log lines name the files");
    }
}
