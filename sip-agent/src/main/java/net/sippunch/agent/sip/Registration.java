package net.sippunch.agent.sip;

import java.text.ParseException;
import java.util.ListIterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.config.AgentConfig;
import net.sippunch.agent.config.SipHostPort;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The binding of the account's address-of-record to this endpoint (RFC 3261 section 10): REGISTER,
 * digest challenges, refresh before expiry, and un-REGISTER (Expires 0) at shutdown. Refreshes follow a
 * {@link RegistrationSchedule}: never sooner than the configured floor, failures backing off exponentially.
 * A 423 Interval Too Brief is retried once with the registrar's Min-Expires (RFC 3261 section 10.2.8), which
 * later refreshes ask for as well.
 */
public final class Registration {

    private static final Logger LOG = LogManager.getLogger(Registration.class);
    private static final int MAX_CHALLENGES = 2;
    private static final int MAX_INTERVAL_RETRIES = 1;

    private final SipEndpoint endpoint;
    private final AgentConfig.Account account;
    private final DigestAuthorization authorization;
    private final ScheduledExecutorService timer;
    private final RandomGenerator random;
    private final RegistrationSchedule schedule;
    private final CallIdHeader callId;
    private final String fromTag;
    private long cseq = 1;
    private int minExpires;
    private int failures;
    /** The REGISTER under way or last answered; only its responses count. */
    private Exchange exchange;
    private ScheduledFuture<?> refresh;
    private boolean closed;

    public Registration(SipEndpoint endpoint, AgentConfig.Account account, DigestAuthorization authorization,
                        ScheduledExecutorService timer, RandomGenerator random) {
        this.endpoint = endpoint;
        this.account = account;
        this.authorization = authorization;
        this.timer = timer;
        this.random = random;
        this.schedule = RegistrationSchedule.withFloor(account.registerMinRefresh());
        this.callId = endpoint.newCallId();
        this.fromTag = gov.nist.javax.sip.Utils.getInstance().generateTag();
    }

    /** Sends REGISTER; the future completes with the granted expiry, or exceptionally with the reason. */
    public synchronized CompletableFuture<Integer> register() {
        return send(Math.max(account.registerExpires(), minExpires));
    }

    /** Removes the binding (Expires 0); the future completes when the registrar answers or gives up. */
    public synchronized CompletableFuture<Integer> unregister() {
        closed = true;
        if (refresh != null) {
            refresh.cancel(false);
        }
        return send(0);
    }

    /**
     * Starts a new exchange. One still under way (a refresh when the user registers, or the other way round) is
     * superseded: its late responses are ignored and its future completes with the new exchange's outcome.
     */
    private CompletableFuture<Integer> send(int expires) {
        Exchange previous = exchange;
        exchange = new Exchange();
        if (previous != null && !previous.done.isDone()) {
            exchange.done.whenComplete((granted, error) -> {
                if (error != null) {
                    previous.done.completeExceptionally(error);
                } else {
                    previous.done.complete(granted);
                }
            });
        }
        transmit(exchange, expires);
        return exchange.done;
    }

    /** Sends a new REGISTER of {@code x} asking for {@code expires}. */
    private void transmit(Exchange x, int expires) {
        x.requestedExpires = expires;
        try {
            Address aor = endpoint.addresses().createAddress(
                    endpoint.addresses().createSipURI(account.user(), account.domain()));
            if (account.displayName() != null) {
                aor.setDisplayName(account.displayName());
            }
            // the registrar as configured (a sips: URI stays one), else the domain
            String registrar = account.registrar() != null ? account.registrar() : account.domain();
            javax.sip.address.URI requestUri = endpoint.addresses().createURI(
                    (SipHostPort.secure(registrar) ? "sips:" : "sip:") + registrar.replaceFirst("(?i)^sips?:", ""));
            Request r = endpoint.newRequest(Request.REGISTER, requestUri, aor, fromTag, aor, callId, cseq++);
            r.addHeader(endpoint.contact(account.user()));
            r.addHeader(endpoint.headers().createExpiresHeader(expires));
            x.lastSent = r;
            endpoint.send(r, x);
        } catch (ParseException | InvalidArgumentException | SipException e) {
            x.done.completeExceptionally(new SipException("REGISTER not sent: " + e.getMessage(), e));
        }
    }

