package net.sippunch.agent.media.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import net.sippunch.agent.media.srtp.SrtpKeys;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS 1.2 handshake of DTLS-SRTP (RFC 5764) over a call's media path, as client ({@code a=setup:active}) or
 * server ({@code passive}). Bouncy Castle's handshake blocks, so it runs on a thread of the agent's handshake
 * executor, fed by {@link DtlsDatagrams} from the media port's loop; its retransmissions are Bouncy Castle's (RFC
 * 6347 section 4.2.4: from 1 s, doubling). The result is the SRTP keys of the negotiated profile, or a
 * {@link DtlsFailure} saying why not.
 */
public final class DtlsHandshake {

    private static final Logger LOG = LogManager.getLogger(DtlsHandshake.class);

    private DtlsHandshake() {
    }

    /**
     * Starts the handshake on {@code executor}.
     *
     * @param client  true: we send the ClientHello ({@code a=setup:active})
     * @param peer    the peer's {@code a=fingerprint}
     * @param timeout the whole handshake's deadline
     * @return the keys, or a {@link DtlsFailure}; the transport is closed on failure
     */
    public static CompletableFuture<SrtpKeys> start(Executor executor, boolean client, DtlsCertificate ours,
                                                    Fingerprint peer, DtlsDatagrams transport, Duration timeout,
                                                    SecureRandom random) {
        CompletableFuture<SrtpKeys> result = new CompletableFuture<>();
        try {
            executor.execute(() -> run(client, ours, peer, transport, timeout, random, result));
        } catch (RejectedExecutionException e) {
            transport.close();
            result.completeExceptionally(new DtlsFailure(DtlsFailure.Kind.FAILED,
                    "DTLS handshake not started: the agent is stopping", e));
        }
        return result;
    }

    /**
     * A handshake of the agent with itself over an in-memory link, both ends on {@code executor}: the first
     * handshake of a process takes about half a second while the JVM loads and compiles Bouncy Castle's code, which
     * the agent's first call would otherwise wait for. Completes true when both ends agreed on the keys.
     */
    public static CompletableFuture<Boolean> warmUp(Executor executor, DtlsCertificate ours, SecureRandom random) {
        MemoryLink[] link = MemoryLink.pair();
        Duration timeout = Duration.ofSeconds(10);
        CompletableFuture<SrtpKeys> server = new CompletableFuture<>();
        CompletableFuture<SrtpKeys> client = new CompletableFuture<>();
        try {
            executor.execute(() -> run(false, ours, ours.fingerprint(), link[0], timeout, random, server));
            executor.execute(() -> run(true, ours, ours.fingerprint(), link[1], timeout, random, client));
        } catch (RejectedExecutionException e) {
            link[0].close();
            link[1].close();
            return CompletableFuture.completedFuture(false);
        }
        return server.thenCombine(client, (s, c) -> s.send().equals(c.receive()) && s.receive().equals(c.send()));
    }

    private static void run(boolean client, DtlsCertificate ours, Fingerprint peer, DatagramTransport transport,
                            Duration timeout, SecureRandom random, CompletableFuture<SrtpKeys> result) {
        long started = System.nanoTime();
        DtlsCredentials credentials = null;
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try {
            credentials = new DtlsCredentials(new BcTlsCrypto(random), ours, peer);
            SrtpKeys keys;
            if (client) {
                DtlsSrtpClient dtls = new DtlsSrtpClient(credentials, millis);
                new DTLSClientProtocol().connect(dtls, transport);
                keys = dtls.keys();
            } else {
                DtlsSrtpServer dtls = new DtlsSrtpServer(credentials, millis);
                new DTLSServerProtocol().accept(dtls, transport);
                keys = dtls.keys();
            }
            LOG.debug("DTLS handshake done as {} in {} ms: {}", client ? "client" : "server",
                    (System.nanoTime() - started) / 1_000_000, keys.suite());
            result.complete(keys);
        } catch (IOException | RuntimeException e) {
            close(transport);
            result.completeExceptionally(failure(credentials, e, System.nanoTime() - started, timeout));
        }
    }

    private static void close(DatagramTransport transport) {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("closing the DTLS transport: {}", e.toString());
        }
    }

    private static DtlsFailure failure(DtlsCredentials credentials, Exception e, long elapsedNanos,
                                       Duration timeout) {
        String refusal = credentials == null ? null : credentials.refusal();
        if (refusal != null) {
            return new DtlsFailure(DtlsFailure.Kind.CERTIFICATE, "DTLS-SRTP refused: " + refusal, e);
        }
        if (elapsedNanos >= timeout.toNanos() && !(e instanceof TlsFatalAlert || e instanceof TlsFatalAlertReceived)) {
            return new DtlsFailure(DtlsFailure.Kind.TIMEOUT, "DTLS handshake timed out after "
                    + timeout.toMillis() + " ms", e);
        }
        String what = e instanceof TlsFatalAlertReceived ? "the peer sent alert " + e.getMessage()
                : e.getMessage() != null ? e.getMessage() : e.toString();
        return new DtlsFailure(DtlsFailure.Kind.FAILED, "DTLS handshake failed: " + what, e);
    }
}
