package net.sippunch.agent.proxy;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ListeningPoint;
import javax.sip.SipException;
import javax.sip.SipProvider;

/**
 * An in-process registrar and stateful record-routing proxy on its own JAIN-SIP stack and one UDP
 * listening point: enough of a SIP server for agents on one machine (the {@code demo} command and tests).
 * Production deployments use Kamailio ({@code conf/kamailio/}).
 */
public final class SipProxy implements AutoCloseable {

    private static final AtomicLong STACKS = new AtomicLong();

    private final SipStackImpl stack;
    private final ListeningPoint listeningPoint;
    private final SipProvider provider;
    private final ProxyCore core;
    private final BindingTable bindings = new BindingTable();

    /**
     * What the proxy serves and where it listens.
     *
     * @param passwords user to password; empty: REGISTER without authentication
     */
    public record Settings(String domain, String listenAddress, int port, Map<String, String> passwords,
                           int defaultExpires, int maxExpires) {
        public Settings {
            passwords = Map.copyOf(passwords);
        }

        /** No authentication, one hour by default and at most. */
        public static Settings open(String domain, String listenAddress, int port) {
            return new Settings(domain, listenAddress, port, Map.of(), 3600, 3600);
        }
    }

    private SipProxy(Settings settings) throws SipException {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "sippunch-proxy-" + settings.port() + "-" + STACKS.incrementAndGet());
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        try {
            stack = new SipStackImpl(p);
        } catch (javax.sip.PeerUnavailableException e) {
            throw new SipException("cannot create the proxy's SIP stack: " + e.getMessage(), e);
        }
        try {
            listeningPoint = stack.createListeningPoint(settings.listenAddress(), settings.port(), ListeningPoint.UDP);
            provider = stack.createSipProvider(listeningPoint);
            HeaderFactoryImpl headers = new HeaderFactoryImpl();
            MessageFactoryImpl messages = new MessageFactoryImpl();
            AddressFactoryImpl addresses = new AddressFactoryImpl();
            ProxyDomain domain = new ProxyDomain(settings.domain(), settings.listenAddress(), settings.port());
            Registrar registrar = new Registrar(bindings, domain, settings.passwords(), settings.defaultExpires(),
                    settings.maxExpires(), headers, messages, addresses, new SplittableRandom());
            core = new ProxyCore(provider, headers, messages, addresses, domain, registrar, bindings);
            provider.addSipListener(core);
            stack.start();
        } catch (javax.sip.TransportNotSupportedException | javax.sip.InvalidArgumentException
                 | java.util.TooManyListenersException | javax.sip.ObjectInUseException e) {
            stack.stop();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new SipException("proxy cannot listen on " + settings.listenAddress() + ":" + settings.port()
                    + " (udp): " + cause.getMessage(), e);
        }
    }

    /** Starts the proxy; a taken port is a {@link SipException} that leaves nothing running. */
    public static SipProxy start(Settings settings) throws SipException {
        return new SipProxy(settings);
    }

    /** The registrar's bindings (for reports and tests). */
    public BindingTable bindings() {
        return bindings;
    }

    /** What the proxy has forwarded, answered itself and dropped. */
    public ProxyCore.Stats stats() {
        return core.stats();
    }

    /** The UDP port it listens on. */
    public int port() {
        return listeningPoint.getPort();
    }

    /** Stops the stack and its threads. */
    @Override
    public void close() {
        provider.removeSipListener(core);
        net.sippunch.agent.sip.SipEndpoint.stop(stack, provider); // the socket and every thread of the stack
    }
}
