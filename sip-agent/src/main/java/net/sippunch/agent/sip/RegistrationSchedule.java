package net.sippunch.agent.sip;

import java.util.random.RandomGenerator;

/**
 * When a registration is refreshed and when a failed one is tried again. A refresh is never due sooner than
 * {@code floorSeconds} after a 2xx, whatever expiry the registrar grants; failures back off exponentially with
 * jitter as in RFC 5626 section 4.5: {@code min(max, base * 2^failures)}, then a uniform 50..100 % of that.
 *
 * @param floorSeconds     the earliest refresh after a success, seconds
 * @param retryBaseSeconds the back-off base, seconds (RFC 5626: 30 when every flow failed)
 * @param retryMaxSeconds  the back-off cap, seconds (RFC 5626: 1800)
 */
public record RegistrationSchedule(int floorSeconds, int retryBaseSeconds, int retryMaxSeconds) {

    /** RFC 5626 section 4.5's base-time when all flows failed. */
    public static final int RFC5626_BASE_SECONDS = 30;
    /** RFC 5626 section 4.5's max-time. */
    public static final int RFC5626_MAX_SECONDS = 1800;

    public RegistrationSchedule {
        if (floorSeconds < 1 || retryBaseSeconds < 1 || retryMaxSeconds < retryBaseSeconds) {
            throw new IllegalArgumentException("need floor >= 1 and 1 <= base <= max, are "
                    + floorSeconds + ", " + retryBaseSeconds + ", " + retryMaxSeconds);
        }
    }

    /** The schedule with RFC 5626's back-off and the given floor. */
    public static RegistrationSchedule withFloor(int floorSeconds) {
        return new RegistrationSchedule(floorSeconds, RFC5626_BASE_SECONDS, RFC5626_MAX_SECONDS);
    }

    /** Seconds from a 2xx granting {@code grantedSeconds} to its refresh: before expiry, not sooner than the floor. */
    public long refreshDelaySeconds(int grantedSeconds) {
        long beforeExpiry = Math.max(grantedSeconds / 2, grantedSeconds - 60L);
        return Math.max(floorSeconds, beforeExpiry);
    }

    /** Seconds to wait after {@code consecutiveFailures} (1 or more) failed attempts in a row. */
    public long retryDelaySeconds(int consecutiveFailures, RandomGenerator random) {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutive failures must be positive, is " + consecutiveFailures);
        }
        long wait = Math.min(retryMaxSeconds, (long) retryBaseSeconds << Math.min(consecutiveFailures, 30));
        long least = (wait + 1) / 2;
        return least + random.nextLong(wait - least + 1);
    }
}
