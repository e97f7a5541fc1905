package net.sippunch.agent.sip;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.sip.PeerUnavailableException;
import javax.sip.SipException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The sockets of one JAIN-SIP stack over TLS: plain ones as the RI makes them, TLS ones from the stack's own
 * {@link SSLContext} (not the JVM-wide default). A client TLS socket is layered over a connected plain socket
 * with the host the stack meant to reach as its peer host: the name of the address when it was looked up by
 * name, else the IP literal. {@link SipTrustManager} checks the server's certificate against that host, and the
 * JDK sends it as SNI when it is a name.
 */
final class TlsNetworkLayer implements NetworkLayer {

    private static final Logger LOG = LogManager.getLogger(TlsNetworkLayer.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 8000;
    /** The longest a TLS handshake may take, in either direction. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 8000;

    private final NetworkLayer plain = DefaultNetworkLayer.SINGLETON;
    private final SSLContext context;

    TlsNetworkLayer(SSLContext context) {
        this.context = context;
    }

    /**
     * A stack whose TLS sockets come from a context of its own built from {@code tls}: TLS 1.3 and 1.2 with the
     * JDK's default cipher suites (the RI's own list is from the last decade), no client certificate asked of
     * incoming connections (the proxy's requests are authenticated by the proxy, not by its certificate).
     */
    static SipStackImpl stack(Properties p, TlsSettings tls) throws PeerUnavailableException, SipException {
        SSLContext context;
        try {
            context = tls.context();
        } catch (IOException | GeneralSecurityException e) {
            throw new SipException("sip.tls: " + e.getMessage(), e);
        }
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", TlsSettings.PROTOCOLS));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        // a peer that accepts the connection and never finishes the handshake would hold the sending thread (or
        // the listener's) for ever: the handshake's socket is closed after this many milliseconds
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", Long.toString(HANDSHAKE_TIMEOUT_MILLIS));
        SipStackImpl stack = new Stack(p, new TlsNetworkLayer(context));
        stack.setEnabledCipherSuites(context.getDefaultSSLParameters().getCipherSuites());
        if (!tls.hasCertificate()) {
            LOG.info("TLS without sip.tls.certificateFile: incoming TLS connections are refused; requests come"
                    + " over the connections the agent opens");
        }
        return stack;
    }

    /**
     * Why a request could not be sent: over TLS a refused certificate's reason when there is one, or the
     * handshake that the stack's watchdog abandoned; else the innermost reason the system gave.
     */
    static String sendFailure(SipTransport transport, Throwable e, long elapsedNanos) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof CertificateException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        String why = SipEndpoint.systemReason(e);
        boolean connectTimeout = false;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            connectTimeout |= t instanceof java.net.SocketTimeoutException;
        }
        if (transport == SipTransport.TLS && !connectTimeout
                && elapsedNanos >= TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_TIMEOUT_MILLIS)) {
            // the stack's watchdog closed the socket of a handshake that did not finish: the socket's own
            // complaint ("Socket is closed", "SSL peer shut down incorrectly") depends on who noticed first
            return "no TLS handshake within " + HANDSHAKE_TIMEOUT_MILLIS / 1000 + " s (the server accepted the"
                    + " connection and did not answer; " + why + ")";
        }
        return why;
    }

    /** The host a stack meant by {@code address}: the name it was looked up by, or the literal (no reverse lookup). */
    static String hostOf(InetAddress address) {
        String text = address.toString(); // "name/literal", or "/literal" for an address given as a literal
        int slash = text.indexOf('/');
        return slash > 0 ? text.substring(0, slash) : address.getHostAddress();
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, backlog, bindAddress);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return createSSLSocket(address, port, null);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        Socket socket = new Socket();
        try {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            return (SSLSocket) context.getSocketFactory().createSocket(socket, hostOf(address), port, true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return plain.createServerSocket(port, backlog, bindAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return plain.createSocket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        return plain.createSocket(address, port, localAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return plain.createSocket(address, port, myAddress, myPort);
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return plain.createDatagramSocket();
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
        return plain.createDatagramSocket(port, laddr);
    }

    @Override
    public void setSipStack(SipStackImpl stack) {
        // nothing kept per stack: the context is this layer's own
    }

    /** A JAIN-SIP RI stack whose sockets come from a {@link TlsNetworkLayer}. */
    static final class Stack extends SipStackImpl {
        Stack(Properties properties, TlsNetworkLayer layer) throws PeerUnavailableException {
            super(properties);
            this.networkLayer = layer;
        }
    }
}
