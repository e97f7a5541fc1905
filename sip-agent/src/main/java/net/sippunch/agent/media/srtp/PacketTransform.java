package net.sippunch.agent.media.srtp;

/**
 * The cryptographic transform of one suite under one direction's session keys: no state beyond the keys,
 * no index bookkeeping (that is {@link SrtpSender}'s and {@link SrtpReceiver}'s). The unprotect methods
 * return null when the packet does not authenticate; callers have checked the lengths.
 */
sealed interface PacketTransform permits CounterModeTransform, GcmTransform {

    static PacketTransform of(MasterKey master) {
        return master.suite().aead() ? new GcmTransform(master) : new CounterModeTransform(master);
    }

    CryptoSuite suite();

    /** SRTP from RTP whose header is {@code headerLength} bytes, at index {@code roc << 16 | seq}. */
    byte[] protectRtp(byte[] rtp, int headerLength, long ssrc, long index);

    /** RTP from SRTP, or null when the tag does not match. */
    byte[] unprotectRtp(byte[] srtp, int headerLength, long ssrc, long index);

    /** SRTCP from RTCP, encrypted (E flag set), with the 31-bit SRTCP index. */
    byte[] protectRtcp(byte[] rtcp, long ssrc, int index);

    /** Where the E flag and SRTCP index sit in an SRTCP packet of {@code length} bytes. */
    int rtcpIndexOffset(int length);

    /** The shortest SRTCP packet: an 8-byte header, the index word and the tag. */
    default int minimumSrtcpLength() {
        return RtpHeader.RTCP_HEADER_LENGTH + 4 + suite().srtcpTagLength();
    }

    /** RTCP from SRTCP (encrypted or, with the E flag clear, only authenticated), or null when the tag does not match. */
    byte[] unprotectRtcp(byte[] srtcp, long ssrc, int index, boolean encrypted);
}
