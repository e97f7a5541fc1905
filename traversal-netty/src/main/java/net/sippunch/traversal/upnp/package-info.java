/**
 * UPnP IGD port mapping, the method's first step: find an Internet Gateway Device on the LAN, map the
 * media port (UDP) to the same external port, read it back, keep it alive while the call lasts and
 * delete it at the end.
 *
 * <p>{@link net.sippunch.traversal.upnp.UpnpPortMapping} is the sans-IO state machine: it hands out
 * {@link net.sippunch.traversal.upnp.IgdCommand}s, takes {@link net.sippunch.traversal.upnp.IgdReply}s
 * and time, and reports {@link net.sippunch.traversal.upnp.UpnpEvent}s. The blocking UPnP calls run
 * through an {@link net.sippunch.traversal.upnp.IgdControl} (weupnp in production, a fake in tests) on
 * the caller's bounded {@link net.sippunch.traversal.upnp.IgdExecutor};
 * {@link net.sippunch.traversal.upnp.UpnpMappingDriver} wires the three to an event loop.
 */
package net.sippunch.traversal.upnp;
