/**
 * A deterministic NAT simulator that drives the project's unchanged sans-IO
 * {@link net.sippunch.traversal.DatagramSession}s: no sockets, threads or wall clock.
 *
 * <p>Parts, from the bottom: {@link net.sippunch.traversal.sim.VirtualClock} (virtual nanoseconds and an
 * ordered event queue); {@link net.sippunch.traversal.sim.Nat} (RFC 4787 translation state built from a
 * {@link net.sippunch.traversal.sim.NatBehavior}: {@link net.sippunch.traversal.sim.Mapping},
 * {@link net.sippunch.traversal.sim.Filtering}, {@link net.sippunch.traversal.sim.Allocation}, timeout,
 * inbound refresh, hairpinning; {@link net.sippunch.traversal.sim.NatPreset} names the method's types);
 * {@link net.sippunch.traversal.sim.VirtualNetwork} (hosts, routers, discovery servers, links with
 * {@link net.sippunch.traversal.sim.LinkModel}, the event loop, counters and trace);
 * {@link net.sippunch.traversal.sim.Neighbour} (background flows that consume NAT ports);
 * {@link net.sippunch.traversal.sim.Scenario} (the two-site harness for punch tests and benchmarks: a call's
 * {@code CallTraversal} on each client's {@link net.sippunch.traversal.sim.SimulatedMediaPort}).
 *
 * <p>Where the model knowingly differs from the kernel lab:
 * <ul>
 *   <li>An external port belongs to one internal endpoint at a time. Linux masquerade only needs the
 *       5-tuple unique, so two internal hosts may share an external port towards different remotes; here
 *       the second host gets the next free port up.</li>
 *   <li>When a sequential NAT's sequence comes back to a port still in use, the kernel's conntrack insert
 *       fails and drops the packet; here the allocator moves on to the next step (counted as a collision).
 *       With the full port range this needs 64,512 new flows within one mapping timeout.</li>
 *   <li>One idle timeout per mapping (default 30 s, the kernel's unreplied UDP timeout); the kernel's
 *       longer timeout for flows with replies (120 s) is not modelled. Filter permissions live as long as
 *       their mapping.</li>
 *   <li>A second-priority NAT treats an internal endpoint as new once none of its mappings is alive (the
 *       kernel lab's "seen" set has its own timeout).</li>
 *   <li>NATs take no processing time and have no queue limits; loss is independent per datagram and link.</li>
 * </ul>
 */
package net.sippunch.traversal.sim;
