package net.sippunch.traversal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sans-IO engine is an artifact of its own: an integrator who depends on {@code traversal} gets neither
 * Netty nor weupnp (they are {@code traversal-netty}'s). This module's test class path holds its runtime class
 * path and the test libraries, so what is missing here is missing there.
 */
class EngineClasspathTest {

    @Test
    void neitherNettyNorWeupnpIsOnTheClassPath() {
        List<String> io = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains("/io/netty/") || entry.contains("/org/bitlet/")
                        || entry.contains("netty") || entry.contains("weupnp"))
                .toList();
        assertEquals(List.of(), io, "I/O libraries on the engine's class path");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.Channel"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.bitlet.weupnp.GatewayDevice"));
    }

    @Test
    void theEngineHoldsNoIoPackage() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.sippunch.traversal.netty.NettyMediaPort"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.sippunch.traversal.upnp.UpnpPortMapping"));
    }
}
