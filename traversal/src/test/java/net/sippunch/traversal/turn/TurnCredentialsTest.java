package net.sippunch.traversal.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {

    @Test
    void timeLimitedCredentialsFollowTheTurnRestApi() {
        TurnCredentials c = TurnCredentials.timeLimited("north-secret", "alice", 1_700_000_000L);
        assertEquals("1700000000:alice", c.username());
        // echo -n "1700000000:alice" | openssl dgst -sha1 -hmac north-secret -binary | base64
        assertEquals("g+jb180fcj+xlpA/2mP60OdIgU0=", c.password());
    }

    @Test
    void withoutAUserTheUsernameIsTheExpiryTimeAlone() {
        assertEquals("1700000000", TurnCredentials.timeLimited("s", "", 1_700_000_000L).username());
    }

    @Test
    void theKeyIsTheMd5OfUsernameRealmAndPassword() {
        // echo -n "bob:sippunch.test:pass" | md5sum
        assertArrayEquals(HexFormat.of().parseHex("b96e5556fe9799d596b5cb8a1d765a21"),
                new TurnCredentials("bob", "pass").key("sippunch.test").key());
    }

    @Test
    void thePasswordNeverShowsInText() {
        assertFalse(new TurnCredentials("bob", "hunter2").toString().contains("hunter2"));
    }

    @Test
    void equalityComparesThePasswordToo() {
        assertEquals(new TurnCredentials("bob", "pass"), new TurnCredentials("bob", "pass"));
        assertNotEquals(new TurnCredentials("bob", "pass"), new TurnCredentials("bob", "pasS"));
    }
}
