package net.sippunch.traversal.turn;

import java.util.Arrays;
import java.util.Optional;

/**
 * A ChannelData message (RFC 8656 section 12.4): a channel number, the length of the data, the data. Over
 * UDP no padding is written; padding up to a multiple of four bytes (which TCP requires) is accepted.
 *
 * @param channel the channel number, {@value #MIN_CHANNEL}..{@value #MAX_CHANNEL}
 * @param data    the application bytes
 */
public record ChannelData(int channel, byte[] data) {

    /** The lowest channel number a client may bind. */
    public static final int MIN_CHANNEL = 0x4000;
    /** The highest channel number a client may bind (RFC 8656 narrowed RFC 5766's range to 0x4FFF). */
    public static final int MAX_CHANNEL = 0x4FFF;
    public static final int HEADER_LENGTH = 4;

    public ChannelData {
        if (!validChannel(channel)) {
            throw new IllegalArgumentException(String.format("channel number 0x%04x outside 0x4000..0x4FFF", channel));
        }
        if (data.length > 0xFFFF) {
            throw new IllegalArgumentException("ChannelData longer than 65535 bytes: " + data.length);
        }
        data = data.clone();
    }

    public static boolean validChannel(int channel) {
        return channel >= MIN_CHANNEL && channel <= MAX_CHANNEL;
    }

    /** RFC 7983's demultiplexing test: first byte 64..79 is a TURN channel. */
    public static boolean looksLikeChannelData(byte[] datagram) {
        return datagram.length >= HEADER_LENGTH && (datagram[0] & 0xF0) == 0x40;
    }

    /** The message without padding, as sent over UDP. */
    public byte[] encode() {
        byte[] out = new byte[HEADER_LENGTH + data.length];
        out[0] = (byte) (channel >>> 8);
        out[1] = (byte) channel;
        out[2] = (byte) (data.length >>> 8);
        out[3] = (byte) data.length;
        System.arraycopy(data, 0, out, HEADER_LENGTH, data.length);
        return out;
    }

    /**
     * Reads one datagram: empty when the channel is outside the client range, the length overruns the
     * datagram, or more than the padding to four bytes follows the data. Never throws.
     */
    public static Optional<ChannelData> decode(byte[] datagram) {
        if (datagram.length < HEADER_LENGTH) {
            return Optional.empty();
        }
        int channel = ((datagram[0] & 0xFF) << 8) | (datagram[1] & 0xFF);
        int length = ((datagram[2] & 0xFF) << 8) | (datagram[3] & 0xFF);
        int padded = length + ((4 - (length & 3)) & 3);
        int rest = datagram.length - HEADER_LENGTH;
        if (!validChannel(channel) || rest < length || rest > padded) {
            return Optional.empty();
        }
        return Optional.of(new ChannelData(channel,
                Arrays.copyOfRange(datagram, HEADER_LENGTH, HEADER_LENGTH + length)));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelData other && channel == other.channel && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * channel + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return String.format("ChannelData[0x%04x, %d bytes]", channel, data.length);
    }
}
