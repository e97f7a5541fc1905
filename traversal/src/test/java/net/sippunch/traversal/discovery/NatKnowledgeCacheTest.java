package net.sippunch.traversal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sippunch.traversal.nat.FilteringBehavior;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NatKnowledgeCacheTest {

    private static final long MINUTE = 60_000_000_000L;
    private static final InetAddress HOME = DiscoveryClientTest.ip("10.0.0.2");
    private static final InetAddress ELSEWHERE = DiscoveryClientTest.ip("192.168.7.20");
    private static final List<InetSocketAddress> SERVERS = List.of(DiscoveryClientTest.address("198.18.0.21", 3478),
            DiscoveryClientTest.address("198.18.0.31", 3479));

    /** What the cache logs, at every level. */
    private final List<LogEvent> logged = new ArrayList<>();
    private final Logger logger = (Logger) LogManager.getLogger(NatKnowledgeCache.class);
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            logged.add(event.toImmutable());
        }
    };
    private Level levelBefore;

    @BeforeEach
    void captureLog() {
        capture.start();
        levelBefore = logger.getLevel();
        logger.addAppender(capture);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void releaseLog() {
        logger.removeAppender(capture);
        logger.setLevel(levelBefore);
        capture.stop();
    }

    private static NatKnowledge knowledge(InetAddress localIp, long learnedAt) {
        return new NatKnowledge(localIp, SERVERS, FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT,
                List.of(DiscoveryClientTest.address("198.18.0.21", 3479)), List.of(), learnedAt);
    }

    @Test
    void givesWhatWasLearnedUntilItIsTooOld() {
        NatKnowledgeCache cache = new NatKnowledgeCache(Duration.ofMinutes(10));
        assertEquals(Optional.empty(), cache.fresh(HOME, SERVERS, 0), "nothing learned yet");
        NatKnowledge k = knowledge(HOME, 5 * MINUTE);
        cache.learned(k);
        assertEquals(Optional.of(k), cache.fresh(HOME, SERVERS, 5 * MINUTE));
        assertEquals(Optional.of(k), cache.fresh(HOME, SERVERS, 15 * MINUTE), "exactly the maximum age");
        assertEquals(Optional.empty(), cache.fresh(HOME, SERVERS, 15 * MINUTE + 1));
        NatKnowledge again = knowledge(HOME, 16 * MINUTE);
        cache.learned(again);
        assertEquals(Optional.of(again), cache.fresh(HOME, SERVERS, 20 * MINUTE), "the latest replaces the earlier");
    }

    @Test
    void theDefaultMaximumAgeIsTenMinutes() {
        NatKnowledgeCache cache = new NatKnowledgeCache();
        cache.learned(knowledge(HOME, 0));
        assertTrue(cache.fresh(HOME, SERVERS, 10 * MINUTE).isPresent());
        assertTrue(cache.fresh(HOME, SERVERS, 10 * MINUTE + 1).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new NatKnowledgeCache(Duration.ZERO));
    }

    @Test
    void otherServersAreNotAnswered() {
        NatKnowledgeCache cache = new NatKnowledgeCache();
        cache.learned(knowledge(HOME, 0));
        assertEquals(Optional.empty(), cache.fresh(HOME, SERVERS.subList(0, 1), 1));
        assertEquals(Optional.empty(), cache.fresh(HOME, List.of(SERVERS.get(1), SERVERS.get(0)), 1));
    }

    @Test
    void aNewLocalAddressIsLoggedOnceAndGetsNothing() {
        NatKnowledgeCache cache = new NatKnowledgeCache();
        cache.learned(knowledge(HOME, 0));
        logged.clear();
        assertEquals(Optional.empty(), cache.fresh(ELSEWHERE, SERVERS, 1));
        assertEquals(Optional.empty(), cache.fresh(ELSEWHERE, SERVERS, 2));
        List<LogEvent> info = logged.stream().filter(e -> e.getLevel() == Level.INFO).toList();
        assertEquals(1, info.size(), "once, not at every lookup: " + info);
        String message = info.get(0).getMessage().getFormattedMessage();
        assertTrue(message.contains("10.0.0.2") && message.contains("192.168.7.20")
                && message.contains("filtering will be learned again"), message);
        assertTrue(cache.fresh(HOME, SERVERS, 3).isPresent(), "the knowledge still holds for its own address");

        cache.learned(knowledge(ELSEWHERE, 4));
        logged.clear();
        assertTrue(cache.fresh(ELSEWHERE, SERVERS, 5).isPresent());
        cache.fresh(HOME, SERVERS, 6);
        assertEquals(1, logged.stream().filter(e -> e.getLevel() == Level.INFO).count(), "a change back is a change");
    }
}
