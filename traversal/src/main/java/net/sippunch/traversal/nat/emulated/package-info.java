/**
 * A NAT as RFC 4787 describes it, sans-IO: {@link net.sippunch.traversal.nat.emulated.Nat} holds the
 * translation state of one NAT built from a {@link net.sippunch.traversal.nat.emulated.NatBehavior}
 * ({@link net.sippunch.traversal.nat.emulated.Mapping}, {@link net.sippunch.traversal.nat.emulated.Filtering},
 * {@link net.sippunch.traversal.nat.emulated.Allocation}, timeout, inbound refresh, hairpinning);
 * {@link net.sippunch.traversal.nat.emulated.NatPreset} names the method's NAT types. Time is an argument and
 * randomness a seeded generator, so the same model serves the deterministic simulator of the tests and the
 * NAT boxes that {@code sip-agent demo} runs on loopback sockets
 * ({@code net.sippunch.traversal.netty.EmulatedNatBox}, module traversal-netty).
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
package net.sippunch.traversal.nat.emulated;
