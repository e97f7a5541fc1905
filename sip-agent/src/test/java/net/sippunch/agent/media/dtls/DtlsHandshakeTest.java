package net.sippunch.agent.media.dtls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The warm-up handshake: client and server of ours over an in-memory link agree on the SRTP keys. */
class DtlsHandshakeTest {

    @Test
    void theWarmUpHandshakeAgreesOnKeysBothWays() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            DtlsCertificate c = DtlsCertificate.generate(new SecureRandom());
            assertTrue(DtlsHandshake.warmUp(pool, c, new SecureRandom()).get(20, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStoppedExecutorGivesNoWarmUp() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        pool.shutdown();
        assertFalse(DtlsHandshake.warmUp(pool, DtlsCertificate.generate(new SecureRandom()), new SecureRandom())
                .get(5, TimeUnit.SECONDS));
    }
}
