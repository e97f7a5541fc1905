package net.sippunch.examples;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.header.CSeqHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import net.sippunch.sdp.OfferAnswer;
import net.sippunch.sdp.PunchAttributes;
import net.sippunch.sdp.SdpReading;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.netty.NettyCallTraversal;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchRole;

/**
 * A softphone's call with NAT traversal, as an integrator writes it: its own JAIN-SIP stack (not the agent's
 * {@code SipEndpoint}), the library's SDP extension ({@link OfferAnswer}) and per-call traversal
 * ({@link NettyCallTraversal}), and its own RTP: PCMU silence every 20 ms on the settled path.
 *
 * <pre>
 * java -cp ... net.sippunch.examples.TraversalCaller sip:bob@192.0.2.7:5060 192.0.2.10 \
 *     stun1.example.org:3478 stun2.example.org:3478 [SECONDS]
 * </pre>
 */
public final class TraversalCaller implements SipListener, AutoCloseable {

    /**
     * How the call went.
     *
     * @param path        the path RTP took: settled by probes, or the peer's reported address after a give-up
     * @param settled     whether probes settled it
     * @param rtpSent     RTP packets sent
     * @param rtpReceived RTP packets received from the path's remote address
     * @param byeStatus   the status of the BYE's final response
     */
    public record Result(PunchPath path, boolean settled, int rtpSent, int rtpReceived, int byeStatus) {
    }

    private static final int PCMU = 0;
    private static final int SAMPLES_PER_PACKET = 160;

    private final InetAddress local;
    private final SipStack stack;
    private final SipProvider provider;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final CompletableFuture<Response> answered = new CompletableFuture<>();
    private final CompletableFuture<Integer> byeAnswered = new CompletableFuture<>();

