package net.sippunch.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import javax.sdp.SessionDescription;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.constraints.IntRange;
import net.sippunch.traversal.IceCredentials;
import net.sippunch.traversal.nat.FilteringBehavior;
import net.sippunch.traversal.nat.MappingBehavior;
import net.sippunch.traversal.nat.NatType;
import net.sippunch.traversal.nat.PortAllocation;

/**
 * The reader never throws and always decides (Extended, Plain or Invalid); whatever it accepts
 * encodes back to the same value; every valid model survives the text round trip.
 */
class PunchParserPropertiesTest {

    /** The NIST parser prints a stack trace for every malformed line; keep the build log readable. */

    private static final List<String> NAMES = List.of("punch-version", "punch-private", "punch-mapped",
            "punch-delta", "punch-nat", "punch-upnp", "punch-peer-correction", "ice-ufrag", "ice-pwd", "punch-other");

    @Property(tries = 3000)
    @StatisticsReport(onFailureOnly = true)
    void hostileAttributeLinesAlwaysDecide(@ForAll("hostileLines") List<String> lines) {
        String text = SdpSamples.plainWith(lines.toArray(String[]::new));
        Object parsed = SdpSamples.quietly(() -> parseOrNull(text));
        if (parsed == null) {
            return; // javax.sdp refused the text itself: covered by hostileTextAlwaysDecides
        }
        SessionDescription sd = (SessionDescription) parsed;
        SdpReading offer = OfferAnswer.readOffer(sd);
        SdpReading answer = OfferAnswer.readAnswer(sd, 1);
        assertDecided(offer);
        assertDecided(answer);
        Statistics.collect(answer.getClass().getSimpleName());
        if (answer instanceof SdpReading.Extended e) {
            // Accepted values are exactly re-encodable.
            assertEquals(e.peer().attributes(), PunchCodecRoundTripTest.roundTrip(e.peer().attributes()).attributes());
        }
        // The generator must reach every outcome, or the property proves little.
        Statistics.coverage(c -> {
            c.check("Extended").count(n -> n > 0);
            c.check("Plain").count(n -> n > 0);
            c.check("Invalid").count(n -> n > 0);
        });
    }

    @Property(tries = 1500)
    void hostileTextAlwaysDecides(@ForAll("validModels") PunchAttributes model,
                                  @ForAll @IntRange(min = 0, max = 100_000) int where,
                                  @ForAll("hostileChars") String insert,
                                  @ForAll @IntRange(min = 0, max = 3) int cut) {
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        PunchCodec.write(OfferAnswer.primaryMedia(sd), model, SdpSamples.CREDENTIALS);
        String text = sd.toString();
        int at = where % text.length();
        String mutated = text.substring(0, at) + insert + text.substring(Math.min(text.length(), at + cut));
        assertDecided(SdpSamples.quietly(() -> OfferAnswer.readOffer(mutated)));
        assertDecided(SdpSamples.quietly(() -> OfferAnswer.readAnswer(mutated, 1)));
    }

    @Property(tries = 1000)
    void validModelsRoundTrip(@ForAll("validModels") PunchAttributes model) {
        PeerExtension peer = PunchCodecRoundTripTest.roundTrip(model);
        assertEquals(model, peer.attributes());
        assertEquals(SdpSamples.CREDENTIALS, peer.credentials());
    }

    private static void assertDecided(SdpReading reading) {
        assertNotNull(reading);
        assertTrue(reading instanceof SdpReading.Extended || reading instanceof SdpReading.Plain
                || reading instanceof SdpReading.Invalid, reading::toString);
        if (reading instanceof SdpReading.Invalid invalid) {
            assertTrue(!invalid.attribute().isEmpty() && !invalid.problem().isEmpty(), invalid::toString);
        }
    }

    private static Object parseOrNull(String text) {
        try {
            return javax.sdp.SdpFactory.getInstance().createSessionDescription(text);
        } catch (javax.sdp.SdpException e) {
            return null;
        }
    }

    @Provide
    Arbitrary<String> hostileChars() {
        return Arbitraries.strings().withChars("0123456789 .:-+/abcdefxyz=\r\n\t\u00e9\u0000").ofMaxLength(6);
    }

