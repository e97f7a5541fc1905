/**
 * A deterministic NAT simulator that drives the project's unchanged sans-IO
 * {@link net.sippunch.traversal.DatagramSession}s: no sockets, threads or wall clock.
 *
 * <p>Parts, from the bottom: {@link net.sippunch.traversal.sim.VirtualClock} (virtual nanoseconds and an
 * ordered event queue); a {@link net.sippunch.traversal.nat.emulated.Nat} per
 * {@link net.sippunch.traversal.sim.Router} (the RFC 4787 model of main code, package
 * {@link net.sippunch.traversal.nat.emulated}, which the loopback NAT boxes of {@code sip-agent demo} use too;
 * {@link net.sippunch.traversal.nat.emulated.NatPreset} names the method's types);
 * {@link net.sippunch.traversal.sim.VirtualNetwork} (hosts, routers, discovery servers, links with
 * {@link net.sippunch.traversal.sim.LinkModel}, the event loop, counters and trace);
 * {@link net.sippunch.traversal.sim.Neighbour} (background flows that consume NAT ports);
 * {@link net.sippunch.traversal.sim.Scenario} (the two-site harness for punch tests and benchmarks: a call's
 * {@code CallTraversal} on each client's {@link net.sippunch.traversal.sim.SimulatedMediaPort}).
 */
package net.sippunch.traversal.sim;
