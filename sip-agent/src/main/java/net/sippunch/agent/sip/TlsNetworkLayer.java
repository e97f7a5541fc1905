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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The sockets of one JAIN-SIP stack: plain ones as the RI makes them, TLS ones from the stack's own
 * {@link SSLContext} (not the JVM-wide default). A client TLS socket is layered over a connected plain socket
 * with the host the stack meant to reach as its peer host: the name of the address when it was looked up by
 * name, else the IP literal. {@link SipTrustManager} checks the server's certificate against that host, and the
 * JDK sends it as SNI when it is a name.
 */
final class TlsNetworkLayer implements NetworkLayer {

    private static final int CONNECT_TIMEOUT_MILLIS = 8000;

    private final NetworkLayer plain = DefaultNetworkLayer.SINGLETON;
    private final SSLContext context;

    TlsNetworkLayer(SSLContext context) {
        this.context = context;
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
        Stack(java.util.Properties properties, TlsNetworkLayer layer) throws javax.sip.PeerUnavailableException {
            super(properties);
            this.networkLayer = layer;
        }
    }
}