    private TraversalCaller(InetAddress local, int sipPort) throws Exception {
        this.local = local;
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "traversal-caller-" + sipPort);
        stack = factory.createSipStack(p);
        ListeningPoint lp = stack.createListeningPoint(local.getHostAddress(), sipPort, ListeningPoint.UDP);
        provider = stack.createSipProvider(lp);
        provider.addSipListener(this);
        addresses = factory.createAddressFactory();
        headers = factory.createHeaderFactory();
        messages = factory.createMessageFactory();
        stack.start();
    }

    /**
     * Places one call to {@code target} with traversal, talks for {@code talk}, hangs up.
     *
     * @param local            the address of the SIP and media sockets
     * @param discoveryServers two discovery (STUN) servers at different IP addresses
     */
    public static Result call(String target, InetAddress local, List<InetSocketAddress> discoveryServers,
                              Duration talk) throws Exception {
        var group = NettyTransport.newGroup(1, "example-media");
        try (NettyMediaPort port = NettyMediaPort.open(group.next(), new InetSocketAddress(local, 0))
                .get(5, TimeUnit.SECONDS);
             TraversalCaller sip = new TraversalCaller(local, freeUdpPort(local))) {
            return sip.place(target, port, discoveryServers, talk);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private Result place(String callee, NettyMediaPort port, List<InetSocketAddress> servers, Duration talk)
            throws Exception {
        // 1. discovery from the media port, before the offer
        CallTraversal.Settings settings = new CallTraversal.Settings(DiscoveryConfig.defaults(servers),
                PunchConfig.defaults());
        NettyCallTraversal traversal = NettyCallTraversal.start(port, settings, PunchRole.CONTROLLING,
                new SecureRandom(), event -> System.out.println("traversal: " + event));
        PunchEndpoint mine = traversal.discovered().get(10, TimeUnit.SECONDS);

        // 2. the INVITE: our usual SDP toward the address the library recommends, plus the extension
        InetSocketAddress target = OfferAnswer.signalledTarget(mine.profile(), mine.upnp());
        String ip = target.getAddress().getHostAddress();
        SessionDescription offer = SdpFactory.getInstance().createSessionDescription(
                "v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\n"
                + "m=audio " + target.getPort() + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\n");
        PunchAttributes attributes = OfferAnswer.attributes(mine.profile(), mine.upnp());
        OfferAnswer.writeOffer(offer, attributes, mine.credentials());
        Request invite = invite(callee, offer.toString());
        ClientTransaction inviteTransaction = provider.getNewClientTransaction(invite);
        inviteTransaction.sendRequest();

        // 3. the 200 OK (ACKed by the listener): the peer's description starts the punch
        Response ok = answered.get(15, TimeUnit.SECONDS);
        Dialog dialog = inviteTransaction.getDialog();
        SdpReading answer = OfferAnswer.readAnswer(new String(ok.getRawContent(), StandardCharsets.UTF_8),
                attributes.version());
        if (!(answer instanceof SdpReading.Extended extended) || extended.peer().punchEndpoint(0).isEmpty()) {
            hangUp(dialog);
            throw new IllegalStateException("the callee answered without the traversal extension: " + answer);
        }
        traversal.peer(extended.peer().punchEndpoint(0).orElseThrow());

        // 4. the settled path; RTP is ours
        PunchPath path;
        boolean settled;
        try {
            path = traversal.settled().get(20, TimeUnit.SECONDS);
            settled = true;
        } catch (ExecutionException e) {
            NettyCallTraversal.TraversalFailure failure = (NettyCallTraversal.TraversalFailure) e.getCause();
            path = failure.fallback().orElseThrow(() -> failure);
            settled = false;
        }
        AtomicInteger received = new AtomicInteger();
        PunchPath media = path;
        port.onUnhandled((localPort, source, payload) -> {
            if (source.equals(media.remote()) && payload.length > 12 && (payload[0] & 0xC0) == 0x80
                    && (payload[1] & 0x7F) == PCMU) {
                received.incrementAndGet();
            }
        });
        int sent = sendSilence(traversal, path, talk);

        // 5. BYE
        int byeStatus = hangUp(dialog);
        traversal.close();
        return new Result(path, settled, sent, received.get(), byeStatus);
    }

    /** PCMU silence every 20 ms for {@code talk}: the application's own RTP, paced by its own clock. */
    private static int sendSilence(NettyCallTraversal traversal, PunchPath path, Duration talk)
            throws InterruptedException {
        int ssrc = new SecureRandom().nextInt();
        long packets = talk.toMillis() / 20;
        long start = System.nanoTime();
        for (int seq = 0; seq < packets; seq++) {
            byte[] rtp = new byte[12 + SAMPLES_PER_PACKET];
            rtp[0] = (byte) 0x80;
            rtp[1] = (byte) PCMU;
            rtp[2] = (byte) (seq >> 8);
            rtp[3] = (byte) seq;
            int timestamp = seq * SAMPLES_PER_PACKET;
            for (int i = 0; i < 4; i++) {
                rtp[4 + i] = (byte) (timestamp >>> (24 - 8 * i));
                rtp[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
            }
            java.util.Arrays.fill(rtp, 12, rtp.length, (byte) 0xFF); // PCMU silence
            traversal.send(path, rtp);
            long due = start + (seq + 1) * 20_000_000L;
            TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
        }
        return (int) packets;
    }

    private Request invite(String target, String sdp) throws Exception {
        SecureRandom random = new SecureRandom();
        Address to = addresses.createAddress(addresses.createURI(target));
        int sipPort = provider.getListeningPoint(ListeningPoint.UDP).getPort();
        Address from = addresses.createAddress(addresses.createSipURI("caller", local.getHostAddress()));
        Request invite = messages.createRequest(to.getURI(), Request.INVITE, provider.getNewCallId(),
                headers.createCSeqHeader(1L, Request.INVITE),
                headers.createFromHeader(from, Long.toHexString(random.nextLong())), headers.createToHeader(to, null),
                List.of(headers.createViaHeader(local.getHostAddress(), sipPort, ListeningPoint.UDP, null)),
                headers.createMaxForwardsHeader(70));
        javax.sip.address.SipURI contact = addresses.createSipURI("caller", local.getHostAddress());
        contact.setPort(sipPort);
        invite.addHeader(headers.createContactHeader(addresses.createAddress(contact)));
        invite.setContent(sdp, headers.createContentTypeHeader("application", "sdp"));
        return invite;
    }

    private int hangUp(Dialog dialog) throws Exception {
        Request bye = dialog.createRequest(Request.BYE);
        ClientTransaction transaction = provider.getNewClientTransaction(bye);
        dialog.sendRequest(transaction);
        return byeAnswered.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
        int status = response.getStatusCode();
        if (Request.INVITE.equals(cseq.getMethod())) {
            if (status >= 200 && status < 300) {
                try {
                    Dialog dialog = event.getDialog();
                    dialog.sendAck(dialog.createAck(cseq.getSeqNumber()));
                    answered.complete(response);
                } catch (Exception e) {
                    answered.completeExceptionally(e);
                }
            } else if (status >= 300) {
                answered.completeExceptionally(new IllegalStateException("the call was refused: " + status + " "
                        + response.getReasonPhrase()));
            }
        } else if (Request.BYE.equals(cseq.getMethod()) && status >= 200) {
            byeAnswered.complete(status);
        }
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        try {
            ServerTransaction st = event.getServerTransaction() != null ? event.getServerTransaction()
                    : provider.getNewServerTransaction(request);
            int status = Request.BYE.equals(request.getMethod()) ? Response.OK : Response.NOT_IMPLEMENTED;
            st.sendResponse(messages.createResponse(status, request));
        } catch (Exception e) {
            System.err.println(request.getMethod() + " not answered: " + e);
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        answered.completeExceptionally(new IllegalStateException("no answer to the INVITE"));
        byeAnswered.completeExceptionally(new IllegalStateException("no answer to the BYE"));
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        System.err.println("SIP I/O error toward " + event.getHost() + ":" + event.getPort());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // nothing is kept per transaction
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // the call ends with the BYE's answer
    }

    @Override
    public void close() {
        provider.removeSipListener(this);
        stack.stop();
    }

    private static int freeUdpPort(InetAddress local) throws java.io.IOException {
        try (DatagramSocket s = new DatagramSocket(0, local)) {
            return s.getLocalPort();
        }
    }

    /**
     * {@code TARGET LOCAL_IP SERVER1 SERVER2 [SECONDS]}: places the call, prints the result; exit 0 when RTP
     * came back on a path probes settled.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TraversalCaller TARGET LOCAL_IP HOST:PORT HOST:PORT [SECONDS]");
            System.exit(2);
        }
        List<InetSocketAddress> servers = List.of(hostPort(args[2]), hostPort(args[3]));
        Duration talk = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 3);
        Result result = call(args[0], InetAddress.getByName(args[1]), servers, talk);
        System.out.println(result);
        System.exit(result.settled() && result.rtpReceived() > 0 ? 0 : 1);
    }

    private static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
