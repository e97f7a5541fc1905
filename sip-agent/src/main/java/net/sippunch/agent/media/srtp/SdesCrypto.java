package net.sippunch.agent.media.srtp;

import java.security.SecureRandom;
import java.util.Base64;
import net.sippunch.agent.media.SdpProblem;

/**
 * One SDES {@code a=crypto} attribute (RFC 4568 section 9.2) with a single inline key:
 * {@code <tag> <suite> inline:<base64 key||salt>[|lifetime]}. Read with {@link #parse}, written with
 * {@link #value()}. What this agent cannot honour is refused with a message that names it: an unknown suite,
 * an MKI (every key here is the only one of its direction), several keys, a session parameter other than
 * {@code KDR=0}, a key of the wrong length, a lifetime of 0 or past 2^48.
 *
 * @param tag the attribute's tag, 1 to 999999999, which the answer repeats
 */
public record SdesCrypto(int tag, MasterKey key) {

    /** The longest lifetime RFC 3711 allows a master key (SRTP packets). */
    public static final long MAX_LIFETIME = 1L << 48;

    public SdesCrypto {
        if (tag < 0 || tag > 999_999_999) {
            throw new IllegalArgumentException("tag out of range: " + tag);
        }
        if (key.lifetime() != MasterKey.NO_LIFETIME && key.lifetime() > MAX_LIFETIME) {
            throw new IllegalArgumentException("lifetime past 2^48: " + key.lifetime());
        }
    }

    /** A fresh key of {@code suite} under {@code tag}. */
    public static SdesCrypto generate(int tag, CryptoSuite suite, SecureRandom random) {
        return new SdesCrypto(tag, MasterKey.generate(suite, random));
    }

    public CryptoSuite suite() {
        return key.suite();
    }

    /** The attribute's value, after {@code a=crypto:}. */
    public String value() {
        byte[] key = this.key.key();
        byte[] salt = this.key.salt();
        byte[] both = new byte[key.length + salt.length];
        System.arraycopy(key, 0, both, 0, key.length);
        System.arraycopy(salt, 0, both, key.length, salt.length);
        StringBuilder b = new StringBuilder().append(tag).append(' ').append(suite().sdesName())
                .append(" inline:").append(Base64.getEncoder().encodeToString(both));
        long lifetime = this.key.lifetime();
        if (lifetime != MasterKey.NO_LIFETIME) {
            b.append('|');
            if (Long.bitCount(lifetime) == 1) {
                b.append("2^").append(Long.numberOfTrailingZeros(lifetime));
            } else {
                b.append(lifetime);
            }
        }
        return b.toString();
    }

    /** The whole SDP line. */
    public String line() {
        return "a=crypto:" + value();
    }

    @Override
    public String toString() {
        return "SdesCrypto[" + tag + " " + suite() + "]"; // never the key
    }

    /** Reads an attribute value (with or without a leading {@code a=crypto:}); the problem names what is wrong. */
    public static SdesCrypto parse(String attribute) throws SdpProblem {
        String value = attribute.strip();
        if (value.startsWith("a=crypto:")) {
            value = value.substring("a=crypto:".length());
        } else if (value.startsWith("crypto:")) {
            value = value.substring("crypto:".length());
        }
        String[] fields = value.strip().split("[ \t]+");
        if (fields.length < 3) {
            throw new SdpProblem("a=crypto needs a tag, a suite and key parameters: '" + attribute + "'");
        }
        int tag = tag(fields[0]);
        CryptoSuite suite = CryptoSuite.ofSdesName(fields[1])
                .orElseThrow(() -> new SdpProblem("a=crypto suite not supported: " + fields[1]));
        for (int i = 3; i < fields.length; i++) {
            if (!fields[i].equals("KDR=0")) {
                throw new SdpProblem("a=crypto session parameter not supported: " + fields[i]);
            }
        }
        if (fields[2].contains(";")) {
            throw new SdpProblem("a=crypto with several keys is not supported (tag " + tag + ")");
        }
        if (!fields[2].startsWith("inline:")) {
            throw new SdpProblem("a=crypto key method not supported (only inline): " + fields[2].split(":", 2)[0]);
        }
        String[] info = fields[2].substring("inline:".length()).split("\\|", -1);
        if (info.length > 3) {
            throw new SdpProblem("a=crypto key has too many '|' parts (tag " + tag + ")");
        }
        long lifetime = MasterKey.NO_LIFETIME;
        for (int i = 1; i < info.length; i++) {
            if (info[i].contains(":")) {
                throw new SdpProblem("a=crypto with an MKI is not supported: " + info[i]);
            }
            if (i == 2 || lifetime != MasterKey.NO_LIFETIME) {
                throw new SdpProblem("a=crypto key parameter not understood: " + info[i]);
            }
            lifetime = lifetime(info[i]);
        }
        byte[] both;
        try {
            both = Base64.getDecoder().decode(info[0]);
        } catch (IllegalArgumentException e) {
            throw new SdpProblem("a=crypto key is not base64 (tag " + tag + "): " + e.getMessage());
        }
        int want = suite.keyLength() + suite.saltLength();
        if (both.length != want) {
            throw new SdpProblem("a=crypto " + suite + " key||salt must be " + want + " bytes, not " + both.length);
        }
        byte[] key = new byte[suite.keyLength()];
        byte[] salt = new byte[suite.saltLength()];
        System.arraycopy(both, 0, key, 0, key.length);
        System.arraycopy(both, key.length, salt, 0, salt.length);
        return new SdesCrypto(tag, new MasterKey(suite, key, salt, lifetime));
    }

    private static int tag(String field) throws SdpProblem {
        if (!field.matches("[0-9]{1,9}")) {
            throw new SdpProblem("a=crypto tag must be 1 to 9 digits: " + field);
        }
        return Integer.parseInt(field);
    }

    private static long lifetime(String field) throws SdpProblem {
        long lifetime;
        if (field.matches("2\\^[0-9]{1,2}")) {
            int exponent = Integer.parseInt(field.substring(2));
            lifetime = exponent > 48 ? -1 : 1L << exponent;
        } else if (field.matches("[0-9]{1,15}")) {
            lifetime = Long.parseLong(field);
        } else {
            throw new SdpProblem("a=crypto lifetime not understood: " + field);
        }
        if (lifetime < 1 || lifetime > MAX_LIFETIME) {
            throw new SdpProblem("a=crypto lifetime must be 1 to 2^48 packets: " + field);
        }
        return lifetime;
    }
}
