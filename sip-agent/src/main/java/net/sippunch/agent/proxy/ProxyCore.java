package net.sippunch.agent.proxy;

import gov.nist.javax.sip.Utils;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionState;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.agent.sip.CallIdLabel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * The stateful, record-routing proxy (RFC 3261 section 16) as the stack's one {@link SipListener}. A request
 * gets a server transaction; its copy goes out in a client transaction with Max-Forwards decremented, the
 * proxy's Route removed, the request URI replaced by the registered contact when it names a user of the
 * domain, a Record-Route on dialog-creating requests and the proxy's Via on top. Responses come back through
 * the paired server transaction with the proxy's Via removed; 100 Trying stays hop-by-hop. ACK for a 2xx
 * (a transaction of its own) and stray 2xx retransmissions are forwarded statelessly. CANCEL is answered
 * 200 here and sent on toward the pending INVITE. REGISTER and OPTIONS to the proxy itself are answered here.
 */
public final class ProxyCore implements SipListener {

    private static final Logger LOG = LogManager.getLogger(ProxyCore.class);
    private static final Logger WIRE = LogManager.getLogger("sippunch.sip.wire");

    private final SipProvider provider;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final AddressFactory addresses;
    private final ProxyDomain domain;
    private final Registrar registrar;
    private final BindingTable bindings;
    /** Pending INVITE client transactions by the branch of the INVITE they forward (a CANCEL carries it too). */
    private final Map<String, ClientTransaction> pendingInvites = new ConcurrentHashMap<>();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder notFound = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /** What the proxy has done so far. */
    public record Stats(long requestsForwarded, long requestsAnsweredHere, long notFound, long dropped) {
    }

    /** A proxy on {@code provider} (whose stack runs without automatic dialog support) for {@code domain}. */
    public ProxyCore(SipProvider provider, HeaderFactory headers, MessageFactory messages, AddressFactory addresses,
                     ProxyDomain domain, Registrar registrar, BindingTable bindings) {
        this.provider = provider;
        this.headers = headers;
        this.messages = messages;
        this.addresses = addresses;
        this.domain = domain;
        this.registrar = registrar;
        this.bindings = bindings;
    }

    /** Counters so far. */
    public Stats stats() {
        return new Stats(forwarded.sum(), answered.sum(), notFound.sum(), dropped.sum());
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        ThreadContext.put("call", CallIdLabel.log(callIdOf(request)));
        try {
            wire("received", request);
            if (Request.ACK.equals(method)) {
                if (event.getServerTransaction() == null) {
                    forwardStateless(request); // ACK for a 2xx; an ACK for an error ends our own transaction
                }
                return;
            }
            ServerTransaction st = event.getServerTransaction() != null ? event.getServerTransaction()
                    : provider.getNewServerTransaction(request);
            switch (method) {
                case Request.REGISTER -> answer(st, registrar.register(request, System.nanoTime()));
                case Request.CANCEL -> cancel(st, request);
                default -> forward(st, request);
            }
        } catch (TransactionAlreadyExistsException e) {
            LOG.debug("retransmission of {} absorbed", method);
        } catch (ParseException | SipException | InvalidArgumentException | RuntimeException e) {
            dropped.increment();
            LOG.warn("{} not proxied: {}", method, e.toString());
        } finally {
            ThreadContext.remove("call");
        }
    }

    private void forward(ServerTransaction st, Request request) throws ParseException, SipException,
            InvalidArgumentException {
        Request out = (Request) request.clone();
        MaxForwardsHeader maxForwards = (MaxForwardsHeader) out.getHeader(MaxForwardsHeader.NAME);
        if (maxForwards != null) {
            if (maxForwards.getMaxForwards() <= 0) {
                answer(st, response(Response.TOO_MANY_HOPS, request));
                return;
            }
            maxForwards.decrementMaxForwards();
        }
        if (!routeOnward(out)) {
            if (Request.OPTIONS.equals(request.getMethod())) {
                answer(st, response(Response.OK, request));
            } else {
                notFound.increment();
                answer(st, response(Response.NOT_FOUND, request));
            }
            return;
        }
        boolean dialogCreating = ((ToHeader) out.getHeader(ToHeader.NAME)).getTag() == null
                && (Request.INVITE.equals(out.getMethod()) || Request.SUBSCRIBE.equals(out.getMethod()));
        if (dialogCreating) {
            SipURI self = addresses.createSipURI(null, domain.host());
            self.setPort(domain.port());
            self.setLrParam();
            RecordRouteHeader rr = headers.createRecordRouteHeader(addresses.createAddress(self));
            out.addFirst(rr);
        }
        out.addFirst(ownVia());
        ClientTransaction ct = provider.getNewClientTransaction(out);
        ct.setApplicationData(st);
        if (Request.INVITE.equals(out.getMethod())) {
            pendingInvites.put(branchOf(request), ct);
        }
        forwarded.increment();
        wire("send", out);
        ct.sendRequest();
    }

