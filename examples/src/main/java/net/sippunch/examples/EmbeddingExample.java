package net.sippunch.examples;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import net.sippunch.sdp.OfferAnswer;
import net.sippunch.sdp.PunchAttributes;
import net.sippunch.sdp.SdpReading;
import net.sippunch.traversal.call.CallTraversal;
import net.sippunch.traversal.discovery.BindingResponder;
import net.sippunch.traversal.discovery.DiscoveryConfig;
import net.sippunch.traversal.discovery.ServerAddresses;
import net.sippunch.traversal.netty.NettyCallTraversal;
import net.sippunch.traversal.netty.NettyDiscoveryServer;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import net.sippunch.traversal.punch.PunchConfig;
import net.sippunch.traversal.punch.PunchEndpoint;
import net.sippunch.traversal.punch.PunchPath;
import net.sippunch.traversal.punch.PunchRole;

/**
 * Both sides of one call in one process: the caller's offer and the callee's answer are the SDP strings your
 * INVITE and 200 OK would carry; each side discovers its NAT from its media port, punches, and sends its own
 * RTP on the settled path. Arguments: two discovery servers {@code HOST:PORT HOST:PORT}; without them a
 * stand-in server answers on 127.0.0.1:3478 and 127.0.0.2:3479.
 */
public final class EmbeddingExample {

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = NettyTransport.newGroup(2, "media");
        NettyDiscoveryServer standIn = null;
        List<InetSocketAddress> servers;
        if (args.length == 2) {
            servers = List.of(hostPort(args[0]), hostPort(args[1]));
        } else {
            ServerAddresses loopback = new ServerAddresses(List.of(new InetSocketAddress("127.0.0.1", 3478),
                    new InetSocketAddress("127.0.0.2", 3479)));
            standIn = NettyDiscoveryServer.start(loopback, new BindingResponder(loopback, "stand-in"), group);
            servers = standIn.addresses().subList(0, 2);
        }
        // what every call shares: the discovery servers and the punch engine's tunables
        CallTraversal.Settings settings = new CallTraversal.Settings(DiscoveryConfig.defaults(servers),
                PunchConfig.defaults());
        InetAddress host = InetAddress.getByName("127.0.0.1");
        try (NettyMediaPort callerPort = NettyMediaPort.open(group.next(), new InetSocketAddress(host, 0)).get();
             NettyMediaPort calleePort = NettyMediaPort.open(group.next(), new InetSocketAddress(host, 0)).get()) {

            // caller: discovery from the media port, then the offer
            NettyCallTraversal caller = NettyCallTraversal.start(callerPort, settings, PunchRole.CONTROLLING,
                    new SecureRandom(), event -> System.out.println("caller: " + event));
            PunchEndpoint callerSide = caller.discovered().get(10, TimeUnit.SECONDS);
            PunchAttributes offered = OfferAnswer.attributes(callerSide.profile(), callerSide.upnp());
            SessionDescription offer = plainSdp(callerSide);
            OfferAnswer.writeOffer(offer, offered, callerSide.credentials());
            String invite = offer.toString();                      // the INVITE's body

            // callee: the INVITE arrives; discovery from its media port, then the answer
            SdpReading.Extended fromCaller = (SdpReading.Extended) OfferAnswer.readOffer(invite);
            NettyCallTraversal callee = NettyCallTraversal.start(calleePort, settings, PunchRole.CONTROLLED,
                    new SecureRandom(), event -> System.out.println("callee: " + event));
            PunchEndpoint calleeSide = callee.discovered().get(10, TimeUnit.SECONDS);
            SessionDescription answer = plainSdp(calleeSide);
            OfferAnswer.writeAnswer(answer, OfferAnswer.attributes(calleeSide.profile(), calleeSide.upnp()),
                    calleeSide.credentials(), fromCaller.peer().attributes().version());
            String ok = answer.toString();                         // the 200 OK's body
            callee.peer(fromCaller.peer().punchEndpoint(0).orElseThrow()); // as the 200 OK leaves
            callee.confirmed();                                    // when the ACK arrives

            // caller: the 200 OK arrives
            SdpReading.Extended fromCallee = (SdpReading.Extended) OfferAnswer.readAnswer(ok, offered.version());
            caller.peer(fromCallee.peer().punchEndpoint(0).orElseThrow());

            // both: the settled path; RTP is yours
            PunchPath callerPath = caller.settled().get(20, TimeUnit.SECONDS);
            PunchPath calleePath = callee.settled().get(20, TimeUnit.SECONDS);
            CompletableFuture<Integer> heard = new CompletableFuture<>();
            calleePort.onUnhandled((port, source, payload) -> {
                if (source.equals(calleePath.remote())) {
                    heard.complete(payload.length);
                }
            });
            byte[] rtp = new byte[172];
            rtp[0] = (byte) 0x80;                                  // RTP version 2, payload type 0 (PCMU)
            caller.send(callerPath, rtp);
            System.out.println("caller's path " + callerPath + ", callee's path " + calleePath);
            System.out.println("callee heard " + heard.get(5, TimeUnit.SECONDS) + " bytes of RTP");
            caller.close();
            callee.close();
        } finally {
            if (standIn != null) {
                standIn.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Your usual SDP: c= and m= toward the address the library recommends for this side. */
    private static SessionDescription plainSdp(PunchEndpoint side) throws Exception {
        InetSocketAddress target = OfferAnswer.signalledTarget(side.profile(), side.upnp());
        String ip = target.getAddress().getHostAddress();
        return SdpFactory.getInstance().createSessionDescription("v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\n"
                + "c=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " + target.getPort() + " RTP/AVP 0\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\n");
    }

    private static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
