package net.sippunch.agent.media;

/** The audio codecs the agent speaks: G.711 at 8 kHz, one byte per sample. */
public enum Codec {
    PCMU(0, "PCMU"),
    PCMA(8, "PCMA");

    public static final int CLOCK_RATE = 8000;

    private final int payloadType;
    private final String encodingName;

    Codec(int payloadType, String encodingName) {
        this.payloadType = payloadType;
        this.encodingName = encodingName;
    }

    /** The static RTP payload type (RFC 3551). */
    public int payloadType() {
        return payloadType;
    }

    public String encodingName() {
        return encodingName;
    }

    public byte[] encode(short[] pcm) {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            out[i] = this == PCMU ? G711.linearToMulaw(pcm[i]) : G711.linearToAlaw(pcm[i]);
        }
        return out;
    }

    public short[] decode(byte[] payload, int offset, int length) {
        short[] out = new short[length];
        for (int i = 0; i < length; i++) {
            byte b = payload[offset + i];
            out[i] = this == PCMU ? G711.mulawToLinear(b) : G711.alawToLinear(b);
        }
        return out;
    }

    /** The codec of a static payload type, or null. */
    public static Codec ofPayloadType(int pt) {
        for (Codec c : values()) {
            if (c.payloadType == pt) {
                return c;
            }
        }
        return null;
    }
}
