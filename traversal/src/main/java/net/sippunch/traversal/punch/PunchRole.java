package net.sippunch.traversal.punch;

/**
 * Which side of a call a session is. The controlling side (the caller) settles on the first path that
 * answers and nominates it; the controlled side (the callee) settles on the path the other nominates.
 * In the crossing schedule the two roles sweep with different strides.
 */
public enum PunchRole {
    CONTROLLING,
    CONTROLLED
}
