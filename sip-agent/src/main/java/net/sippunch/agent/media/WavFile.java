package net.sippunch.agent.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes 16-bit PCM mono WAV files at 8 kHz, the format the agent plays and records. */
public final class WavFile {

    private WavFile() {
    }

    /**
     * Reads the samples of a 16-bit PCM mono 8 kHz WAV file.
     *
     * @throws IOException when the file cannot be read or is not in that format (the message says why)
     */
    public static short[] read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied", e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IOException(file + ": not a RIFF/WAVE file");
        }
        int pos = 12;
        boolean formatOk = false;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            if (size < 0 || pos + 8L + size > b.limit()) {
                throw new IOException(file + ": chunk overruns the file");
            }
            if (id == 0x20746d66) { // "fmt "
                if (size < 16) {
                    throw new IOException(file + ": fmt chunk too short");
                }
                int format = b.getShort(pos + 8) & 0xFFFF;
                int channels = b.getShort(pos + 10) & 0xFFFF;
                int rate = b.getInt(pos + 12);
                int bits = b.getShort(pos + 22) & 0xFFFF;
                if (format != 1 || channels != 1 || rate != Codec.CLOCK_RATE || bits != 16) {
                    throw new IOException(file + ": need 16-bit PCM mono 8000 Hz, found format " + format + ", "
                            + channels + " channels, " + rate + " Hz, " + bits + " bits");
                }
                formatOk = true;
            } else if (id == 0x61746164) { // "data"
                if (!formatOk) {
                    throw new IOException(file + ": data chunk before fmt chunk");
                }
                short[] samples = new short[size / 2];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = b.getShort(pos + 8 + 2 * i);
                }
                return samples;
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException(file + ": no data chunk");
    }

    public static void write(Path file, short[] samples) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + 2 * samples.length).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(Codec.CLOCK_RATE).putInt(2 * Codec.CLOCK_RATE).putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(2 * samples.length);
        for (short s : samples) {
            b.putShort(s);
        }
        Files.write(file, b.array());
    }

    /** A sine tone, for calls configured to play a tone instead of a file. */
    public static short[] tone(double hz, double seconds, double amplitude) {
        short[] out = new short[(int) (seconds * Codec.CLOCK_RATE)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / Codec.CLOCK_RATE));
        }
        return out;
    }
}
