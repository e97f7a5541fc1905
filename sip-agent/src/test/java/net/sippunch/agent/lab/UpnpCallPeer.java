package net.sippunch.agent.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sippunch.agent.media.Codec;
import net.sippunch.agent.media.MediaPath;
import net.sippunch.agent.media.MediaPortMapping;
import net.sippunch.agent.media.MediaPortRange;
import net.sippunch.agent.media.PunchNegotiation;
import net.sippunch.traversal.netty.NettyMediaPort;
import net.sippunch.traversal.netty.NettyTransport;
import net.sippunch.traversal.punch.PunchConfig;

/**
 * One side of a call's media negotiation in the NAT traversal mode, run in a lab namespace with
 * {@code ip netns exec NS java -cp <test class path> ...}: the agent's {@link PunchNegotiation} on a real
 * media port (UPnP step, discovery, SDP extension, punch engine), with the SDP relayed by the test through
 * standard input and output instead of SIP.
 *
 * <pre>
 *   UpnpCallPeer caller|callee PORT upnp|no-upnp DISCOVERY_SERVER...
 * </pre>
 * The caller prints {@code OFFER <base64 SDP>} and reads {@code ANSWER <base64 SDP>}; the callee reads
 * {@code OFFER ...} and prints {@code ANSWER ...}. Both then print {@code PATH ip:port <how>} when the punch
 * has an outcome, wait for a line {@code END}, end the negotiation (which deletes the mapping) and print
 * {@code SUMMARY <traversal summary as JSON>}.
 */
public final class UpnpCallPeer {

    private UpnpCallPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: caller|callee PORT upnp|no-upnp DISCOVERY_SERVER...");
            System.exit(2);
        }
        boolean caller = args[0].equals("caller");
        int portNumber = Integer.parseInt(args[1]);
        boolean withUpnp = args[2].equals("upnp");
        List<String> servers = List.of(args).subList(3, args.length);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        Optional<MediaPortMapping.Plan> plan = withUpnp
                ? Optional.of(MediaPortMapping.Plan.open(true, 120, Duration.ofMillis(2000))) : Optional.empty();
        PunchNegotiation.Settings settings = new PunchNegotiation.Settings(
                servers.stream().map(PunchNegotiation::server).toList(), Duration.ofMillis(2000),
                PunchConfig.defaults(), List.of(Codec.PCMU), plan, Optional.empty());
        EventLoopGroup group = NettyTransport.newGroup(1, "media");
        try (NettyMediaPort port = new MediaPortRange(group, InetAddress.getByName("0.0.0.0"), portNumber, portNumber)
                .bind()) {
            PunchNegotiation negotiation = new PunchNegotiation(settings, port, caller, new SecureRandom());
            long t0 = System.nanoTime();
            if (caller) {
                String offer = negotiation.offer();
                out.println("PREPARED " + (System.nanoTime() - t0) / 1_000_000);
                out.println("OFFER " + encode(offer));
                negotiation.acceptAnswer(decode(expect(in, "ANSWER ")));
            } else {
                String offer = decode(expect(in, "OFFER "));
                t0 = System.nanoTime();
                String answer = negotiation.answer(offer);
                out.println("PREPARED " + (System.nanoTime() - t0) / 1_000_000);
                out.println("ANSWER " + encode(answer));
            }
            CompletableFuture<MediaPath> started = negotiation.start();
            negotiation.confirmed(); // the test's pipe is the signalling: no ACK, the answer confirms
            MediaPath path = started.get(60, TimeUnit.SECONDS);
            out.println("PATH " + path.remote().getAddress().getHostAddress() + ":" + path.remote().getPort() + " "
                    + path.how());
            expect(in, "END");
            negotiation.stop();
            out.println("SUMMARY " + new ObjectMapper().writeValueAsString(negotiation.summary()));
        } finally {
            plan.ifPresent(MediaPortMapping.Plan::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private static String expect(BufferedReader in, String prefix) throws Exception {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        throw new IllegalStateException("input ended before " + prefix.trim());
    }

    private static String encode(String sdp) {
        return Base64.getEncoder().encodeToString(sdp.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String line) {
        return new String(Base64.getDecoder().decode(line.trim()), StandardCharsets.UTF_8);
    }
}
