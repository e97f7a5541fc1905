/**
 * The SDP extension that carries NAT traversal facts through SIP offer/answer.
 *
 * <p>The attributes ({@code a=punch-version}, {@code a=punch-private}, {@code a=punch-mapped},
 * {@code a=punch-delta}, {@code a=punch-nat}, {@code a=punch-upnp}, {@code a=punch-peer-correction},
 * plus the standard {@code a=ice-ufrag} / {@code a=ice-pwd}) are specified in
 * {@code docs/sdp-extension.md}. Integrators start at {@link net.sippunch.sdp.OfferAnswer}; the
 * values live in {@link net.sippunch.sdp.PunchAttributes}; what a peer's description turns out to
 * be is a {@link net.sippunch.sdp.SdpReading}. Standard ICE (RFC 8839 {@code a=candidate} and friends)
 * is written by {@link net.sippunch.sdp.IceCandidateCodec} and read into an
 * {@link net.sippunch.sdp.IceDescription}.
 *
 * <p>Nothing here opens a socket, reads a clock or resolves a name: addresses must be IP literals.
 */
package net.sippunch.sdp;
