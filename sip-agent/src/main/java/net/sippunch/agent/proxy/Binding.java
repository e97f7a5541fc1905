package net.sippunch.agent.proxy;

/**
 * One registered contact of an address-of-record.
 *
 * @param aor            the address-of-record key, {@code user@domain}
 * @param contact        the contact URI the registrar forwards to, as the agent sent it
 * @param expiresAtNanos when the binding lapses, on the clock the table is driven with
 */
public record Binding(String aor, String contact, long expiresAtNanos) {

    /** Whole seconds left at {@code nowNanos} (0 when lapsed). */
    public int remainingSeconds(long nowNanos) {
        long left = expiresAtNanos - nowNanos;
        return left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999_999L) / 1_000_000_000L);
    }
}