    private void onResponse(Exchange x, Response r) {
        int status = r.getStatusCode();
        if (status < 200) {
            return;
        }
        if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
                && x.challenges < MAX_CHALLENGES) {
            x.challenges++;
            StringBuilder why = new StringBuilder();
            var next = authorization.answer(x.lastSent, r, why);
            if (next.isPresent()) {
                try {
                    cseq = ((javax.sip.header.CSeqHeader) next.get().getHeader("CSeq")).getSeqNumber() + 1;
                    x.lastSent = next.get();
                    endpoint.send(next.get(), x);
                    return;
                } catch (SipException e) {
                    why.append(e.getMessage());
                }
            }
            fail(x, status + " " + r.getReasonPhrase() + ": " + why);
            return;
        }
        if (status == Response.INTERVAL_TOO_BRIEF && x.requestedExpires > 0) {
            MinExpiresHeader min = (MinExpiresHeader) r.getHeader(MinExpiresHeader.NAME);
            if (min == null || min.getExpires() <= x.requestedExpires) {
                fail(x, status + " " + r.getReasonPhrase() + " without a longer Min-Expires");
            } else if (x.intervalRetries >= MAX_INTERVAL_RETRIES) {
                fail(x, status + " " + r.getReasonPhrase() + " again, Min-Expires " + min.getExpires());
            } else {
                x.intervalRetries++;
                minExpires = min.getExpires();
                LOG.info("registrar wants at least {} s (423); asking for that", minExpires);
                transmit(x, minExpires);
            }
            return;
        }
        if (status >= 300) {
            fail(x, status + " " + r.getReasonPhrase());
            return;
        }
        int granted = grantedExpires(x, r);
        LOG.info("registered {}@{} for {} s", account.user(), account.domain(), granted);
        failures = 0;
        x.done.complete(granted);
        if (refresh != null) {
            refresh.cancel(false); // a register() between refreshes: one refresh stays scheduled, not two
        }
        if (!closed && granted > 0) {
            long delay = schedule.refreshDelaySeconds(granted);
            if (delay >= granted) {
                LOG.warn("registrar granted {} s, not more than the refresh floor; refreshing in {} s", granted, delay);
            }
            refresh = timer.schedule(this::refresh, delay, TimeUnit.SECONDS);
        }
    }

    private int grantedExpires(Exchange x, Response r) {
        if (x.requestedExpires == 0) {
            return 0;
        }
        String ours = endpoint.contactHost() + ":" + endpoint.port();
        ListIterator<?> it = r.getHeaders(ContactHeader.NAME);
        while (it.hasNext()) {
            ContactHeader c = (ContactHeader) it.next();
            if (c.getAddress().getURI().toString().contains(ours) && c.getExpires() >= 0) {
                return c.getExpires();
            }
        }
        ExpiresHeader e = (ExpiresHeader) r.getHeader(ExpiresHeader.NAME);
        return e != null ? e.getExpires() : x.requestedExpires;
    }

    private synchronized void refresh() {
        if (closed) {
            return;
        }
        register().whenComplete((granted, error) -> {
            if (error != null) {
                synchronized (this) {
                    if (!closed) {
                        failures++;
                        long delay = schedule.retryDelaySeconds(failures, random);
                        LOG.warn("registration refresh failed ({} in a row): {}; retrying in {} s", failures,
                                error.getMessage(), delay);
                        if (refresh != null) {
                            refresh.cancel(false);
                        }
                        refresh = timer.schedule(this::refresh, delay, TimeUnit.SECONDS);
                    }
                }
            }
        });
    }

    private static void fail(Exchange x, String reason) {
        LOG.warn("REGISTER failed: {}", reason);
        x.done.completeExceptionally(new SipException("REGISTER failed: " + reason));
    }

    /** One REGISTER and what its answers lead to (a challenge answered, a 423 retried), ending in {@link #done}. */
    private final class Exchange implements TransactionOwner {
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        int challenges;
        int intervalRetries;
        int requestedExpires;
        Request lastSent;

        @Override
        public void onResponse(ResponseEvent event) {
            synchronized (Registration.this) {
                if (exchange == this) {
                    Registration.this.onResponse(this, event.getResponse());
                }
            }
        }

        @Override
        public void onTimeout(String reason) {
            synchronized (Registration.this) {
                if (exchange == this) {
                    fail(this, reason);
                }
            }
        }
    }
}