    /**
     * Removes the proxy's own Route and, when no Route is left and the request URI names a user of the
     * domain, puts the registered contact there. False when there is nowhere to send it.
     */
    private boolean routeOnward(Request out) throws ParseException {
        RouteHeader route = (RouteHeader) out.getHeader(RouteHeader.NAME);
        if (route != null && domain.isProxy(route.getAddress().getURI())) {
            out.removeFirst(RouteHeader.NAME);
        }
        if (out.getHeader(RouteHeader.NAME) != null || !domain.resolvesHere(out.getRequestURI())) {
            return true;
        }
        String user = ((SipURI) out.getRequestURI()).getUser();
        if (user == null) {
            return false; // for the proxy itself
        }
        List<Binding> found = bindings.lookup(domain.aor(user), System.nanoTime());
        if (found.isEmpty()) {
            return false;
        }
        out.setRequestURI(addresses.createURI(found.get(found.size() - 1).contact()));
        return true;
    }

    private void forwardStateless(Request ack) throws ParseException, SipException, InvalidArgumentException {
        Request out = (Request) ack.clone();
        if (!routeOnward(out)) {
            dropped.increment();
            LOG.debug("ACK for nobody dropped");
            return;
        }
        out.addFirst(ownVia());
        forwarded.increment();
        wire("send", out);
        provider.sendRequest(out);
    }

    private void cancel(ServerTransaction st, Request cancel) throws ParseException, SipException,
            InvalidArgumentException {
        ClientTransaction invite = pendingInvites.get(branchOf(cancel));
        if (invite == null) {
            answer(st, response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, cancel));
            return;
        }
        answer(st, response(Response.OK, cancel));
        TransactionState state = invite.getState();
        if (state == TransactionState.CALLING || state == TransactionState.PROCEEDING) {
            Request onward = invite.createCancel();
            ClientTransaction ct = provider.getNewClientTransaction(onward);
            wire("send", onward);
            ct.sendRequest(); // its 200 stays here; the INVITE's 487 goes back through the INVITE's transaction
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        ThreadContext.put("call", CallIdLabel.log(callIdOf(response)));
        try {
            wire("received", response);
            ClientTransaction ct = event.getClientTransaction();
            if (response.getStatusCode() == Response.TRYING) {
                return;
            }
            Response back = (Response) response.clone();
            ViaHeader top = (ViaHeader) back.getHeader(ViaHeader.NAME);
            if (top == null || !isOwnVia(top)) {
                dropped.increment();
                return;
            }
            back.removeFirst(ViaHeader.NAME);
            if (back.getHeader(ViaHeader.NAME) == null) {
                return; // the answer to a request the proxy sent itself (CANCEL)
            }
            if (response.getStatusCode() >= 200 && ct != null && Request.INVITE.equals(ct.getRequest().getMethod())) {
                pendingInvites.values().remove(ct);
            }
            ServerTransaction st = ct != null && ct.getApplicationData() instanceof ServerTransaction s ? s : null;
            wire("send", back);
            if (st != null && st.getState() != TransactionState.TERMINATED) {
                st.sendResponse(back);
            } else {
                provider.sendResponse(back); // a 2xx retransmission after the transactions ended
            }
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            dropped.increment();
            LOG.warn("response {} not proxied: {}", response.getStatusCode(), e.toString());
        } finally {
            ThreadContext.remove("call");
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (event.isServerTransaction()) {
            return;
        }
        ClientTransaction ct = event.getClientTransaction();
        pendingInvites.values().remove(ct);
        if (ct.getApplicationData() instanceof ServerTransaction st && st.getState() != TransactionState.TERMINATED
                && st.getState() != TransactionState.COMPLETED) {
            try {
                answer(st, response(Response.REQUEST_TIMEOUT, st.getRequest()));
            } catch (ParseException | SipException | InvalidArgumentException e) {
                LOG.debug("408 not sent: {}", e.toString());
            }
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("I/O error toward {}:{}", event.getHost(), event.getPort());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        if (!event.isServerTransaction()) {
            pendingInvites.values().remove(event.getClientTransaction());
        }
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // a proxy keeps no dialogs
    }

    private void answer(ServerTransaction st, Response response) throws SipException, InvalidArgumentException {
        answered.increment();
        wire("send", response);
        st.sendResponse(response);
    }

    private Response response(int status, Request request) throws ParseException {
        Response r = messages.createResponse(status, request);
        ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
        if (to.getTag() == null && status >= 200) {
            to.setTag(Utils.getInstance().generateTag());
        }
        return r;
    }

    private ViaHeader ownVia() throws ParseException, InvalidArgumentException {
        return headers.createViaHeader(domain.host(), domain.port(), "udp", Utils.getInstance().generateBranchId());
    }

    private boolean isOwnVia(ViaHeader via) {
        int p = via.getPort() > 0 ? via.getPort() : 5060;
        return p == domain.port() && domain.host().equals(via.getHost());
    }

    private static String branchOf(Request r) {
        ViaHeader top = (ViaHeader) r.getHeader(ViaHeader.NAME);
        return top == null || top.getBranch() == null ? "" : top.getBranch() + "|" + top.getHost() + ":" + top.getPort();
    }

    private static String callIdOf(javax.sip.message.Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "" : h.getCallId();
    }

    private static void wire(String direction, Object message) {
        if (WIRE.isDebugEnabled()) {
            WIRE.debug("proxy {}:\n{}", direction, message);
        }
    }
}
