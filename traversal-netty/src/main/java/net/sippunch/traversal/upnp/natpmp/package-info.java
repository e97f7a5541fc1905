/**
 * NAT-PMP (RFC 6886) port mapping of the media port, sans-IO, as an alternative to UPnP IGD where the
 * gateway speaks it (miniupnpd does): {@link net.sippunch.traversal.upnp.natpmp.NatPmpCodec} for the
 * messages, {@link net.sippunch.traversal.upnp.natpmp.NatPmpMapping} for the procedure (a
 * {@link net.sippunch.traversal.DatagramSession}, so it can run on the media port's own socket), and
 * {@link net.sippunch.traversal.upnp.natpmp.DefaultGateway} to find the gateway on Linux. It reports the
 * same {@link net.sippunch.traversal.upnp.UpnpEvent}s as the UPnP procedure.
 */
package net.sippunch.traversal.upnp.natpmp;
