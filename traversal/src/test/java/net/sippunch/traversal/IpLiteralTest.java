package net.sippunch.traversal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest
    @CsvSource({"192.0.2.10, 192.0.2.10", "0.0.0.0, 0.0.0.0", "255.255.255.255, 255.255.255.255",
            "2001:db8::1, 2001:db8:0:0:0:0:0:1", "::, 0:0:0:0:0:0:0:0", "::ffff:192.0.2.1, 192.0.2.1",
            "2001:DB8::A, 2001:db8:0:0:0:0:0:a"})
    void literalsParse(String text, String expected) {
        InetAddress ip = IpLiteral.parse(text);
        assertEquals(expected, ip.getHostAddress());
    }

    /** Hex-letter words, short forms and names: each would be resolved by InetAddress.getByName. */
    @ParameterizedTest
    @ValueSource(strings = {"", "cafe", "bad.beef", "dead:beef:cafe", "1.2.3", "1.2.3.4.5", "01.2.3.4",
            "256.0.0.1", "1.2.3.", ".1.2.3", "localhost", "fe80::1%eth0", "[::1]", "1.2.3.4 ", "１.2.3.4"})
    void anythingElseIsRefusedWithoutALookup(String text) {
        assertNull(IpLiteral.parse(text));
    }

    @Test
    void longerThanAnyLiteralIsRefused() {
        assertNull(IpLiteral.parse("0:0:0:0:0:0:0:0".repeat(3)));
    }
}