    @Provide
    Arbitrary<List<String>> hostileLines() {
        Arbitrary<String> hostile = Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789 .:-").ofMaxLength(60),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF:. -").ofMaxLength(60),
                Arbitraries.strings().ascii().ofMaxLength(40).map(s -> s.replace('\r', ' ').replace('\n', ' ')),
                Arbitraries.of("1", "2", "0", "65534", "-65534", "1".repeat(300), "Xk3vR9pQ"));
        Arbitrary<String> line = Arbitraries.oneOf(
                hostile.map(v -> "a=punch-version:" + v),
                Arbitraries.of("10.0.0.5 5004", "::1 5004", "fd00::1 1").map(v -> "a=punch-private:" + v),
                Arbitraries.of("203.0.113.7 40001 198.51.100.1 3478 0", "203.0.113.7 40002 198.51.100.2 3478 -5")
                        .map(v -> "a=punch-mapped:" + v),
                Arbitraries.integers().between(-70000, 70000).map(v -> "a=punch-delta:" + v),
                Arbitraries.of("open no-nat unknown preserving",
                        "symmetric-random address-and-port-dependent unknown random").map(v -> "a=punch-nat:" + v),
                Arbitraries.of("203.0.113.7 5004", "203.0.113.7 0").map(v -> "a=punch-upnp:" + v),
                Arbitraries.of("198.51.100.9 7078").map(v -> "a=punch-peer-correction:" + v),
                Combinators.combine(Arbitraries.of(NAMES), hostile, Arbitraries.of(true, true, false))
                        .as((n, v, withValue) -> "a=" + n + (withValue ? ":" + v : "")));
        Arbitrary<Boolean> core = Arbitraries.of(true, true, false);
        return Combinators.combine(core, line.list().ofMaxSize(8)).as((withCore, extra) -> {
            List<String> out = new ArrayList<>();
            if (withCore) {
                out.add("a=punch-version:1");
                out.add("a=ice-ufrag:" + SdpSamples.CREDENTIALS.ufrag());
                out.add("a=ice-pwd:" + SdpSamples.CREDENTIALS.password());
            }
            out.addAll(extra);
            return out;
        });
    }

    @Provide
    Arbitrary<PunchAttributes> validModels() {
        Arbitrary<InetSocketAddress> tuples = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(4),
                        Arbitraries.bytes().array(byte[].class).ofSize(16)),
                Arbitraries.integers().between(1, 65535)).as(PunchParserPropertiesTest::tuple)
                .filter(t -> TransportAddresses.problem(t) == null);
        Arbitrary<Long> offsets = Arbitraries.longs().between(-MappedSample.MAX_OFFSET_MILLIS, MappedSample.MAX_OFFSET_MILLIS);
        Arbitrary<List<MappedSample>> samples = Combinators.combine(tuples, tuples, offsets).as(MappedSample::new)
                .list().ofMaxSize(PunchAttributes.MAX_MAPPED).uniqueElements(s -> List.of(s.mapped(), s.server()))
                .map(PunchParserPropertiesTest::firstAtZero);
        Arbitrary<NatClassification> nat = Combinators.combine(Arbitraries.of(NatType.class),
                Arbitraries.of(MappingBehavior.class), Arbitraries.of(FilteringBehavior.class),
                Arbitraries.of(PortAllocation.class)).as(NatClassification::new);
        Arbitrary<OptionalInt> delta = Arbitraries.integers().between(-PunchAttributes.MAX_DELTA, PunchAttributes.MAX_DELTA)
                .optional().map(o -> o.isPresent() ? OptionalInt.of(o.get()) : OptionalInt.empty());
        return Combinators.combine(tuples.optional(), samples, delta, nat.optional(), tuples.optional(),
                tuples.optional()).as((p, m, d, n, u, c) -> new PunchAttributes(1, p, m, d, n, u, c));
    }

    @Property(tries = 300)
    void randomCredentialsRoundTrip(@ForAll long seed) {
        IceCredentials creds = IceCredentials.random(new java.util.SplittableRandom(seed));
        SessionDescription sd = SdpSamples.parse(SdpSamples.PLAIN);
        PunchCodec.write(OfferAnswer.primaryMedia(sd), PunchAttributes.empty(), creds);
        assertEquals(creds, SdpSamples.extended(OfferAnswer.readOffer(sd.toString())).credentials());
    }

    private static List<MappedSample> firstAtZero(List<MappedSample> samples) {
        List<MappedSample> out = new ArrayList<>(samples);
        if (!out.isEmpty()) {
            MappedSample s = out.get(0);
            out.set(0, new MappedSample(s.mapped(), s.server(), 0));
        }
        return out;
    }

    private static InetSocketAddress tuple(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
