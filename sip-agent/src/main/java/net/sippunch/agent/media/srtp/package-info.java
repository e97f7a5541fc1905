/**
 * SRTP and SRTCP (RFC 3711) with AES_CM_128_HMAC_SHA1_80 and _32, and AEAD_AES_128_GCM (RFC 7714), sans-IO:
 * byte arrays in, byte arrays or a drop reason out. No sockets, threads or clocks; one sender or receiver is
 * owned by one event loop and takes no locks. The ciphers are the JDK's (AES/CTR, AES/GCM, HmacSHA1).
 *
 * <ul>
 *   <li>{@link net.sippunch.agent.media.srtp.CryptoSuite}: the suites by their SDES names, with key and tag
 *       lengths.</li>
 *   <li>{@link net.sippunch.agent.media.srtp.MasterKey}: a master key and salt (from {@code SecureRandom} or
 *       from the peer), with the packet lifetime it may protect.</li>
 *   <li>{@link net.sippunch.agent.media.srtp.SrtpSender} and
 *       {@link net.sippunch.agent.media.srtp.SrtpReceiver}: one direction each, every SSRC of that direction
 *       under one master key, with the rollover counter, the SRTCP index and the replay list per SSRC.</li>
 *   <li>{@link net.sippunch.agent.media.srtp.SdesCrypto}: the {@code a=crypto} attribute of RFC 4568.</li>
 * </ul>
 */
package net.sippunch.agent.media.srtp;
