/**
 * DTLS-SRTP (RFC 5763, RFC 5764): the SDP attributes that carry it and the DTLS 1.2 handshake that keys SRTP,
 * with Bouncy Castle's {@code bctls}.
 *
 * <ul>
 *   <li>{@link net.sippunch.agent.media.dtls.Fingerprint} and {@link net.sippunch.agent.media.dtls.Setup}: the
 *       {@code a=fingerprint} and {@code a=setup} attributes, sans-IO.</li>
 *   <li>{@link net.sippunch.agent.media.dtls.DtlsCertificate}: the agent's certificate, generated or read from
 *       PEM files.</li>
 *   <li>{@link net.sippunch.agent.media.dtls.SrtpProfile}: the {@code use_srtp} profiles and the key layout of the
 *       exported material.</li>
 *   <li>{@link net.sippunch.agent.media.dtls.DtlsDatagrams}: the media path as Bouncy Castle's datagram
 *       transport, fed from the media port's loop.</li>
 *   <li>{@link net.sippunch.agent.media.dtls.DtlsHandshake}: one handshake, client or server, on the agent's
 *       handshake executor (Bouncy Castle's handshake blocks its thread), giving the
 *       {@link net.sippunch.agent.media.srtp.SrtpKeys} or a {@link net.sippunch.agent.media.dtls.DtlsFailure}.</li>
 * </ul>
 */
package net.sippunch.agent.media.dtls;
