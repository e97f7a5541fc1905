package net.sippunch.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code nat-probe} behind real kernel NATs (nftables in network namespaces) against our RFC 5780
 * discovery server: the classification must match what each NAT is built to be.
 */
class KernelNatClassificationTest {

    @ParameterizedTest(name = "{0} delta {1} -> {2}")
    @CsvSource({
            "open,                 1, OPEN,                 ENDPOINT_INDEPENDENT,       0",
            "port-restricted,      1, PORT_RESTRICTED_CONE, ADDRESS_AND_PORT_DEPENDENT, 0",
            "symmetric-sequential, 1, SYMMETRIC_SEQUENTIAL, ADDRESS_AND_PORT_DEPENDENT, 1",
            "symmetric-sequential, 3, SYMMETRIC_SEQUENTIAL, ADDRESS_AND_PORT_DEPENDENT, 3",
            "symmetric-random,     1, SYMMETRIC_RANDOM,     ADDRESS_AND_PORT_DEPENDENT, -1",
    })
    void classifiesTheKernelNat(String nat, int delta, String type, String filtering, int expectedDelta)
            throws Exception {
        LabHost.requireLab();
        try (LabHost lab = new LabHost("kc" + ProcessHandle.current().pid() % 100000)) {
            lab.up(nat, List.of("--delta", Integer.toString(delta)));
            lab.startAgent("disc", List.of("discovery-server", "--listen", "198.18.0.21:3478",
                    "--listen", "198.18.0.31:3479"), "listening on");
            // a first probe from a host without NAT warms the server up: a cold server's first answer can
            // come after the client moved on to the next server, and then the filtering tests do not run
            lab.agent("disc2", List.of("nat-probe", "--server", "198.18.0.21:3478", "--server", "198.18.0.31:3479",
                    "--json"), 30);
            String json = lab.agent("cli", List.of("nat-probe", "--server", "198.18.0.21:3478",
                    "--server", "198.18.0.31:3479", "--local-port", "5004", "--json"), 30);
            JsonNode profile = new ObjectMapper().readTree(json);
            assertEquals(type, profile.get("type").asText(), json);
            assertEquals(filtering, profile.get("filtering").asText(), json);
            assertEquals(4, profile.get("samples").size(), json);
            if (expectedDelta >= 0) {
                assertEquals(expectedDelta, profile.get("delta").asInt(), json);
                for (JsonNode d : profile.get("deltas")) {
                    assertEquals(expectedDelta, d.asInt(), json);
                }
            }
        }
    }
}
