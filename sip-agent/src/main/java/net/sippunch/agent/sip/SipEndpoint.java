package net.sippunch.agent.sip;

import gov.nist.javax.sip.ListeningPointExt;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.Utils;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WarningHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.config.SipHostPort;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * One JAIN-SIP RI stack with one listening point (UDP, TCP or TLS: {@link SipTransport}). It is the single
 * {@link SipListener}: requests go to the handler registered for their method (501 Not Implemented when there is none), responses and
 * timeouts to the {@link TransactionOwner} stored on the client transaction or the dialog. SIP
 * messages are logged on {@code sippunch.sip.wire}.
 *
 * <p>The public constructor creates and owns its stack; {@link #attach} runs on a provider of an application's
 * own stack instead, which stays the application's.
 */
public final class SipEndpoint implements SipListener, AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(SipEndpoint.class);
    private static final Logger WIRE = LogManager.getLogger("sippunch.sip.wire");
    private static final AtomicLong STACKS = new AtomicLong();
    /**
     * JAIN-SIP's stack constructor sets up its process-wide log writer without a lock: two stacks created at once
     * (two agents starting in one JVM) threw from it. One stack is created at a time.
     */
    private static final Object STACK_CREATION = new Object();
    /** The SIP socket's receive buffer, bytes. */
    private static final int SIP_RECEIVE_BUFFER = 1 << 20;

    private static final SecureRandom CALL_IDS = new SecureRandom();

    private final SipStackImpl stack;
    private final ListeningPoint listeningPoint;
    private final SipProvider provider;
    private final HeaderFactory headers = new HeaderFactoryImpl();
    private final MessageFactory messages = new MessageFactoryImpl();
    private final AddressFactory addresses = new AddressFactoryImpl();
    private final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final String contactHost;
    private final String userAgent;
    private final SipHostPort outboundProxy;
    /** Whether {@link #close()} stops the stack: not an application's own ({@link #attach}). */
    private final boolean ownsStack;
    private final SipTransport transport;

    /**
     * Starts a stack listening on {@code listenAddress:port} (UDP).
     *
     * @param outboundProxy where out-of-dialog requests go (null: to their request URI)
     * @param contactAddress the address put in Via and Contact (null: the listen address, or the local
     *                       address toward the proxy when listening on the wildcard)
     */
    public SipEndpoint(String listenAddress, int port, SipHostPort outboundProxy, String contactAddress,
                       String userAgent) throws SipException {
        this(listenAddress, port, outboundProxy, contactAddress, userAgent, SipTransport.UDP, null);
    }

    /**
     * Starts a stack listening on {@code listenAddress:port} with {@code transport}. Over TLS the stack has a
     * context of its own built from {@code tls}; without a certificate there its TLS listener refuses the
     * handshakes of incoming connections, and requests reach it over the connections it opened itself (to its
     * proxy, which reuses them).
     *
     * @param tls the TLS files (required for {@link SipTransport#TLS}, ignored otherwise)
     */
    public SipEndpoint(String listenAddress, int port, SipHostPort outboundProxy, String contactAddress,
                       String userAgent, SipTransport transport, TlsSettings tls) throws SipException {
        this.outboundProxy = outboundProxy;
        this.userAgent = userAgent;
        this.ownsStack = true;
        this.transport = transport;
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "sippunch-" + port + "-" + STACKS.incrementAndGet());
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
        p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
        // a burst of requests (a flood beyond capacity included, each answered 503) waits in the kernel
        // instead of being dropped there; the kernel caps it at net.core.rmem_max
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(SIP_RECEIVE_BUFFER));
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", VersionKeepingParserFactory.class.getName());
        if (outboundProxy != null) {
            p.setProperty("javax.sip.OUTBOUND_PROXY", outboundProxy + "/" + transport.token());
        }
        try {
            synchronized (STACK_CREATION) {
                stack = transport == SipTransport.TLS ? TlsNetworkLayer.stack(p, tls) : new SipStackImpl(p);
            }
        } catch (javax.sip.PeerUnavailableException e) {
            throw new SipException("cannot create the SIP stack: " + e.getMessage(), e);
        }
        try {
            listeningPoint = stack.createListeningPoint(listenAddress, port, transport.token());
            provider = stack.createSipProvider(listeningPoint);
            provider.addSipListener(this);
            stack.start();
        } catch (javax.sip.TransportNotSupportedException | javax.sip.InvalidArgumentException
                 | java.util.TooManyListenersException | javax.sip.ObjectInUseException e) {
            stack.stop(); // its threads would keep the JVM alive
            throw new SipException("cannot listen on " + listenAddress + ":" + port + " (" + transport.token() + "): "
                    + systemReason(e), e);
        }
        this.contactHost = contactAddress != null ? contactAddress : chooseContactHost(listenAddress, outboundProxy);
    }

    private SipEndpoint(SipStackImpl stack, ListeningPoint listeningPoint, SipProvider provider,
                        SipHostPort outboundProxy, String contactHost, String userAgent) {
        this.stack = stack;
        this.listeningPoint = listeningPoint;
        this.provider = provider;
        this.outboundProxy = outboundProxy;
        this.contactHost = contactHost;
        this.userAgent = userAgent;
        this.ownsStack = false;
        this.transport = SipTransport.UDP;
    }

    /**
     * An endpoint on a provider of the application's own JAIN-SIP RI stack (started, with a UDP listening
     * point), instead of a stack of its own: it becomes the provider's listener (JAIN-SIP allows one), so the
     * application hands the methods it handles itself to {@link #handle}. {@link #close()} removes the listener
     * and leaves the stack, its listening points and its threads to the application.
     *
     * @param provider       the application's provider; it must have a UDP listening point and no listener
     * @param outboundProxy  where out-of-dialog requests go, as the application's stack routes them (null: to
     *                       their request URI); used for CRLF keepalives
     * @param contactAddress the address put in Via and Contact (null: the listening point's, or the local address
     *                       toward the proxy when it listens on the wildcard)
     * @throws SipException when the provider is not the RI's, has no UDP listening point, or has a listener
     */
    public static SipEndpoint attach(SipProvider provider, SipHostPort outboundProxy, String contactAddress,
                                     String userAgent) throws SipException {
        if (!(provider.getSipStack() instanceof SipStackImpl stack)) {
            throw new SipException("not a JAIN-SIP RI provider: " + provider.getSipStack().getClass().getName());
        }
        ListeningPoint udp = provider.getListeningPoint(ListeningPoint.UDP);
        if (udp == null) {
            throw new SipException("the provider has no UDP listening point");
        }
        String contactHost = contactAddress != null ? contactAddress
                : chooseContactHost(udp.getIPAddress(), outboundProxy);
        SipEndpoint endpoint = new SipEndpoint(stack, udp, provider, outboundProxy, contactHost, userAgent);
        try {
            provider.addSipListener(endpoint);
        } catch (java.util.TooManyListenersException e) {
            throw new SipException("the provider already has a listener: remove it, or hand its methods to handle()",
                    e);
        }
        return endpoint;
    }

    /**
     * The innermost reason, as the system gave it ("Address already in use"): JAIN-SIP wraps the socket's
     * exception in messages that begin with its class name, which is no news to the operator.
     */
    static String systemReason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
        return message == null ? "no reason given" : message.replaceFirst("^(?:[a-z]\\w*\\.)+[A-Z][\\w$]*: ", "");
    }

    private static String chooseContactHost(String listenAddress, SipHostPort proxy) {
        try {
            InetAddress listen = InetAddress.getByName(listenAddress);
            if (!listen.isAnyLocalAddress()) {
                return listenAddress;
            }
            if (proxy != null) {
                try (DatagramSocket probe = new DatagramSocket()) {
                    probe.connect(new InetSocketAddress(proxy.host(), proxy.port()));
                    return probe.getLocalAddress().getHostAddress();
                }
            }
            return InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }

    /** Registers the handler of a request method (replacing any other). */
    public void handle(String method, RequestHandler handler) {
        handlers.put(method, handler);
    }

    public HeaderFactory headers() {
        return headers;
    }

    public MessageFactory messages() {
        return messages;
    }

    public AddressFactory addresses() {
        return addresses;
    }

    public SipProvider provider() {
        return provider;
    }

    /** The host put in Via and Contact. */
    public String contactHost() {
        return contactHost;
    }

    public int port() {
        return listeningPoint.getPort();
    }

    /** The transport of the listening point, Via and Contact. */
    public SipTransport transport() {
        return transport;
    }

    public SipHostPort outboundProxy() {
        return outboundProxy;
    }

    /** A new Call-ID. */
    public CallIdHeader newCallId() {
        byte[] id = new byte[12];
        CALL_IDS.nextBytes(id);
        try {
            // the contact host, not the listening point's (a wildcard listener would give 0.0.0.0)
            return headers.createCallIdHeader(HexFormat.of().formatHex(id) + "@" + contactHost);
        } catch (ParseException e) {
            throw new IllegalStateException("a hex Call-ID at the contact host must parse", e);
        }
    }

    /** A Contact header for {@code user} at this endpoint. */
    public ContactHeader contact(String user) throws ParseException {
        SipURI uri = addresses.createSipURI(user, contactHost);
        uri.setPort(port());
        if (transport != SipTransport.UDP) {
            uri.setTransportParam(transport.token());
        }
        Address a = addresses.createAddress(uri);
        return headers.createContactHeader(a);
    }

    /** A Via header for this endpoint with {@code rport} and a fresh branch. */
    public ViaHeader via() throws ParseException {
        try {
            ViaHeader via = headers.createViaHeader(contactHost, port(), transport.token(),
                    Utils.getInstance().generateBranchId());
            via.setRPort();
            return via;
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An out-of-dialog request with the usual headers (no Contact, no body). */
    public Request newRequest(String method, javax.sip.address.URI requestUri, Address from, String fromTag,
                              Address to, CallIdHeader callId, long cseq) throws ParseException {
        try {
            FromHeader fromHeader = headers.createFromHeader(from, fromTag);
            ToHeader toHeader = headers.createToHeader(to, null);
            CSeqHeader cseqHeader = headers.createCSeqHeader(cseq, method);
            MaxForwardsHeader maxForwards = headers.createMaxForwardsHeader(70);
            Request r = messages.createRequest(requestUri, method, callId, cseqHeader, fromHeader, toHeader,
                    List.of(via()), maxForwards);
            r.addHeader(headers.createUserAgentHeader(List.of(userAgent)));
            return r;
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response to {@code request} with a User-Agent header (and a To tag added by the caller when needed). */
    public Response newResponse(int status, Request request) throws ParseException {
        Response r = messages.createResponse(status, request);
        r.addHeader(headers.createServerHeader(List.of(userAgent)));
        return r;
    }

    /**
     * A response to {@code request} carrying {@code Warning: 399 <contact host> "<text>"} (RFC 3261 section
     * 20.43: a miscellaneous warning from this agent), saying why the request was refused.
     */
    public Response newResponse(int status, Request request, String warning) throws ParseException {
        Response r = newResponse(status, request);
        try {
            r.addHeader(headers.createWarningHeader(contactHost, WarningHeader.MISCELLANEOUS_WARNING,
                    warnText(warning)));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException("399 is a valid warn-code", e);
        }
        return r;
    }

    /**
     * A 503 Service Unavailable saying why (a {@code Warning: 399}) and when to try again: {@code Retry-After}
     * in seconds (RFC 3261 sections 21.5.4 and 20.33).
     */
    public Response newServiceUnavailable(Request request, String why, int retryAfterSeconds) throws ParseException {
        Response r = newResponse(Response.SERVICE_UNAVAILABLE, request, why);
        try {
            r.addHeader(headers.createRetryAfterHeader(retryAfterSeconds));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalArgumentException("Retry-After must not be negative: " + retryAfterSeconds, e);
        }
        return r;
    }

    /**
     * The text of a Warning header: a quoted string, so its own quotes and line breaks (which would end it)
     * and backslashes are replaced.
     */
    public static String warnText(String text) {
        return text.replace('"', '\'').replaceAll("[\\r\\n\\\\]+", " ");
    }

    /** Sends an out-of-dialog request in a new client transaction owned by {@code owner}. */
    public ClientTransaction send(Request request, TransactionOwner owner) throws SipException {
        ClientTransaction ct = provider.getNewClientTransaction(request);
        ct.setApplicationData(owner);
        wire("send", request);
        long start = System.nanoTime();
        try {
            ct.sendRequest();
        } catch (SipException e) {
            throw unsent(request, e, System.nanoTime() - start);
        }
        return ct;
    }

    /**
     * A request the stack could not send, with the reason the system gave (over TLS: why the server's
     * certificate was refused) instead of the RI's "IO Exception occured while Sending Request".
     */
    private SipException unsent(Request request, SipException e, long elapsedNanos) {
        String why = TlsNetworkLayer.sendFailure(transport, e, elapsedNanos);
        LOG.warn("{} not sent over {}: {}", request.getMethod(), transport.token(), why);
        return new SipException("cannot send over " + transport.token() + ": " + why, e);
    }

    /** Sends an in-dialog request (BYE, re-INVITE) through its dialog. */
    public ClientTransaction sendInDialog(Dialog dialog, Request request, TransactionOwner owner) throws SipException {
        ClientTransaction ct = provider.getNewClientTransaction(request);
        ct.setApplicationData(owner);
        wire("send", request);
        long start = System.nanoTime();
        try {
            dialog.sendRequest(ct);
        } catch (SipException e) {
            throw unsent(request, e, System.nanoTime() - start);
        }
        return ct;
    }

    /** Sends a response in a server transaction. */
    public void respond(ServerTransaction st, Response response) throws SipException {
        ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
        if (response.getStatusCode() > Response.TRYING && to != null && to.getTag() == null) {
            try {
                to.setTag(Utils.getInstance().generateTag()); // RFC 3261 section 8.2.6.2
            } catch (ParseException e) {
                throw new IllegalStateException("a generated tag is a valid token", e);
            }
        }
        wire("send", response);
        try {
            st.sendResponse(response);
        } catch (javax.sip.InvalidArgumentException e) {
            throw new SipException("cannot send " + response.getStatusCode(), e);
        }
    }

    /** Sends a CRLF keepalive ("\r\n\r\n", RFC 5626 section 3.5.1) to the outbound proxy. */
    public void sendCrlfKeepalive() throws IOException {
        if (outboundProxy != null) {
            // over TLS the proxy's name as configured: a connection opened for the keepalive checks the
            // certificate against it (the address would fail a certificate that names only the host)
            ((ListeningPointExt) listeningPoint).sendHeartbeat(transport == SipTransport.TLS ? outboundProxy.host()
                    : InetAddress.getByName(outboundProxy.host()).getHostAddress(), outboundProxy.port());
        }
    }

    /** Logs a message on the wire logger. */
    public void wire(String direction, Object message) {
        if (WIRE.isDebugEnabled()) {
            WIRE.debug("{}:\n{}", direction, message);
        }
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        ThreadContext.put("call", CallIdLabel.log(callIdOf(request)));
        try {
            wire("received", request);
            RequestHandler handler = handlers.get(method);
            ServerTransaction st = event.getServerTransaction();
            Refusal refusal = Refusal.of(request);
            if (refusal != null && Request.ACK.equals(method)) {
                LOG.debug("ACK dropped: {}", refusal.why());
                return;
            }
            if (Request.ACK.equals(method)) {
                if (handler != null) {
                    handler.handle(event, null);
                }
                return;
            }
            if (st == null) {
                try {
                    st = provider.getNewServerTransaction(request);
                } catch (javax.sip.TransactionUnavailableException e) {
                    // a request the stack will not make a transaction for (Kamailio's nathelper pings carry no
                    // Max-Forwards): an OPTIONS still gets its 200, statelessly; anything else is dropped
                    if (Request.OPTIONS.equals(method)) {
                        Response ok = newResponse(Response.OK, request);
                        wire("sent", ok);
                        provider.sendResponse(ok);
                    } else {
                        LOG.debug("{} without a transaction dropped: {}", method, e.getMessage());
                    }
                    return;
                }
            }
            if (refusal != null) {
                LOG.debug("{} refused with {}: {}", method, refusal.status(), refusal.why());
                respond(st, newResponse(refusal.status(), request, refusal.why()));
                return;
            }
            if (handler == null) {
                respond(st, newResponse(Response.NOT_IMPLEMENTED, request));
                return;
            }
            handler.handle(event, st);
        } catch (javax.sip.TransactionAlreadyExistsException e) {
            LOG.debug("retransmission of {} absorbed", method);
        } catch (Exception e) {
            LOG.warn("{} not handled: {}", method, e.toString(), e);
        } finally {
            ThreadContext.remove("call");
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        ThreadContext.put("call", CallIdLabel.log(callIdOf(response)));
        try {
            wire("received", response);
            TransactionOwner owner = ownerOf(event.getClientTransaction(), event.getDialog());
            if (owner != null) {
                owner.onResponse(event);
            } else {
                LOG.debug("response {} without owner dropped", response.getStatusCode());
            }
        } catch (RuntimeException e) {
            LOG.warn("response {} not handled: {}", response.getStatusCode(), e.toString(), e);
        } finally {
            ThreadContext.remove("call");
        }
    }

    private static TransactionOwner ownerOf(ClientTransaction ct, Dialog dialog) {
        if (ct != null && ct.getApplicationData() instanceof TransactionOwner o) {
            return o;
        }
        if (dialog != null && dialog.getApplicationData() instanceof TransactionOwner o) {
            return o;
        }
        return null;
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (event.isServerTransaction()) {
            LOG.debug("server transaction timed out: {}", event.getServerTransaction().getRequest().getMethod());
            return;
        }
        ClientTransaction ct = event.getClientTransaction();
        ThreadContext.put("call", CallIdLabel.log(callIdOf(ct.getRequest())));
        try {
            TransactionOwner owner = ownerOf(ct, ct.getDialog());
            if (owner != null) {
                owner.onTimeout("no response to " + ct.getRequest().getMethod() + " (timeout)");
            }
        } finally {
            ThreadContext.remove("call");
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("I/O error toward {}:{}", event.getHost(), event.getPort());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // nothing held per transaction beyond what the owner keeps
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        Dialog dialog = event.getDialog();
        if (dialog != null && dialog.getApplicationData() instanceof TransactionOwner owner) {
            ThreadContext.put("call",
                    CallIdLabel.log(dialog.getCallId() == null ? null : dialog.getCallId().getCallId()));
            try {
                owner.onDialogTerminated(dialog);
            } finally {
                ThreadContext.remove("call");
            }
        }
    }

    private static String callIdOf(javax.sip.message.Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "" : h.getCallId();
    }

    /**
     * Stops the stack: its sockets and threads (an {@linkplain #attach attached} endpoint only stops listening: the
     * stack is the application's). (Stopping alone is enough and takes the RI's one-second pause
     * once; deleting the provider first stopped the stack twice.)
     */
    @Override
    public void close() {
        provider.removeSipListener(this);
        if (ownsStack) {
            stop(stack, provider);
        }
    }

    /**
     * Stops a JAIN-SIP RI stack so that none of its threads outlive it. The RI's stop marks its event
     * scanner stopped but leaves the (non-daemon) scanner thread blocked on its empty queue; one harmless
     * event queued after the stop wakes it to see the mark and end.
     */
    public static void stop(SipStackImpl stack, SipProvider provider) {
        gov.nist.javax.sip.EventScanner scanner = stack.getEventScanner();
        stack.stop();
        if (scanner != null) {
            scanner.addEvent(new gov.nist.javax.sip.EventWrapper(
                    new IOExceptionEvent(provider, "127.0.0.1", 0, ListeningPoint.UDP), null));
        }
    }
}
